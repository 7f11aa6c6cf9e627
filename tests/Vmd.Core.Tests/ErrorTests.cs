using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Errors;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Errors;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Step 7: errors decoded by name and cleared, the throttled log, exact counters, the snapshot and the meter.</summary>
public sealed class ErrorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static (SimulatedMachine Machine, VmdHost Host, VmdController Vmd, RecordingLogger Log) Up(string name = "tigerlake", bool route = true)
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        SimulatedMachine machine = MachineCatalog.Create(name, time);
        var log = new RecordingLogger();
        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = time }, new RecordingLoggerFactory(log));
        VmdController vmd = host.Controllers[0];
        Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate(), vmd.LastFailure?.ToString());
        if (route)
        {
            Assert.True(vmd.TryRouteInterrupts(machine.Interrupts));
        }

        vmd.EnableErrorReporting();
        vmd.ProcessErrors(); // whatever firmware and enumeration left behind
        log.Lines.Clear();
        return (machine, host, vmd, log);
    }

    private static PciFunction Drive(VmdController vmd)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == Registers.ClassCodes.NvmExpress)
            {
                return function;
            }
        }

        throw new Xunit.Sdk.XunitException("no drive");
    }

    private static SimulatedFunction Simulated(SimulatedMachine machine, PciAddress address) =>
        machine.Vmds[0].FindFunction(address.Bus, address.Device, address.Function)!;

    private static List<PciErrorRecord> Recent(VmdController vmd)
    {
        var records = new PciErrorRecord[VmdController.RecentErrorCapacity];
        int count = vmd.CopyRecentErrors(records);
        return new List<PciErrorRecord>(records[..count]);
    }

    [Theory]
    [InlineData(InjectedError.ReceiverError, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "ReceiverError")]
    [InlineData(InjectedError.BadTlp, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "BadTlp")]
    [InlineData(InjectedError.BadDllp, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "BadDllp")]
    [InlineData(InjectedError.ReplayNumberRollover, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "ReplayNumRollover")]
    [InlineData(InjectedError.ReplayTimerTimeout, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "ReplayTimerTimeout")]
    [InlineData(InjectedError.CorrectedInternal, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, "CorrectedInternal")]
    [InlineData(InjectedError.DataLinkProtocol, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "DataLinkProtocol")]
    [InlineData(InjectedError.SurpriseDown, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "SurpriseDown")]
    [InlineData(InjectedError.PoisonedTlp, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "PoisonedTlp")]
    [InlineData(InjectedError.FlowControlProtocol, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "FlowControlProtocol")]
    [InlineData(InjectedError.CompletionTimeout, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "CompletionTimeout")]
    [InlineData(InjectedError.CompleterAbort, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "CompleterAbort")]
    [InlineData(InjectedError.UnexpectedCompletion, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "UnexpectedCompletion")]
    [InlineData(InjectedError.ReceiverOverflow, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "ReceiverOverflow")]
    [InlineData(InjectedError.MalformedTlp, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "MalformedTlp")]
    [InlineData(InjectedError.Ecrc, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "Ecrc")]
    [InlineData(InjectedError.UnsupportedRequest, PciErrorSource.AerUncorrectable, PciErrorSeverity.NonFatal, "UnsupportedRequest")]
    [InlineData(InjectedError.UncorrectableInternal, PciErrorSource.AerUncorrectable, PciErrorSeverity.Fatal, "UncorrectableInternal")]
    [InlineData(InjectedError.ReceivedMasterAbort, PciErrorSource.Status, PciErrorSeverity.NonFatal, "ReceivedMasterAbort")]
    [InlineData(InjectedError.SignaledTargetAbort, PciErrorSource.Status, PciErrorSeverity.NonFatal, "SignaledTargetAbort")]
    [InlineData(InjectedError.ReceivedTargetAbort, PciErrorSource.Status, PciErrorSeverity.NonFatal, "ReceivedTargetAbort")]
    [InlineData(InjectedError.DetectedParityError, PciErrorSource.Status, PciErrorSeverity.NonFatal, "DetectedParityError")]
    [InlineData(InjectedError.MasterDataParityError, PciErrorSource.Status, PciErrorSeverity.NonFatal, "MasterDataParityError")]
    public void Each_error_kind_is_decoded_by_name_attributed_to_its_function_and_cleared(InjectedError kind, PciErrorSource source, PciErrorSeverity severity, string name)
    {
        var (machine, _, vmd, _) = Up();
        PciFunction drive = Drive(vmd);

        Simulated(machine, drive.Address).InjectError(kind);
        Assert.True(vmd.ProcessErrors() > 0);

        List<PciErrorRecord> records = Recent(vmd);
        PciErrorRecord record = Assert.Single(records, r => r.Address == drive.Address && r.Source == source);
        Assert.Equal(severity, record.Severity);
        Assert.Contains(name, PciErrorNames.Names(record));
        if (source == PciErrorSource.AerUncorrectable)
        {
            Assert.Equal(name, PciErrorNames.BitName(PciErrorSource.AerUncorrectable, record.FirstErrorPointer));
        }

        Assert.Equal(0, vmd.ProcessErrors()); // cleared: a second pass finds nothing
    }

    [Fact]
    public void The_root_port_above_names_the_source_of_a_reported_error()
    {
        var (machine, _, vmd, _) = Up();
        PciFunction drive = Drive(vmd);
        PciFunction port = drive.Parent!;

        Simulated(machine, drive.Address).InjectError(InjectedError.SurpriseDown);
        vmd.ProcessErrors();

        PciErrorRecord root = Assert.Single(Recent(vmd), r => r.Source == PciErrorSource.RootError);
        Assert.Equal(port.Address, root.Address);
        Assert.Equal(drive.Address.RoutingId, root.UncorrectableSourceId);
        Assert.Equal(PciErrorSeverity.Fatal, root.Severity);
        Assert.Contains("FatalErrorMessagesReceived", PciErrorNames.Names(root));
        Assert.Contains(Recent(vmd), r => r.Address == drive.Address && r.Source == PciErrorSource.DeviceStatus && r.Severity == PciErrorSeverity.Fatal);
    }

    [Fact]
    public void A_fatal_error_logs_its_header_and_first_error()
    {
        var (machine, _, vmd, log) = Up();
        PciFunction drive = Drive(vmd);

        Simulated(machine, drive.Address).InjectError(InjectedError.MalformedTlp, [0x4000_0001, 0x0000_00FF, 0xFEE0_0000, 0x1234_5678]);
        vmd.ProcessErrors();

        PciErrorRecord record = Assert.Single(Recent(vmd), r => r.Source == PciErrorSource.AerUncorrectable);
        Assert.Equal((0x4000_0001u, 0x0000_00FFu, 0xFEE0_0000u, 0x1234_5678u), (record.Header0, record.Header1, record.Header2, record.Header3));
        Assert.Contains(log.Lines, l => l.EventId == 1071 && l.Message.Contains("MalformedTlp", StringComparison.Ordinal) && l.Message.Contains("4000000001", StringComparison.Ordinal) == false && l.Message.Contains("40000001", StringComparison.Ordinal));
    }

    [Fact]
    public void A_storm_of_100000_correctable_errors_gives_exact_counters_and_a_bounded_log()
    {
        const int Storm = 100_000;
        var (machine, _, vmd, log) = Up();
        PciFunction drive = Drive(vmd);
        SimulatedFunction simulated = Simulated(machine, drive.Address);
        DateTimeOffset start = machine.TimeProvider.GetUtcNow();

        for (int i = 0; i < Storm; i++)
        {
            simulated.InjectError(InjectedError.ReceiverError);
            vmd.ProcessErrors();
        }

        // One more pass after the storm: the last window's count comes out as a summary.
        ((FakeTimeProvider)machine.TimeProvider).Advance(TimeSpan.FromSeconds(11));
        vmd.ProcessErrors();

        Assert.Equal(Storm, vmd.GetErrorCount(PciErrorSource.AerCorrectable));
        Assert.Equal(Storm, vmd.GetErrorCount(PciErrorSource.DeviceStatus));
        Assert.Equal(Storm, vmd.GetErrorCount(PciErrorSource.RootError));
        VmdTelemetrySnapshot t = vmd.GetTelemetry();
        Assert.Equal(3L * Storm, t.CorrectableErrors);
        Assert.Equal(0, t.NonFatalErrors + t.FatalErrors);

        // Three sources (the drive's AER and Device Status, the root port's Root Error Status): at most one report and one
        // summary per source per started 10 s window.
        double seconds = (machine.TimeProvider.GetUtcNow() - start).TotalSeconds;
        int windows = (int)Math.Ceiling(seconds / 10) + 1;
        int lines = log.Lines.Count;
        Assert.InRange(lines, 3, 3 * 2 * windows);
        Assert.Equal(t.ErrorLogLines, lines);
        Assert.Equal(3L * Storm, t.ErrorLogLines - log.Count(1072) + t.ErrorLogSuppressed);
        long summarised = 0;
        foreach ((int id, _, string message) in log.Lines)
        {
            if (id == 1072)
            {
                int and = message.IndexOf("and ", StringComparison.Ordinal) + 4;
                summarised += long.Parse(message[and..message.IndexOf(' ', and)], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Equal(t.ErrorLogSuppressed, summarised); // every hidden report is accounted for in a summary
        Assert.Contains(log.Lines, l => l.EventId == 1072 && l.Message.Contains("more in 10 s", StringComparison.Ordinal));
        output.WriteLine($"{Storm} injections over {seconds:0.0} s of simulated time: {t.CorrectableErrors} correctable records, {lines} log lines "
            + $"({lines - log.Count(1072)} reports, {log.Count(1072)} summaries), {t.ErrorLogSuppressed} reports suppressed; bound {3 * 2 * windows}");
    }

    [Fact]
    public void Taking_a_snapshot_allocates_nothing()
    {
        var (machine, _, vmd, _) = Up();
        Simulated(machine, Drive(vmd).Address).InjectError(InjectedError.BadTlp);
        vmd.ProcessErrors();
        Span<long> dispatched = stackalloc long[64];
        Span<long> spurious = stackalloc long[64];
        _ = vmd.GetTelemetry();
        vmd.CopyVectorCounts(dispatched, spurious);

        long before = GC.GetAllocatedBytesForCurrentThread();
        VmdTelemetrySnapshot snapshot = vmd.GetTelemetry();
        int vectors = vmd.CopyVectorCounts(dispatched, spurious);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(snapshot.ConfigReads > 0);
        Assert.Equal(1, snapshot.Enumerations);
        Assert.True(vectors > 0);
        Assert.Equal(3, snapshot.CorrectableErrors);
    }

    [Fact]
    public void The_meter_reports_the_same_figures()
    {
        var (machine, host, vmd, _) = Up();
        Simulated(machine, Drive(vmd).Address).InjectError(InjectedError.CompletionTimeout);
        vmd.ProcessErrors();
        vmd.Reset();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == host.Metrics.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key is "severity" or "register")
                {
                    key += "/" + tag.Value;
                }
            }

            seen[key] = seen.GetValueOrDefault(key) + value;
        });
        listener.Start();
        listener.RecordObservableInstruments();

        VmdTelemetrySnapshot t = vmd.GetTelemetry();
        Assert.Equal(t.ConfigReads, seen["vmd.config.reads"]);
        Assert.Equal(t.NonFatalErrors, seen["vmd.errors.by_severity/non-fatal"]);
        Assert.Equal(1, seen["vmd.errors/aer-uncorrectable"]);
        Assert.Equal(1, seen["vmd.resets"]);
        Assert.Equal(2, seen["vmd.enumerations"]);
        Assert.Equal(t.Interrupts, seen["vmd.interrupts"]);
    }

    [Fact]
    public void Errors_of_a_switch_drive_reach_the_root_port_once_reporting_is_enabled()
    {
        var (machine, _, vmd, _) = Up("skylake-sp");
        PciFunction behindSwitch = default!;
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == Registers.ClassCodes.NvmExpress && function.Depth > 1)
            {
                behindSwitch = function;
                break;
            }
        }

        Assert.NotNull(behindSwitch);
        Simulated(machine, behindSwitch.Address).InjectError(InjectedError.CompletionTimeout);
        vmd.ProcessErrors();

        PciErrorRecord root = Assert.Single(Recent(vmd), r => r.Source == PciErrorSource.RootError);
        Assert.Equal(behindSwitch.Address.RoutingId, root.UncorrectableSourceId);
    }

    [Fact]
    public void A_root_port_error_interrupt_asks_for_error_work_through_the_vmd()
    {
        var (machine, _, vmd, _) = Up();
        int requests = 0;
        vmd.EnableErrorReporting(() => System.Threading.Interlocked.Increment(ref requests));
        long interrupts = vmd.GetTelemetry().Interrupts;

        Simulated(machine, Drive(vmd).Address).InjectError(InjectedError.CompletionTimeout);

        Assert.Equal(1, requests);
        Assert.True(vmd.GetTelemetry().Interrupts > interrupts, "the root port's MSI is remapped and dispatched");
        Assert.True(vmd.ProcessErrors() >= 3);

        // Root Error Status was cleared, so the next error interrupts again.
        Simulated(machine, Drive(vmd).Address).InjectError(InjectedError.CompletionTimeout);
        Assert.Equal(2, requests);
    }
}
