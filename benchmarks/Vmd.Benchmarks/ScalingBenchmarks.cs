using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Vmd.Benchmarks;

/// <summary>
/// Scaling: full enumeration and re-scan of synthetic domains of 25 to 400 functions, all in the same 128-bus CFGBAR
/// (128 × 32 × 8 = 32 768 possible functions), through the library's <c>VmdConfigSpace</c> on the simulator's CFGBAR.
/// Cost should follow the functions present and the buses reachable, not the size of the space.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CountColumnsConfig))]
public class ScalingBenchmarks
{
    private DomainWorkload _workload = null!;

    /// <summary>Functions in the synthetic domain (switches of 8 downstream ports, 4-function endpoints).</summary>
    [Params(25, 50, 100, 200, 400)]
    public int Functions { get; set; } = 25;

    [GlobalSetup]
    public void Setup() => _workload = DomainWorkload.Create(SyntheticDomains.ScalePrefix + Functions.ToString(CultureInfo.InvariantCulture));

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    /// <summary>The full walk.</summary>
    [Benchmark]
    public void Enumerate() => _workload.Enumerator.Enumerate();

    /// <summary>The read-only walk.</summary>
    [Benchmark]
    public bool Rescan() => _workload.Enumerator.Rescan();
}
