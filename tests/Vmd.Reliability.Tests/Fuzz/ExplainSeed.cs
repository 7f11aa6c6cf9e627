using System;
using System.Text;
using Vmd.Core;
using Vmd.Enumeration.Functions;
using Vmd.Simulation.Fuzzing;
using Xunit.Abstractions;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Prints what the bring-up made of one seed (<c>VMD_FUZZ_EXPLAIN=&lt;seed&gt;</c>): the function list after
/// enumeration and after the rescan. A debugging aid for a failing seed; without the variable it does nothing.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ExplainSeed(ITestOutputHelper output)
{
    [Fact]
    public void Explain_the_seed_named_by_the_environment()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("VMD_FUZZ_EXPLAIN"), out int seed))
        {
            return;
        }

        FuzzCase fuzz = FuzzDomainGenerator.Generate(seed);
        output.WriteLine(fuzz.ToString());
        if (Environment.GetEnvironmentVariable("VMD_FUZZ_TRACE") is string trace)
        {
            fuzz.Machine.ConfigAccessObserver = new Tracer(output, trace);
        }

        using VmdHost host = VmdHost.Detect(fuzz.Machine.HostConfig, fuzz.Machine.Memory, new VmdHostOptions { TimeProvider = fuzz.Machine.TimeProvider });
        foreach (VmdController vmd in host.Controllers)
        {
            output.WriteLine($"map {vmd.TryMap()} enable {vmd.State >= VmdState.Mapped && vmd.TryEnable()} {vmd.LastFailure}");
            if (vmd.State != VmdState.Enabled)
            {
                continue;
            }

            output.WriteLine($"enumerate {vmd.TryEnumerate()} roots {vmd.RootBuses.Length}: {vmd.RootBuses[0].FirstBus:x2}-{vmd.RootBuses[0].LastBus:x2}");
            output.WriteLine(Describe(vmd));
            output.WriteLine($"rescan unchanged {vmd.Rescan()}");
            output.WriteLine(Describe(vmd));
        }
    }

    private sealed class Tracer(ITestOutputHelper output, string address) : Vmd.Simulation.Diagnostics.IConfigAccessObserver
    {
        public void OnConfigAccess(in Vmd.Simulation.Diagnostics.ConfigAccess access)
        {
            if (access.Address.ToString().EndsWith(address, StringComparison.Ordinal))
            {
                output.WriteLine($"  {(access.IsWrite ? "W" : "R")}{access.Width} {access.Address} +{access.Offset:x3} = {access.Value:x8} {(access.Claimed ? "" : "unclaimed")}");
            }
        }
    }

    private static string Describe(VmdController vmd)
    {
        var text = new StringBuilder();
        foreach (PciFunction f in vmd.Functions)
        {
            text.Append($"{f.Address} {f.VendorId:x4}:{f.DeviceId:x4} hdr {f.HeaderType:x2} assigned {f.Assigned} issues {f.Issues} parent {f.Parent?.Address}");
            if (f.IsBridge)
            {
                text.Append($" bus {f.Bridge.Primary:x2}/{f.Bridge.Secondary:x2}/{f.Bridge.Subordinate:x2} mem {f.Bridge.Memory} pf {f.Bridge.Prefetchable}");
            }

            text.AppendLine();
            for (int i = 0; i < f.BarCount; i++)
            {
                if (f.Bars[i].Kind != Vmd.Enumeration.Bars.PciBarKind.None)
                {
                    text.AppendLine($"    BAR{i} {f.Bars[i].Kind} {f.Bars[i].Address:x}+{f.Bars[i].Size:x} cpu {f.GetBarCpuAddress(i):x} pf {f.Bars[i].Prefetchable}");
                }
            }
        }

        return text.ToString();
    }
}
