using System;
using System.Collections.Generic;
using System.Text;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>A value the importer chose because the dump did not say: which function, which register, what it took and why.</summary>
/// <param name="Address">The function the assumption concerns.</param>
/// <param name="Register">The register or property (e.g. "BAR2 size", "MEMBAR1 (BAR2) size").</param>
/// <param name="Value">What the importer used (e.g. "32 MiB").</param>
/// <param name="Reason">Why (e.g. "no 'Region 2' size line in the dump; the 9a0b default").</param>
public sealed record ImportAssumption(PciAddress Address, string Register, string Value, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Address}: {Register} = {Value} ({Reason})";
}

/// <summary>A dumped function the importer did not place in the machine, or placed with less than the dump asked for.</summary>
/// <param name="Address">The function.</param>
/// <param name="Reason">What stood in the way.</param>
public sealed record ImportSkip(PciAddress Address, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Address}: {Reason}";
}

/// <summary>What <see cref="DumpMachineBuilder.Build(DumpFile, string, System.TimeProvider?, out ImportReport)"/> made of a dump: counts, every assumption and every function left out.</summary>
public sealed class ImportReport
{
    internal ImportReport(string machineName, int hostFunctions, int vmds, int domainFunctions, IReadOnlyList<ImportAssumption> assumptions, IReadOnlyList<ImportSkip> skipped, IReadOnlyList<string> models)
    {
        MachineName = machineName;
        HostFunctionCount = hostFunctions;
        VmdCount = vmds;
        DomainFunctionCount = domainFunctions;
        Assumptions = assumptions;
        Skipped = skipped;
        Models = models;
    }

    /// <summary>Name given to the machine.</summary>
    public string MachineName { get; }

    /// <summary>Functions placed in the host segment, VMD endpoints included.</summary>
    public int HostFunctionCount { get; }

    /// <summary>VMD endpoints built as <see cref="Domain.SimulatedVmd"/>.</summary>
    public int VmdCount { get; }

    /// <summary>Functions placed behind a VMD.</summary>
    public int DomainFunctionCount { get; }

    /// <summary>Every value the importer chose because the dump did not say.</summary>
    public IReadOnlyList<ImportAssumption> Assumptions { get; }

    /// <summary>Functions left out, and why.</summary>
    public IReadOnlyList<ImportSkip> Skipped { get; }

    /// <summary>Which device model each placed function got ("10000:e0:06.0 root port (PciePort)", …), in placement order.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>A readable summary: counts, then one line per model, assumption and skipped function.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("machine ").Append(MachineName).Append(": ")
            .Append(HostFunctionCount).Append(" host functions, ")
            .Append(VmdCount).Append(" VMDs, ")
            .Append(DomainFunctionCount).Append(" domain functions").Append('\n');
        foreach (string model in Models)
        {
            text.Append("  model ").Append(model).Append('\n');
        }

        foreach (ImportAssumption assumption in Assumptions)
        {
            text.Append("  assumed ").Append(assumption).Append('\n');
        }

        foreach (ImportSkip skip in Skipped)
        {
            text.Append("  skipped ").Append(skip).Append('\n');
        }

        return text.ToString();
    }

    internal sealed class Collector
    {
        public List<ImportAssumption> Assumptions { get; } = [];

        public List<ImportSkip> Skipped { get; } = [];

        public List<string> Models { get; } = [];

        public void Assume(PciAddress address, string register, string value, string reason) =>
            Assumptions.Add(new ImportAssumption(address, register, value, reason));

        public void Skip(PciAddress address, string reason) => Skipped.Add(new ImportSkip(address, reason));

        public static string Size(ulong bytes) => bytes switch
        {
            >= 1UL << 30 when (bytes & ((1UL << 30) - 1)) == 0 => $"{bytes >> 30} GiB",
            >= 1UL << 20 when (bytes & ((1UL << 20) - 1)) == 0 => $"{bytes >> 20} MiB",
            >= 1UL << 10 when (bytes & ((1UL << 10) - 1)) == 0 => $"{bytes >> 10} KiB",
            _ => $"{bytes} bytes",
        };
    }
}
