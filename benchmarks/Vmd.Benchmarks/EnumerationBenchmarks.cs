using BenchmarkDotNet.Attributes;

namespace Vmd.Benchmarks;

/// <summary>
/// Full enumeration (<c>DomainEnumerator.Enumerate</c>: bridge reset, numbering, decode, BAR sizing) and read-only
/// re-scan of each domain through the library's <c>VmdConfigSpace</c> on the simulator's CFGBAR, with the accesses
/// each issues against the least possible (<see cref="LeastAccesses"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CountColumnsConfig))]
public class EnumerationBenchmarks
{
    private DomainWorkload _workload = null!;

    /// <summary>The domain walked.</summary>
    [Params("tigerlake", "alderlake", "skylake-sp", SyntheticDomains.Dense)]
    public string Domain { get; set; } = "tigerlake";

    [GlobalSetup]
    public void Setup() => _workload = DomainWorkload.Create(Domain);

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>The full walk: every bridge reset and renumbered (to the same numbers), every BAR sized.</summary>
    [Benchmark]
    public void Enumerate() => _workload.Enumerator.Enumerate();

    /// <summary>The read-only walk of the programmed topology.</summary>
    [Benchmark]
    public bool Rescan() => _workload.Enumerator.Rescan();
}
