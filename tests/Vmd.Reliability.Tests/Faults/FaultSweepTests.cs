using System;
using Vmd.Simulation.Faults;
using Xunit.Abstractions;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>
/// Issue 11, injected faults: for each scenario and fault kind, a one-shot fault at every k-th counted access (k = 1…A,
/// or every stride-th k when A is large: <see cref="FaultSweep.MaxRuns"/>). Each run must end in a defined state naming
/// the failed step, leak nothing, and succeed on retry with the clean run's fingerprint and BARs.
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultSweepTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("tigerlake", FaultKind.AllOnesRead)]
    [InlineData("tigerlake", FaultKind.DroppedWrite)]
    [InlineData("tigerlake", FaultKind.PortFailure)]
    [InlineData("skylake-sp", FaultKind.AllOnesRead)]
    [InlineData("skylake-sp", FaultKind.DroppedWrite)]
    [InlineData("skylake-sp", FaultKind.PortFailure)]
    [InlineData("arrowlake-s", FaultKind.AllOnesRead)]
    [InlineData("arrowlake-s", FaultKind.DroppedWrite)]
    [InlineData("arrowlake-s", FaultKind.PortFailure)]
    public void Bringup(string machine, FaultKind kind) => Sweep(new BringupScenario(machine), kind);

    [Theory]
    [InlineData("tigerlake", FaultKind.AllOnesRead)]
    [InlineData("tigerlake", FaultKind.DroppedWrite)]
    [InlineData("tigerlake", FaultKind.PortFailure)]
    public void Reset(string machine, FaultKind kind) => Sweep(new ResetScenario(machine), kind);

    [Theory]
    [InlineData(FaultKind.AllOnesRead)]
    [InlineData(FaultKind.DroppedWrite)]
    [InlineData(FaultKind.PortFailure)]
    public void HotPlug(FaultKind kind) => Sweep(new HotPlugScenario(), kind);

    private void Sweep(FaultScenario scenario, FaultKind kind)
    {
        SweepFigures figures = FaultSweep.Run(scenario, kind);
        output.WriteLine("FIGURES " + figures);
        foreach (string problem in figures.Problems)
        {
            output.WriteLine(problem);
        }

        Assert.True(figures.Problems.Count == 0, figures + Environment.NewLine + string.Join(Environment.NewLine, figures.Problems.GetRange(0, Math.Min(8, figures.Problems.Count))));
        Assert.Equal(figures.Runs, figures.RetriesSucceeded);
    }
}
