using System;
using System.Threading;
using Vmd.Core.HotPlug;
using Vmd.Core.Logging;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Errors;
using Vmd.Enumeration.Functions;
using Vmd.Interrupts.Dispatch;

namespace Vmd.Core;

/// <summary>Step 7: decoded errors with throttled logs, counters and the allocation-free telemetry snapshot.</summary>
public sealed partial class VmdController
{
    /// <summary>How many decoded error records <see cref="CopyRecentErrors"/> keeps (the most recent ones).</summary>
    public const int RecentErrorCapacity = 256;

    private readonly VmdCounters _counters = new();
    private readonly PciErrorRecord[] _recent = new PciErrorRecord[RecentErrorCapacity];
    private long _recentCount;
    private ErrorThrottle? _throttle;
    private Action<PciAddress, PciErrorSource, long>? _summaryLogger;

    /// <summary>
    /// Reads every function's error registers (Status, Secondary Status, PCIe Device Status, AER correctable and
    /// uncorrectable with severity, first error pointer and header log, a root port's Root Error Status and error
    /// source, Downstream Port Containment), decodes them, clears exactly the bits it read (write 1 to clear), counts
    /// them and logs them through the throttle: per function and register the first report of each window is logged,
    /// the rest summarised ("…and N more in 10 s", event 1072). Call it from the AER interrupt's work item or on a timer.
    /// </summary>
    /// <returns>How many error records were found.</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public int ProcessErrors()
    {
        lock (_gate)
        {
            RequireEnumerated("ProcessErrors");
            _throttle ??= new ErrorThrottle(_options.TimeProvider, _options.ErrorLogWindow);
            _summaryLogger ??= LogSuppressed;
            _throttle.Flush(_summaryLogger);
            Span<PciErrorRecord> records = stackalloc PciErrorRecord[ErrorCollector.MaxRecordsPerFunction];
            int total = 0;
            foreach (PciFunction function in Functions)
            {
                int count = ErrorCollector.Collect(_domain!, function, records);
                for (int i = 0; i < count; i++)
                {
                    Record(records[i]);
                }

                total += count;
            }

            return total;
        }
    }

    /// <summary>
    /// Turns on error reporting in the domain: Device Control correctable, non-fatal, fatal and unsupported-request
    /// reporting on every PCI Express function, SERR# Enable in every bridge's Bridge Control (a switch port forwards
    /// error messages only with it), and Root Error Command's three enables on every root port with AER, so errors
    /// reach the root ports (Root Error Status and Error Source Identification) and raise their interrupt. Each change
    /// is a read-modify-write of only those bits. Without it, <see cref="ProcessErrors"/> still finds what the functions
    /// log themselves, but no root port hears of it. A root port's error interrupt is its one MSI, shared with hot-plug:
    /// when hot-plug is enabled, <see cref="HotPlugOptions.WorkRequested"/> is the cue to call both processing methods.
    /// </summary>
    /// <param name="workRequested">
    /// Optional: when interrupts are routed, each root port's own interrupt (its one MSI, remapped by the VMD; shared
    /// with hot-plug when that is enabled) is attached and this is called from interrupt context when one fires —
    /// schedule <see cref="ProcessErrors"/> on a thread that may block. Must not block, allocate or take locks.
    /// </param>
    /// <returns>How many functions were changed.</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public int EnableErrorReporting(Action? workRequested = null)
    {
        lock (_gate)
        {
            RequireEnumerated("EnableErrorReporting");
            _errorWorkRequested = workRequested;
            int changed = 0;
            foreach (PciFunction function in Functions)
            {
                if (function.Express.IsPresent)
                {
                    _domain!.Update16(function.Address, (ushort)(function.Express.CapabilityOffset + Registers.PciExpressCapability.DeviceControl), 0, ReportingEnables);
                    changed++;
                }

                if (function.IsBridge)
                {
                    _domain!.Update16(function.Address, Registers.Type1Header.BridgeControl, 0, (ushort)Registers.BridgeControl.SerrEnable);
                }

                if (ErrorCollector.IsErrorCollector(function) && function.TryGetExtendedCapability(Registers.ExtendedCapabilityId.AdvancedErrorReporting, out ushort aer))
                {
                    AttachPortInterrupt(function.Address);
                    ushort command = (ushort)(aer + Registers.AdvancedErrorReportingCapability.RootErrorCommand);
                    _domain!.Write32(function.Address, command, _domain.Read32(function.Address, command) | Registers.AdvancedErrorReportingBits.RootErrorCommandEnables);
                }
            }

            return changed;
        }
    }

    /// <summary>Copies the most recent error records (oldest first, at most <see cref="RecentErrorCapacity"/>) into <paramref name="destination"/>; returns how many.</summary>
    public int CopyRecentErrors(Span<PciErrorRecord> destination)
    {
        lock (_gate)
        {
            long available = Math.Min(_recentCount, RecentErrorCapacity);
            int count = (int)Math.Min(available, destination.Length);
            long first = _recentCount - count;
            for (int i = 0; i < count; i++)
            {
                destination[i] = _recent[(first + i) % RecentErrorCapacity];
            }

            return count;
        }
    }

    /// <summary>Error records found so far whose register was <paramref name="source"/>.</summary>
    public long GetErrorCount(PciErrorSource source) => _counters.Errors(source);

    /// <summary>
    /// The controller's counters now (config accesses, interrupts, errors, hot-plug, resets, enumeration time). Allocation-
    /// free and lock-free, so a kernel can poll it from anywhere, including its interrupt path.
    /// </summary>
    public VmdTelemetrySnapshot GetTelemetry()
    {
        ReadInterruptTotals(out long interrupts, out long spurious);
        var domain = _domain;
        TimeProvider time = _options.TimeProvider;
        return new VmdTelemetrySnapshot
        {
            ConfigReads = domain?.Reads ?? 0,
            ConfigWrites = domain?.Writes ?? 0,
            ConfigRejected = domain?.RejectedAccesses ?? 0,
            Interrupts = interrupts,
            SpuriousInterrupts = spurious,
            CorrectableErrors = _counters.Errors(PciErrorSeverity.Correctable),
            NonFatalErrors = _counters.Errors(PciErrorSeverity.NonFatal),
            FatalErrors = _counters.Errors(PciErrorSeverity.Fatal),
            ErrorLogLines = _counters.ErrorLogLines,
            ErrorLogSuppressed = Volatile.Read(ref _suppressedReports),
            HotPlugInserted = _counters.HotPlug(HotPlugEventKind.Inserted),
            HotPlugRemoved = _counters.HotPlug(HotPlugEventKind.Removed),
            HotPlugSurpriseRemoved = _counters.HotPlug(HotPlugEventKind.SurpriseRemoved),
            HotPlugInsertionFailed = _counters.HotPlug(HotPlugEventKind.InsertionFailed),
            Resets = _counters.Resets,
            Enumerations = _counters.Enumerations,
            LastEnumerationTime = _counters.LastEnumeration(time),
            TotalEnumerationTime = _counters.TotalEnumeration(time),
        };
    }

    /// <summary>
    /// Copies each VMD vector's dispatch and spurious counts into the spans (index = VMD vector); returns how many vectors
    /// were copied (0 while interrupts are not routed in remapped mode). The counts run on across the dispatchers a reset, suspend or
    /// resume replaces, so they never go backwards. Allocation-free, lock-free, any thread.
    /// </summary>
    public int CopyVectorCounts(Span<long> dispatched, Span<long> spurious) => CopyVectorTotals(dispatched, spurious);

    private const ushort ReportingEnables = Registers.PciExpressDevice.ErrorReportingEnables;

    private long _suppressedReports;
    private Action? _errorWorkRequested;

    /// <summary>Attaches a root port's interrupt for its error messages unless something (hot-plug) already did.</summary>
    private void AttachPortInterrupt(PciAddress port)
    {
        if (State != VmdState.InterruptsRouted || RoutingMode == Interrupts.InterruptRoutingMode.Polling)
        {
            return;
        }

        foreach (Interrupts.ChildInterrupt route in _routes)
        {
            if (route.Function == port)
            {
                return; // one message per port behind a VMD: the hot-plug sink asks for error work too
            }
        }

        VmdFailure? before = LastFailure;
        if (!TryAttachInterrupt(port, 0, new PortErrorSink(this), 0, out _))
        {
            LastFailure = before; // a port without MSI is polled; not a failure of the call
        }
    }

    /// <summary>Called from interrupt context by a root port's sink: asks the host for error processing.</summary>
    internal void RequestErrorWork() => _errorWorkRequested?.Invoke();

    /// <summary>A root port's interrupt when only errors use it: asks for work, nothing else (interrupt context).</summary>
    private sealed class PortErrorSink(VmdController owner) : IInterruptSink
    {
        public void OnInterrupt(uint cookie) => owner.RequestErrorWork();
    }

    private void Record(in PciErrorRecord record)
    {
        _counters.CountError(record);
        _recent[_recentCount % RecentErrorCapacity] = record;
        _recentCount++;
        if (!_throttle!.ShouldLog(record, out long summary))
        {
            Interlocked.Increment(ref _suppressedReports);
            return;
        }

        if (summary > 0)
        {
            LogSuppressed(record.Address, record.Source, summary);
        }

        string names = string.Join(",", PciErrorNames.Names(record));
        if (record.Severity == PciErrorSeverity.Correctable)
        {
            Log.CorrectableError(_logger, Endpoint.Address, record.Address, PciErrorNames.SourceName(record.Source), names);
        }
        else if (record.HasHeaderLog)
        {
            Log.UncorrectableError(_logger, Endpoint.Address, record.Address, PciErrorNames.SourceName(record.Source),
                PciErrorNames.SeverityName(record.Severity), names, PciErrorNames.BitName(PciErrorSource.AerUncorrectable, record.FirstErrorPointer),
                record.Header0, record.Header1, record.Header2, record.Header3);
        }
        else
        {
            Log.UncorrectableErrorNoHeader(_logger, Endpoint.Address, record.Address, PciErrorNames.SourceName(record.Source), PciErrorNames.SeverityName(record.Severity), names);
        }

        _counters.CountErrorLogLine();
    }

    private void LogSuppressed(PciAddress address, PciErrorSource source, long count)
    {
        Log.ErrorsSuppressed(_logger, Endpoint.Address, address, PciErrorNames.SourceName(source), count, _throttle!.Window.TotalSeconds);
        _counters.CountErrorLogLine();
    }
}
