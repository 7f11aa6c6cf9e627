using System;
using System.Globalization;

namespace Vmd.Enumeration.Reset;

/// <summary>The result of a reset: how it ended, which function it concerns, and how long the function took to answer.</summary>
public readonly struct ResetResult
{
    /// <summary>Creates a result.</summary>
    public ResetResult(ResetOutcome outcome, PciAddress function, TimeSpan readyAfter)
    {
        Outcome = outcome;
        Function = function;
        ReadyAfter = readyAfter;
    }

    /// <summary>How the operation ended.</summary>
    public ResetOutcome Outcome { get; }

    /// <summary>True when <see cref="Outcome"/> is <see cref="ResetOutcome.Completed"/>.</summary>
    public bool Succeeded => Outcome == ResetOutcome.Completed;

    /// <summary>
    /// The function that was polled (device 0 function 0 on the secondary bus for a bus reset, the function itself
    /// for FLR); on failure, the one that did not come back (or the bridge/function that was refused).
    /// </summary>
    public PciAddress Function { get; }

    /// <summary>Time from the end of the reset until the function answered (or until the budget ran out); zero when nothing was reset.</summary>
    public TimeSpan ReadyAfter { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Function}: {Outcome} after {ReadyAfter.TotalMilliseconds:0.###} ms");
}
