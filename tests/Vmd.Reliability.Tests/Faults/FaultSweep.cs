using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Vmd.Simulation.Faults;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>Figures of one sweep: one scenario, one fault kind, every k (or every stride-th k).</summary>
internal sealed class SweepFigures
{
    public required string Scenario { get; init; }

    public required FaultKind Kind { get; init; }

    public long Accesses { get; set; }

    public long Stride { get; set; }

    public int Runs { get; set; }

    public long FaultsInjected { get; set; }

    public int Failed { get; set; }

    public int Harmless { get; set; }

    public int RetriesSucceeded { get; set; }

    public int RetriesFromScratch { get; set; }

    public Dictionary<string, int> FailedSteps { get; } = [];

    public List<string> Problems { get; } = [];

    public TimeSpan Elapsed { get; set; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario} {Kind}: A={Accesses} stride={Stride} runs={Runs} faults={FaultsInjected} failed={Failed} harmless={Harmless} retries ok={RetriesSucceeded} (from scratch {RetriesFromScratch}) steps=[{string.Join(", ", Steps())}] problems={Problems.Count} elapsed={Elapsed.TotalSeconds:0.00}s");

    private IEnumerable<string> Steps()
    {
        foreach (KeyValuePair<string, int> step in FailedSteps)
        {
            yield return step.Key + ":" + step.Value.ToString(CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>Runs a scenario clean to count its accesses A, then once per k with a one-shot fault at the k-th counted access.</summary>
internal static class FaultSweep
{
    /// <summary>
    /// At most this many k per sweep: when A is larger, k runs 1, 1 + s, 1 + 2s, … with stride s = ceil(A / MaxRuns), plus
    /// the last access A, so every part of the scenario is hit while CI stays within its time budget.
    /// </summary>
    public const int MaxRuns = 2000;

    public static SweepFigures Run(FaultScenario scenario, FaultKind kind, int maxRuns = MaxRuns)
    {
        var watch = Stopwatch.StartNew();
        var figures = new SweepFigures { Scenario = scenario.Name + " on " + scenario.Machine, Kind = kind };
        FaultAccessClasses classes = FaultPlan.DefaultClasses(kind);

        var clean = new FaultRig(scenario.Machine);
        scenario.Prepare(clean);
        long before = clean.Injector.GetAccessCount(classes);
        string? cleanFailure = scenario.Run(clean);
        figures.Accesses = clean.Injector.GetAccessCount(classes) - before;
        if (cleanFailure is not null)
        {
            figures.Problems.Add("clean run failed: " + cleanFailure);
            return figures;
        }

        string expected = scenario.Result(clean);
        Add(figures, "clean", clean.TearDown());

        figures.Stride = Math.Max(1, (figures.Accesses + maxRuns - 1) / maxRuns);
        var ks = new List<long>();
        for (long k = 1; k <= figures.Accesses; k += figures.Stride)
        {
            ks.Add(k);
        }

        if (ks.Count > 0 && ks[^1] != figures.Accesses)
        {
            ks.Add(figures.Accesses);
        }

        foreach (long k in ks)
        {
            RunOne(scenario, kind, k, expected, figures);
        }

        figures.Elapsed = watch.Elapsed;
        return figures;
    }

    private static void RunOne(FaultScenario scenario, FaultKind kind, long k, string expected, SweepFigures figures)
    {
        string at = string.Create(CultureInfo.InvariantCulture, $"k={k}: ");
        var rig = new FaultRig(scenario.Machine);
        scenario.Prepare(rig);
        rig.Injector.Arm(FaultPlan.AtAccess(kind, k));
        figures.Runs++;
        string? failed;
        try
        {
            failed = scenario.Run(rig);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            figures.Problems.Add(at + $"{ex.GetType().Name} escaped ({rig.Injector.FirstFaultedClass} fault): {ex.Message}");
            rig.Injector.Remove();
            return;
        }

        figures.FaultsInjected += rig.Injector.FaultsInjected;
        if (failed is null)
        {
            figures.Harmless++;
        }
        else
        {
            figures.Failed++;
            figures.FailedSteps[failed] = figures.FailedSteps.GetValueOrDefault(failed) + 1;
        }

        Add(figures, at + "defined state: ", scenario.CheckDefinedState(rig, failed));
        rig.Injector.Remove();
        string? retry;
        bool fromScratch;
        try
        {
            retry = scenario.Retry(rig, failed, expected, out fromScratch);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            figures.Problems.Add(at + $"retry threw {ex.GetType().Name}: {ex.Message}");
            return;
        }

        if (retry is null && scenario.Result(rig) != expected)
        {
            retry = "retry result differs from the clean run:\n" + scenario.Result(rig) + "expected:\n" + expected;
        }

        if (retry is null)
        {
            figures.RetriesSucceeded++;
            figures.RetriesFromScratch += fromScratch ? 1 : 0;
        }

        Add(figures, at + $"retry after {failed ?? "harmless fault"} ({rig.Injector.FirstFaultedClass} #{rig.Injector.FirstFaultedAccess}): ", retry);
        Add(figures, at + "teardown: ", rig.TearDown());
    }

    private static void Add(SweepFigures figures, string prefix, string? problem)
    {
        if (problem is not null)
        {
            figures.Problems.Add(prefix + problem);
        }
    }
}
