using System;
using System.Threading;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// Synchronous, allocation-free waits over a <see cref="TimeProvider"/>: deadlines come from
/// <see cref="TimeProvider.GetTimestamp"/> and the loop spins (with <see cref="Thread.Yield"/>) re-reading it.
/// No timer, no <c>Thread.Sleep</c>, no task.
/// </summary>
/// <remarks>
/// <para>Tests: both styles work. A <c>FakeTimeProvider</c> with <c>AutoAdvanceAmount</c> set moves forward on
/// every <c>GetTimestamp</c> call, so a wait of <c>d</c> ends after about <c>d / AutoAdvanceAmount</c>
/// iterations on the calling thread (the deterministic style this library's tests use). A test may instead
/// call <c>Advance</c> from another thread: the loop yields each iteration so that thread runs.</para>
/// <para>A clock that never moves (a frozen fake) cannot hang the caller: after <see cref="MaxStalledIterations"/>
/// consecutive iterations without the timestamp changing the wait gives up and returns false.</para>
/// <para>Not for interrupt context (it blocks the calling CPU). Thread-safe: no state.</para>
/// </remarks>
public static class ResetWait
{
    /// <summary>Consecutive iterations without the clock moving after which a wait reports a stalled clock.</summary>
    public const int MaxStalledIterations = 1_000_000;

    /// <summary>The timestamp <paramref name="duration"/> from now, rounded up so a wait never comes out short.</summary>
    public static long DeadlineAfter(TimeProvider time, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetTimestamp() + ToTimestampTicks(time, duration);
    }

    /// <summary>The timestamp <paramref name="duration"/> after <paramref name="start"/> (a timestamp of the same provider), rounded up.</summary>
    public static long DeadlineAfter(TimeProvider time, long start, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(time);
        return start + ToTimestampTicks(time, duration);
    }

    /// <summary>True once the provider's clock has reached <paramref name="deadline"/>.</summary>
    public static bool HasPassed(TimeProvider time, long deadline)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetTimestamp() >= deadline;
    }

    /// <summary>Blocks at least <paramref name="duration"/>; false only when the clock stalled (see the type's remarks).</summary>
    public static bool Delay(TimeProvider time, TimeSpan duration) => DelayUntil(time, DeadlineAfter(time, duration));

    /// <summary>Blocks until the clock reaches <paramref name="deadline"/>; false only when the clock stalled.</summary>
    public static bool DelayUntil(TimeProvider time, long deadline) => DelayUntil(time, deadline, MaxStalledIterations);

    internal static bool DelayUntil(TimeProvider time, long deadline, int maxStalledIterations)
    {
        ArgumentNullException.ThrowIfNull(time);
        long last = time.GetTimestamp();
        int stalled = 0;
        while (last < deadline)
        {
            Thread.SpinWait(16);
            Thread.Yield(); // lets a test thread that advances a fake clock run, even on one CPU
            long now = time.GetTimestamp();
            if (now == last)
            {
                if (++stalled >= maxStalledIterations)
                {
                    return false;
                }
            }
            else
            {
                stalled = 0;
                last = now;
            }
        }

        return true;
    }

    /// <summary>Converts <paramref name="duration"/> into timestamp ticks of <paramref name="time"/>, rounding up.</summary>
    public static long ToTimestampTicks(TimeProvider time, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(time);
        long ticks = duration.Ticks;
        if (ticks <= 0)
        {
            return 0;
        }

        long frequency = time.TimestampFrequency;
        if (frequency == TimeSpan.TicksPerSecond)
        {
            return ticks;
        }

        long whole = ticks / TimeSpan.TicksPerSecond * frequency;
        long part = ((ticks % TimeSpan.TicksPerSecond * frequency) + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return whole + part;
    }
}
