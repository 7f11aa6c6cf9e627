using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Vmd.Simulation.Fuzzing;
using Xunit.Abstractions;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Property test of the bring-up over generated hostile domains (issue 11). The CI run takes a fixed number of
/// seeds; a long run takes its count and first seed from the environment (<see cref="FuzzSettings"/>) and prints the
/// same figures. Every failing seed belongs in <see cref="RegressionSeeds"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class BringupFuzzTests(ITestOutputHelper output)
{
    /// <summary>Cases of the CI run: about 45–60 s in Debug on the 2-core build machine.</summary>
    public const int CiCases = 75000;

    /// <summary>First seed of the CI run.</summary>
    public const int CiFirstSeed = 1;

    [Fact]
    public void Generated_hostile_domains_bring_up_within_the_invariants()
    {
        FuzzSettings settings = FuzzSettings.FromEnvironment(CiCases, CiFirstSeed);
        var failures = new ConcurrentQueue<string>();
        var totals = new Totals();
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, settings.Threads, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads }, thread =>
        {
            var local = new Totals();
            for (long i = thread; i < settings.Cases; i += settings.Threads)
            {
                int seed = unchecked(settings.FirstSeed + (int)i);
                if (settings.ProgressFile is string progress && (i / settings.Threads) % 100 == 0)
                {
                    // A crash of the test host (stack overflow) names no seed: this file names the last hundred.
                    File.WriteAllText($"{progress}.{thread}", seed.ToString(CultureInfo.InvariantCulture));
                }

                try
                {
                    local.Add(BringupRunner.Run(seed));
                }
                catch (FuzzFailureException e)
                {
                    local.Failures++;
                    if (failures.Count < 50)
                    {
                        failures.Enqueue(e.Message);
                    }
                }
            }

            totals.Merge(local);
        });
        stopwatch.Stop();

        output.WriteLine($"fuzz: {settings.Cases} cases from seed {settings.FirstSeed} on {settings.Threads} threads in {stopwatch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"fuzz: {totals.Failures} failures; {totals.Functions} functions built, {totals.Listed} listed");
        output.WriteLine($"fuzz: config accesses total {totals.Accesses}, max per case {totals.MaxAccesses} (seed {totals.MaxAccessesSeed}), "
            + $"max ratio to the bound {totals.MaxRatio:F4} (seed {totals.MaxRatioSeed})");
        output.WriteLine($"fuzz: features seen {totals.Features}");
        foreach (string failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(totals.Failures == 0, $"{totals.Failures} of {settings.Cases} cases failed; first: {(failures.TryPeek(out string? first) ? first : "?")}");
        if (settings.Cases >= CiCases)
        {
            foreach (FuzzFeatures feature in Enum.GetValues<FuzzFeatures>())
            {
                Assert.True(feature == FuzzFeatures.None || (totals.Features & feature) != 0, $"no case produced {feature}");
            }
        }
    }

    private sealed class Totals
    {
        private readonly Lock _gate = new();

        public long Failures { get; set; }

        public long Accesses { get; private set; }

        public long MaxAccesses { get; private set; }

        public int MaxAccessesSeed { get; private set; }

        public double MaxRatio { get; private set; }

        public int MaxRatioSeed { get; private set; }

        public long Functions { get; private set; }

        public long Listed { get; private set; }

        public FuzzFeatures Features { get; private set; }

        public void Add(FuzzResult result)
        {
            Accesses += result.Accesses;
            Functions += result.Built;
            Listed += result.Listed;
            Features |= result.Features;
            if (result.Accesses > MaxAccesses)
            {
                MaxAccesses = result.Accesses;
                MaxAccessesSeed = result.Seed;
            }

            double ratio = (double)result.Accesses / result.Bound;
            if (ratio > MaxRatio)
            {
                MaxRatio = ratio;
                MaxRatioSeed = result.Seed;
            }
        }

        public void Merge(Totals other)
        {
            lock (_gate)
            {
                Failures += other.Failures;
                Accesses += other.Accesses;
                Functions += other.Functions;
                Listed += other.Listed;
                Features |= other.Features;
                if (other.MaxAccesses > MaxAccesses)
                {
                    MaxAccesses = other.MaxAccesses;
                    MaxAccessesSeed = other.MaxAccessesSeed;
                }

                if (other.MaxRatio > MaxRatio)
                {
                    MaxRatio = other.MaxRatio;
                    MaxRatioSeed = other.MaxRatioSeed;
                }
            }
        }
    }
}
