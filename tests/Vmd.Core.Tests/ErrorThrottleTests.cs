using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Errors;

namespace Vmd.Core.Tests;

/// <summary>
/// <see cref="ErrorThrottle"/>: per source (function, register) the first report of a window is logged and the rest are
/// counted; the count comes out once, either as the next logged report's summary or from <see cref="ErrorThrottle.Flush"/>.
/// </summary>
public sealed class ErrorThrottleTests
{
    private static readonly TimeSpan Window = ErrorThrottle.DefaultWindow;
    private static readonly PciAddress A = new(0x10000, 1, 0, 0);
    private static readonly PciAddress B = new(0x10000, 2, 0, 0);

    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static PciErrorRecord Record(PciAddress address, PciErrorSource source = PciErrorSource.AerCorrectable) =>
        new(address, source, PciErrorSeverity.Correctable, 1);

    private static bool Report(ErrorThrottle throttle, PciAddress address, out long summary, PciErrorSource source = PciErrorSource.AerCorrectable)
    {
        PciErrorRecord record = Record(address, source);
        return throttle.ShouldLog(record, out summary);
    }

    private static List<(PciAddress Address, PciErrorSource Source, long Count)> Flush(ErrorThrottle throttle)
    {
        var summaries = new List<(PciAddress, PciErrorSource, long)>();
        throttle.Flush((address, source, count) => summaries.Add((address, source, count)));
        return summaries;
    }

    [Fact]
    public void The_default_window_is_ten_seconds()
    {
        var throttle = new ErrorThrottle(Clock());

        Assert.Equal(TimeSpan.FromSeconds(10), ErrorThrottle.DefaultWindow);
        Assert.Equal(TimeSpan.FromSeconds(10), throttle.Window);
        Assert.Equal(TimeSpan.FromSeconds(3), new ErrorThrottle(Clock(), TimeSpan.FromSeconds(3)).Window);
    }

    [Fact]
    public void The_first_report_logs_and_the_rest_of_the_window_is_suppressed_and_counted()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);

        Assert.True(Report(throttle, A, out long summary));
        Assert.Equal(0, summary);
        for (int i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(Report(throttle, A, out summary));
            Assert.Equal(0, summary);
        }

        time.Advance(Window - TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1)); // one tick before the window ends
        Assert.False(Report(throttle, A, out summary));

        Assert.Equal(1, throttle.Logged);
        Assert.Equal(6, throttle.Suppressed);
    }

    [Fact]
    public void After_the_window_the_next_report_logs_with_the_previous_windows_count_as_summary()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Assert.True(Report(throttle, A, out _));
        for (int i = 0; i < 7; i++)
        {
            Assert.False(Report(throttle, A, out _));
        }

        time.Advance(Window); // exactly the window: a new one starts

        Assert.True(Report(throttle, A, out long summary));
        Assert.Equal(7, summary);

        // The new window counts from that report, and its summary starts from zero.
        Assert.False(Report(throttle, A, out summary));
        Assert.Equal(0, summary);
        time.Advance(Window);
        Assert.True(Report(throttle, A, out summary));
        Assert.Equal(1, summary);
        time.Advance(Window);
        Assert.True(Report(throttle, A, out summary));
        Assert.Equal(0, summary);
        Assert.Equal(4, throttle.Logged);
        Assert.Equal(8, throttle.Suppressed);
    }

    [Fact]
    public void The_window_runs_from_the_logged_report_not_from_the_last_one()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Assert.True(Report(throttle, A, out _));

        // A steady storm, one report a second: one log line per window, not silence forever.
        int logged = 0;
        for (int second = 1; second <= 35; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            if (Report(throttle, A, out long summary))
            {
                logged++;
                Assert.Equal(9, summary);
            }
        }

        Assert.Equal(3, logged); // at 10, 20 and 30 s
    }

    [Fact]
    public void Different_addresses_are_independent()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);

        Assert.True(Report(throttle, A, out _));
        Assert.False(Report(throttle, A, out _));
        Assert.True(Report(throttle, B, out long summary));
        Assert.Equal(0, summary);
        Assert.False(Report(throttle, B, out _));
        Assert.False(Report(throttle, B, out _));

        time.Advance(Window);
        Assert.True(Report(throttle, A, out summary));
        Assert.Equal(1, summary);
        Assert.True(Report(throttle, B, out summary));
        Assert.Equal(2, summary);
    }

    [Fact]
    public void Different_registers_of_one_function_are_independent()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);

        foreach (PciErrorSource source in Enum.GetValues<PciErrorSource>())
        {
            Assert.True(Report(throttle, A, out _, source));
        }

        Assert.False(Report(throttle, A, out _, PciErrorSource.DeviceStatus));
        Assert.False(Report(throttle, A, out _, PciErrorSource.DeviceStatus));
        Assert.False(Report(throttle, A, out _, PciErrorSource.RootError));

        time.Advance(Window);
        Assert.True(Report(throttle, A, out long summary, PciErrorSource.DeviceStatus));
        Assert.Equal(2, summary);
        Assert.True(Report(throttle, A, out summary, PciErrorSource.RootError));
        Assert.Equal(1, summary);
        Assert.True(Report(throttle, A, out summary, PciErrorSource.Status));
        Assert.Equal(0, summary);
    }

    [Fact]
    public void Flush_does_nothing_before_the_window_ends()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        Report(throttle, A, out _);

        Assert.Empty(Flush(throttle));
        time.Advance(Window - TimeSpan.FromTicks(1));
        Assert.Empty(Flush(throttle));

        // Nothing was lost: the count still comes out.
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal([(A, PciErrorSource.AerCorrectable, 2L)], Flush(throttle));
    }

    [Fact]
    public void Flush_reports_each_expired_window_with_suppressed_reports_exactly_once()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        Report(throttle, B, out _, PciErrorSource.DeviceStatus);
        Report(throttle, B, out _, PciErrorSource.DeviceStatus);
        Report(throttle, B, out _, PciErrorSource.Status); // logged, nothing suppressed: no summary

        time.Advance(Window);
        List<(PciAddress Address, PciErrorSource Source, long Count)> first = Flush(throttle);

        Assert.Equal(2, first.Count);
        Assert.Contains((A, PciErrorSource.AerCorrectable, 2L), first);
        Assert.Contains((B, PciErrorSource.DeviceStatus, 1L), first);
        Assert.Empty(Flush(throttle));
        time.Advance(Window);
        Assert.Empty(Flush(throttle));
    }

    [Fact]
    public void A_flushed_count_is_not_repeated_as_the_next_reports_summary()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        time.Advance(Window);
        Assert.Single(Flush(throttle));

        Assert.True(Report(throttle, A, out long summary));
        Assert.Equal(0, summary);
    }

    [Fact]
    public void A_summarized_count_is_not_repeated_by_flush()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        time.Advance(Window);
        Assert.True(Report(throttle, A, out long summary));
        Assert.Equal(1, summary);

        time.Advance(Window);
        Assert.Empty(Flush(throttle));
    }

    [Fact]
    public void Flush_counts_only_the_window_that_ended()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        Report(throttle, A, out _);
        Report(throttle, A, out _);
        time.Advance(Window);
        Assert.Single(Flush(throttle));

        // Flush leaves the window start alone: the next report opens a fresh window and logs.
        Assert.True(Report(throttle, A, out _));
        Assert.False(Report(throttle, A, out _));
        time.Advance(Window);
        Assert.Equal([(A, PciErrorSource.AerCorrectable, 1L)], Flush(throttle));
    }

    [Fact]
    public void Logged_plus_suppressed_equals_the_reports()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time, TimeSpan.FromSeconds(2));
        var random = new Random(1234);
        long summaries = 0;
        long flushed = 0;
        const int reports = 5000;
        for (int i = 0; i < reports; i++)
        {
            var address = new PciAddress(0x10000, (byte)random.Next(4), random.Next(2), 0);
            var source = (PciErrorSource)random.Next(7);
            if (Report(throttle, address, out long summary, source))
            {
                summaries += summary;
            }

            time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 50)));
            if (random.Next(200) == 0)
            {
                throttle.Flush((_, _, count) => flushed += count);
            }
        }

        Assert.Equal(reports, throttle.Logged + throttle.Suppressed);
        Assert.True(throttle.Logged > 0 && throttle.Suppressed > 0);

        // Every suppressed report comes out exactly once, via a summary or a flush.
        time.Advance(TimeSpan.FromSeconds(2));
        throttle.Flush((_, _, count) => flushed += count);
        Assert.Equal(throttle.Suppressed, summaries + flushed);
    }

    [Fact]
    public void More_than_MaxSources_sources_share_one_entry_per_register()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        for (int i = 0; i < ErrorThrottle.MaxSources; i++)
        {
            Assert.True(Report(throttle, Source(i), out _));
        }

        // Past the limit: the first new source of a register logs, every further one is throttled with it.
        const int extra = 10_000;
        int logged = 0;
        for (int i = 0; i < extra; i++)
        {
            if (Report(throttle, Source(ErrorThrottle.MaxSources + i), out _))
            {
                logged++;
            }
        }

        Assert.Equal(1, logged);

        // Per register: another register's overflow has its own shared entry.
        Assert.True(Report(throttle, Source(ErrorThrottle.MaxSources + extra), out _, PciErrorSource.RootError));
        Assert.False(Report(throttle, Source(ErrorThrottle.MaxSources + extra + 1), out _, PciErrorSource.RootError));

        // Sources seen before the limit keep their own entries.
        Assert.False(Report(throttle, Source(0), out _));
        Assert.True(Report(throttle, Source(1), out _, PciErrorSource.Status));

        Assert.Equal(ErrorThrottle.MaxSources + 3, throttle.Logged);
        Assert.Equal(extra - 1 + 1 + 1, throttle.Suppressed);

        // The overflow's count comes out as one summary per register, not one per source.
        time.Advance(ErrorThrottle.DefaultWindow);
        List<(PciAddress Address, PciErrorSource Source, long Count)> summaries = Flush(throttle);
        Assert.Equal(3, summaries.Count);
        Assert.Contains(summaries, s => s.Source == PciErrorSource.AerCorrectable && s.Count == extra - 1);
        Assert.Contains(summaries, s => s.Source == PciErrorSource.RootError && s.Count == 1);
        Assert.Contains((Source(0), PciErrorSource.AerCorrectable, 1L), summaries);
    }

    [Fact]
    public void Memory_stays_bounded_past_MaxSources()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        for (int i = 0; i < ErrorThrottle.MaxSources; i++)
        {
            Report(throttle, Source(i), out _);
        }

        foreach (PciErrorSource source in Enum.GetValues<PciErrorSource>())
        {
            Report(throttle, Source(ErrorThrottle.MaxSources), out _, source); // the shared entries exist now
        }

        // Tens of thousands of new sources: a table that grew per source would have to reallocate.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50_000; i++)
        {
            PciErrorRecord record = new(Source(ErrorThrottle.MaxSources + 1 + i), (PciErrorSource)(i % 7), PciErrorSeverity.NonFatal, 1);
            throttle.ShouldLog(record, out _);
            if (i % 5000 == 0)
            {
                time.Advance(ErrorThrottle.DefaultWindow);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-10_000_000L)]
    public void A_non_positive_window_throws(long ticks)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new ErrorThrottle(Clock(), TimeSpan.FromTicks(ticks)));

        Assert.Equal("window", error.ParamName);
    }

    [Fact]
    public void A_null_time_provider_or_summary_callback_throws()
    {
        Assert.Throws<ArgumentNullException>(() => new ErrorThrottle(null!));
        Assert.Throws<ArgumentNullException>(() => new ErrorThrottle(Clock()).Flush(null!));
    }

    [Fact]
    public void A_short_window_is_honoured()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time, TimeSpan.FromMilliseconds(100));

        Assert.True(Report(throttle, A, out _));
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(Report(throttle, A, out _));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Report(throttle, A, out long summary));
        Assert.Equal(1, summary);
    }

    [Fact]
    public void ShouldLog_allocates_nothing_once_a_source_was_seen()
    {
        FakeTimeProvider time = Clock();
        var throttle = new ErrorThrottle(time);
        PciErrorRecord record = Record(A);
        PciErrorRecord other = Record(B, PciErrorSource.RootError);
        throttle.ShouldLog(record, out _);
        throttle.ShouldLog(other, out _);
        throttle.Flush((_, _, _) => { });

        long allocated = 0;
        int logged = 0;
        for (int i = 0; i < 1000; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            logged += throttle.ShouldLog(record, out _) ? 1 : 0;
            logged += throttle.ShouldLog(other, out _) ? 1 : 0;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            if (i % 100 == 99)
            {
                time.Advance(ErrorThrottle.DefaultWindow); // both paths: suppressed and logged with a summary
            }
        }

        Assert.Equal(0, allocated);
        Assert.Equal(18, logged); // at i = 100, 200, … 900, for both sources
    }

    private static PciAddress Source(int i) => new((uint)(0x10000 + (i >> 13)), (byte)(i >> 5), i & 0x1F, 0);
}
