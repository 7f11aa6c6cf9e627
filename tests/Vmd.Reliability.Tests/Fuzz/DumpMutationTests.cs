using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Vmd.Simulation;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Fuzzing;
using Xunit.Abstractions;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// The lspci dump importer under seeded mutations of the SharpFuzz seed corpus (fuzz/Vmd.Fuzz.Dumps/corpus), in
/// process: only <see cref="DumpFormatException"/> may escape parsing and building, and every dump that is accepted
/// builds a machine whose bring-up holds the same invariants as the generated domains (the access bound aside).
/// <c>VMD_FUZZ_DUMP_CASES</c> and <c>VMD_FUZZ_SEED</c> change the count and the first seed.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class DumpMutationTests(ITestOutputHelper output)
{
    /// <summary>Cases of the CI run.</summary>
    public const int CiCases = 15000;

    [Fact]
    public void Mutated_dumps_are_refused_with_DumpFormatException_or_bring_up_cleanly()
    {
        IReadOnlyList<string> corpus = LoadCorpus();
        long cases = long.TryParse(Environment.GetEnvironmentVariable("VMD_FUZZ_DUMP_CASES"), out long n) ? n : CiCases;
        int first = int.TryParse(Environment.GetEnvironmentVariable("VMD_FUZZ_SEED"), out int s) ? s : 1;
        int refused = 0;
        int accepted = 0;
        var failures = new List<string>();
        var stopwatch = Stopwatch.StartNew();
        for (long i = 0; i < cases; i++)
        {
            int seed = unchecked(first + (int)i);
            string? failure = RunOne(seed, corpus, ref refused, ref accepted);
            if (failure is not null && failures.Count < 20)
            {
                failures.Add(failure);
            }
        }

        output.WriteLine($"dump fuzz: {cases} cases from seed {first} in {stopwatch.Elapsed.TotalSeconds:F1} s: {refused} refused (DumpFormatException), {accepted} accepted and brought up, {failures.Count} failures");
        foreach (string failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, failures.Count == 0 ? string.Empty : failures[0]);
        Assert.True(accepted > cases / 10, $"only {accepted} of {cases} mutated dumps were accepted: the mutator breaks too much");
    }

    [Theory]
    [MemberData(nameof(RegressionSeeds))]
    public void Dump_seed_that_once_failed_is_refused_or_brings_up(int seed)
    {
        int refused = 0;
        int accepted = 0;
        string? failure = RunOne(seed, LoadCorpus(), ref refused, ref accepted);
        Assert.True(failure is null, failure);
    }

    /// <summary>Writes the mutated dump of seed <c>VMD_FUZZ_DUMP_WRITE</c> to <c>VMD_FUZZ_DUMP_FILE</c> (a debugging aid; without them, nothing).</summary>
    [Fact]
    public void Write_the_dump_named_by_the_environment()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("VMD_FUZZ_DUMP_WRITE"), out int seed)
            && Environment.GetEnvironmentVariable("VMD_FUZZ_DUMP_FILE") is string path)
        {
            File.WriteAllText(path, DumpMutator.Mutate(seed, LoadCorpus()));
        }
    }

    /// <summary>Dump mutation seeds that once failed; each runs on every test run.</summary>
    public static TheoryData<int> RegressionSeeds() => [2343, 8146]; // MEMBAR2 typed 32-bit in the dump, decoded 64-bit by the model: mapped outside the BAR

    private static string? RunOne(int seed, IReadOnlyList<string> corpus, ref int refused, ref int accepted)
    {
        string text = DumpMutator.Mutate(seed, corpus);
        SimulatedMachine machine;
        try
        {
            machine = DumpMachineBuilder.Build(text, $"dump-{seed}", new SteppingTimeProvider(TimeSpan.FromMilliseconds(1)), out _);
        }
        catch (DumpFormatException)
        {
            refused++;
            return null;
        }
        catch (Exception e)
        {
            return $"dump seed {seed}: {e.GetType().Name} escaped the importer: {e.Message}\n{e.StackTrace}";
        }

        accepted++;
        try
        {
            BringupRunner.BringUpMachine(machine, seed, FuzzFeatures.None, $"dump seed {seed}");
            return null;
        }
        catch (FuzzFailureException e)
        {
            return e.Message;
        }
    }

    private static IReadOnlyList<string> LoadCorpus()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Vmd.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        Assert.True(directory is not null, "Vmd.sln not found above the test assembly");
        var texts = new List<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(directory!, "fuzz", "Vmd.Fuzz.Dumps", "corpus")))
        {
            texts.Add(File.ReadAllText(path));
        }

        texts.Sort(StringComparer.Ordinal); // a stable order, so a seed means the same input everywhere
        Assert.NotEmpty(texts);
        return texts;
    }
}
