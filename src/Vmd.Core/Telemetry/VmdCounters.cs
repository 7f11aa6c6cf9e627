using System;
using System.Threading;
using Vmd.Core.HotPlug;
using Vmd.Enumeration.Errors;

namespace Vmd.Core.Telemetry;

/// <summary>A controller's own counters (errors, hot-plug, resets, enumeration time); read without locks.</summary>
internal sealed class VmdCounters
{
    private readonly long[] _errorsBySource = new long[7];
    private readonly long[] _errorsBySeverity = new long[3];
    private readonly long[] _hotPlug = new long[5];
    private long _resets;
    private long _enumerations;
    private long _lastEnumerationTicks;
    private long _totalEnumerationTicks;
    private long _errorLogLines;

    public void CountError(in PciErrorRecord record)
    {
        Interlocked.Increment(ref _errorsBySource[(int)record.Source]);
        Interlocked.Increment(ref _errorsBySeverity[(int)record.Severity]);
    }

    public void CountErrorLogLine() => Interlocked.Increment(ref _errorLogLines);

    public void CountHotPlug(HotPlugEventKind kind) => Interlocked.Increment(ref _hotPlug[(int)kind]);

    public void CountReset() => Interlocked.Increment(ref _resets);

    public void CountEnumeration(long ticks)
    {
        Interlocked.Increment(ref _enumerations);
        Interlocked.Exchange(ref _lastEnumerationTicks, ticks);
        Interlocked.Add(ref _totalEnumerationTicks, ticks);
    }

    public long Errors(PciErrorSource source) => Interlocked.Read(ref _errorsBySource[(int)source]);

    public long Errors(PciErrorSeverity severity) => Interlocked.Read(ref _errorsBySeverity[(int)severity]);

    public long HotPlug(HotPlugEventKind kind) => Interlocked.Read(ref _hotPlug[(int)kind]);

    public long Resets => Interlocked.Read(ref _resets);

    public long Enumerations => Interlocked.Read(ref _enumerations);

    public long ErrorLogLines => Interlocked.Read(ref _errorLogLines);

    public TimeSpan LastEnumeration(TimeProvider time) => Ticks(time, Interlocked.Read(ref _lastEnumerationTicks));

    public TimeSpan TotalEnumeration(TimeProvider time) => Ticks(time, Interlocked.Read(ref _totalEnumerationTicks));

    private static TimeSpan Ticks(TimeProvider time, long ticks) => TimeSpan.FromSeconds((double)ticks / time.TimestampFrequency);
}
