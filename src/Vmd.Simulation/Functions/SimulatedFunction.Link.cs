using System;

namespace Vmd.Simulation.Functions;

/// <summary>
/// What a port's slot model needs from the bridge function: the link below it as a gate for configuration requests,
/// and holding or releasing the functions below when the slot's card loses or regains power.
/// </summary>
public sealed partial class SimulatedFunction
{
    /// <summary>On a root or downstream port: the link model that gates requests to the secondary side (null: always passes).</summary>
    internal IDownstreamLink? DownstreamLink { get; set; }

    /// <summary>
    /// On a bridge: returns every function below to its power-on state and holds it there, as a card without power
    /// (or with PERST# asserted) is. They read all-ones and master nothing until released.
    /// </summary>
    internal void HoldSecondaryBus()
    {
        if (_secondaryBus is not null)
        {
            HoldBelow(_secondaryBus, 0);
        }
    }

    /// <summary>
    /// On a bridge: releases functions held below, as power and PERST# return at timestamp <paramref name="start"/>; each
    /// answers at <paramref name="start"/> + its <see cref="ReadinessTime"/>, never before <paramref name="linkUpAt"/>.
    /// </summary>
    internal void ReleaseSecondaryBus(long start, long linkUpAt, long frequency)
    {
        if (_secondaryBus is not null)
        {
            ReleaseBelow(_secondaryBus, start, linkUpAt, frequency, 0);
        }
    }

    /// <summary>On a bridge: functions below that are waiting to become ready do not answer before <paramref name="readyAt"/>.</summary>
    internal void DelayReadinessBelow(long readyAt)
    {
        if (_secondaryBus is not null)
        {
            DelayBelow(_secondaryBus, readyAt, 0);
        }
    }

    /// <summary>Finishes Secondary Bus Reset link training that has elapsed by <paramref name="now"/>.</summary>
    internal void SettleLinkAt(long now) => SettleLink(now);

    /// <summary>Converts a span into ticks of a clock running at <paramref name="frequency"/>.</summary>
    internal static long ToTicks(TimeSpan span, long frequency) => ToTimestamp(span, frequency);

    private static void DelayBelow(SimulatedBus bus, long readyAt, int depth)
    {
        if (depth >= Domain.DomainRouter.MaxDepth)
        {
            return;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            if (function._waitingReady && function._readyAt < readyAt)
            {
                function._readyAt = readyAt;
            }

            if (function.IsBridge && function._secondaryBus is SimulatedBus below)
            {
                DelayBelow(below, readyAt, depth + 1);
            }
        }
    }
}
