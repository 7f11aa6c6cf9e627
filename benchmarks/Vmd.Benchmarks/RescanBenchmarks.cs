using System;
using BenchmarkDotNet.Attributes;
using Vmd.Core;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Benchmarks;

/// <summary>
/// Re-scan and re-enumeration of an unchanged domain (goal: 0 B allocated), on the simulated Tiger Lake
/// laptop (2 functions), the Skylake-SP server (10 functions behind a switch) and the synthetic dense domain
/// (247 functions on 32 buses behind two switches, see <see cref="SyntheticDomains"/>).
/// </summary>
[MemoryDiagnoser]
public class RescanBenchmarks
{
    private VmdController _vmd = null!;

    /// <summary>The simulated machine.</summary>
    [Params("tigerlake", "skylake-sp", SyntheticDomains.Dense)]
    public string Machine { get; set; } = "tigerlake";

    [GlobalSetup]
    public void Setup()
    {
        SimulatedMachine machine = SyntheticDomains.TryCreate(Machine) ?? MachineCatalog.Create(Machine);
        _vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        if (!_vmd.TryMap() || !_vmd.TryEnable() || !_vmd.TryEnumerate())
        {
            throw new InvalidOperationException(_vmd.LastFailure?.ToString());
        }

        // Fill the re-scan's second record pool once, as a running kernel would have.
        _vmd.Rescan();
        _vmd.Rescan();
    }

    /// <summary>Read-only walk of the programmed topology, compared with the last list.</summary>
    [Benchmark]
    public bool Rescan() => _vmd.Rescan();

    /// <summary>The full step 3 again: bridge reset, numbering, BAR sizing, assignment.</summary>
    [Benchmark]
    public bool Reenumerate() => _vmd.TryEnumerate();
}
