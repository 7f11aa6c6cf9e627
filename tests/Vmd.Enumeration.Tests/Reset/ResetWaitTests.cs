using System;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Reset;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>The synchronous wait helper under both ways a test can drive a fake clock.</summary>
public sealed class ResetWaitTests
{
    [Fact]
    public void Delay_with_auto_advancing_clock_lasts_at_least_the_duration()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(10) };
        long start = time.GetTimestamp();

        Assert.True(ResetWait.Delay(time, TimeSpan.FromMilliseconds(100)));

        TimeSpan waited = time.GetElapsedTime(start);
        Assert.InRange(waited.TotalMilliseconds, 100, 100.1);
    }

    [Fact]
    public void Delay_with_clock_advanced_from_another_thread_ends_once_advanced()
    {
        var time = new FakeTimeProvider();
        long start = time.GetTimestamp();
        using var stop = new ManualResetEventSlim();
        var advancer = new Thread(() =>
        {
            while (!stop.IsSet)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                Thread.Yield();
            }
        });
        advancer.Start();

        bool reached = ResetWait.Delay(time, TimeSpan.FromMilliseconds(50));
        stop.Set();
        advancer.Join();

        Assert.True(reached);
        Assert.True(time.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Frozen_clock_does_not_hang_and_reports_a_stall()
    {
        var time = new FakeTimeProvider();

        Assert.False(ResetWait.DelayUntil(time, ResetWait.DeadlineAfter(time, TimeSpan.FromSeconds(1)), maxStalledIterations: 1000));
    }

    [Fact]
    public void Timestamp_ticks_round_up()
    {
        var time = new FakeTimeProvider();

        Assert.Equal(TimeSpan.FromMilliseconds(1).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond, ResetWait.ToTimestampTicks(time, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(0, ResetWait.ToTimestampTicks(time, TimeSpan.Zero));
    }
}
