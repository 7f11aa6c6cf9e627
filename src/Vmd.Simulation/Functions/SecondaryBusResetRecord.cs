using System;

namespace Vmd.Simulation.Functions;

/// <summary>
/// One pulse of Bridge Control bit 6 (Secondary Bus Reset) on a bridge, as the machine's <see cref="TimeProvider"/>
/// saw it: when software set the bit, when it cleared it, and when the first configuration request reached a
/// function below the bridge afterwards (answered or not). Timestamps are <see cref="TimeProvider.GetTimestamp"/> values.
/// </summary>
public readonly struct SecondaryBusResetRecord
{
    internal SecondaryBusResetRecord(long frequency, long assertedAt, long? deassertedAt, long? firstConfigRequestAt)
    {
        TimestampFrequency = frequency;
        AssertedAt = assertedAt;
        DeassertedAt = deassertedAt;
        FirstConfigRequestAt = firstConfigRequestAt;
    }

    /// <summary>Timestamp ticks per second of the clock that took these timestamps.</summary>
    public long TimestampFrequency { get; }

    /// <summary>Timestamp of the write that set bit 6.</summary>
    public long AssertedAt { get; }

    /// <summary>Timestamp of the write that cleared bit 6; null while the reset is still asserted.</summary>
    public long? DeassertedAt { get; }

    /// <summary>Timestamp of the first configuration request routed to a function below the bridge after deassert; null until one arrives.</summary>
    public long? FirstConfigRequestAt { get; }

    /// <summary>How long bit 6 was held (PCIe requires at least 1 ms); null while still asserted.</summary>
    public TimeSpan? HoldTime => DeassertedAt is long end ? Elapsed(AssertedAt, end) : null;

    /// <summary>Time from deassert to the first configuration request below (PCIe: at least 100 ms); null until both happened.</summary>
    public TimeSpan? FirstConfigRequestDelay => DeassertedAt is long end && FirstConfigRequestAt is long first ? Elapsed(end, first) : null;

    internal SecondaryBusResetRecord WithDeassert(long at) => new(TimestampFrequency, AssertedAt, at, null);

    internal SecondaryBusResetRecord WithFirstRequest(long at) => new(TimestampFrequency, AssertedAt, DeassertedAt, at);

    private TimeSpan Elapsed(long from, long to) =>
        TimestampFrequency == TimeSpan.TicksPerSecond ? TimeSpan.FromTicks(to - from) : TimeSpan.FromTicks((long)((double)(to - from) * TimeSpan.TicksPerSecond / TimestampFrequency));
}
