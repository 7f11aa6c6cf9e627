using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Vmd.Enumeration.Errors;

namespace Vmd.Core.Telemetry;

/// <summary>
/// Decides which error reports are logged: per source (function and register), the first in each window (10 s by
/// default) is logged and the rest are counted; when the window has passed, the count comes out as one summary
/// ("…and N more in 10 s"). An error storm therefore costs at most two log lines per source per window. Time comes
/// from a <see cref="TimeProvider"/>. Memory is bounded: past <see cref="MaxSources"/> sources, the rest share one entry.
/// </summary>
/// <remarks>Not thread-safe; the controller calls it under its lock. Allocation-free once a source has been seen.</remarks>
public sealed class ErrorThrottle
{
    /// <summary>The default window: 10 s.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    /// <summary>Most sources tracked one by one.</summary>
    public const int MaxSources = 1024;

    /// <summary>The address the shared entries of sources past <see cref="MaxSources"/> are kept under (no real function has it).</summary>
    public static readonly PciAddress Overflow = new(uint.MaxValue, 0xFF, PciAddress.MaxDevice, PciAddress.MaxFunction);

    private readonly Dictionary<(PciAddress Address, PciErrorSource Source), Entry> _entries = [];
    private readonly TimeProvider _time;
    private readonly long _windowTicks;

    /// <summary>Creates a throttle over <paramref name="time"/> with a window of <paramref name="window"/> (default 10 s).</summary>
    public ErrorThrottle(TimeProvider time, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Window = window ?? DefaultWindow;
        if (Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), Window, "The window must be positive.");
        }

        _windowTicks = (long)Math.Ceiling(Window.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The throttling window.</summary>
    public TimeSpan Window { get; }

    /// <summary>Reports that were logged.</summary>
    public long Logged { get; private set; }

    /// <summary>Reports that were counted instead of logged.</summary>
    public long Suppressed { get; private set; }

    /// <summary>
    /// Records a report of <paramref name="record"/>'s source. True when it should be logged now. When a finished window
    /// left reports unlogged, <paramref name="summary"/> gives how many, to be logged as a summary first.
    /// </summary>
    public bool ShouldLog(in PciErrorRecord record, out long summary)
    {
        long now = _time.GetTimestamp();
        (PciAddress, PciErrorSource) key = (record.Address, record.Source);
        if (_entries.Count >= MaxSources && !_entries.ContainsKey(key))
        {
            key = (Overflow, record.Source); // one shared entry per register kind for every further source
        }

        ref Entry entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out bool existed);
        summary = 0;
        if (existed && now - entry.WindowStart < _windowTicks)
        {
            entry.Suppressed++;
            Suppressed++;
            return false;
        }

        summary = existed ? entry.Suppressed : 0;
        entry.WindowStart = now;
        entry.Suppressed = 0;
        Logged++;
        return true;
    }

    /// <summary>
    /// Ends every window that has passed with reports left unlogged, calling <paramref name="summary"/> with the source and
    /// the count of each (so a storm that stopped still says how many it hid).
    /// </summary>
    public void Flush(Action<PciAddress, PciErrorSource, long> summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        long now = _time.GetTimestamp();
        foreach (KeyValuePair<(PciAddress Address, PciErrorSource Source), Entry> pair in _entries)
        {
            if (pair.Value.Suppressed > 0 && now - pair.Value.WindowStart >= _windowTicks)
            {
                summary(pair.Key.Address, pair.Key.Source, pair.Value.Suppressed);
                ref Entry entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, pair.Key);
                entry.Suppressed = 0;
            }
        }
    }

    private struct Entry
    {
        public long WindowStart;
        public long Suppressed;
    }
}
