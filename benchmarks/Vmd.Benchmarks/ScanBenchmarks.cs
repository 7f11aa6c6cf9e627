using BenchmarkDotNet.Attributes;

namespace Vmd.Benchmarks;

/// <summary>
/// Config-space scan throughput: the read-only walk (<c>DomainEnumerator.Rescan</c>) of a whole domain, over (a) the raw
/// baseline (<see cref="RawConfigSpace"/>: a table lookup and a load from the simulated bytes), (b) the library's
/// <c>VmdConfigSpace</c> over <see cref="TableConfigRegion"/> (the library port's own share) and (c) the library's
/// <c>VmdConfigSpace</c> on the simulator's CFGBAR. The same enumerator code, the same reads (checked in setup).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CountColumnsConfig))]
public class ScanBenchmarks
{
    private DomainWorkload _workload = null!;

    /// <summary>The domain walked.</summary>
    [Params("tigerlake", "alderlake", "skylake-sp", SyntheticDomains.Dense)]
    public string Domain { get; set; } = "tigerlake";

    [GlobalSetup]
    public void Setup() => _workload = DomainWorkload.Create(Domain);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>(a) The walk over the raw table: no port, no lock, no bounds or range checks.</summary>
    [Benchmark(Baseline = true)]
    public bool Raw() => _workload.RawEnumerator.Rescan();

    /// <summary>(b) The walk through the library's port over the raw table (lock, range check, ECAM offset, counters).</summary>
    [Benchmark]
    public bool LibraryPort() => _workload.TableEnumerator.Rescan();

    /// <summary>(c) The walk through the library's port on the simulator's CFGBAR (adds the simulated MMIO path).</summary>
    [Benchmark]
    public bool VmdPort() => _workload.Enumerator.Rescan();
}
