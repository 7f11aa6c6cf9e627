using System;
using System.Globalization;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// How many cases a fuzz test runs and from which seed. The CI run uses the defaults; a long run sets
/// <c>VMD_FUZZ_CASES</c> (count), <c>VMD_FUZZ_SEED</c> (first seed) and optionally <c>VMD_FUZZ_THREADS</c> and <c>VMD_FUZZ_PROGRESS</c> (a file
/// prefix where each thread notes its latest seed every hundred cases, to find a seed that crashes the host), and runs the
/// same code: <c>VMD_FUZZ_CASES=1000000 VMD_FUZZ_SEED=1 dotnet test tests/Vmd.Reliability.Tests -c Release --filter Category=Fuzz</c>.
/// </summary>
internal readonly record struct FuzzSettings(long Cases, int FirstSeed, int Threads, string? ProgressFile)
{
    public static FuzzSettings FromEnvironment(long defaultCases, int defaultSeed) => new(
        Read("VMD_FUZZ_CASES", defaultCases),
        (int)Read("VMD_FUZZ_SEED", defaultSeed),
        (int)Math.Max(1, Read("VMD_FUZZ_THREADS", Environment.ProcessorCount)),
        Environment.GetEnvironmentVariable("VMD_FUZZ_PROGRESS"));

    public bool IsLongRun => Environment.GetEnvironmentVariable("VMD_FUZZ_CASES") is not null;

    private static long Read(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : fallback;
}
