using System;
using System.Threading;

namespace Vmd.Simulation.Fuzzing;

/// <summary>
/// A clock that moves forward by a fixed step each time it is read, so a driver's spin-waits on
/// <see cref="TimeProvider.GetTimestamp"/> end after a bounded number of reads and a case runs the same way on every
/// machine: no wall clock, no sleep, no timer.
/// </summary>
public sealed class SteppingTimeProvider : TimeProvider
{
    private readonly long _step;
    private long _now;

    /// <summary>Starts at 0 and moves <paramref name="step"/> forward on every read.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not positive.</exception>
    public SteppingTimeProvider(TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        _step = step.Ticks;
    }

    /// <summary>Ticks per second of the timestamps: one tick is 100 ns.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Reads the clock and moves it one step forward.</summary>
    public override long GetTimestamp() => Interlocked.Add(ref _now, _step);

    /// <summary>The Unix epoch plus the time read so far (the clock has no calendar of its own).</summary>
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(Interlocked.Read(ref _now));
}
