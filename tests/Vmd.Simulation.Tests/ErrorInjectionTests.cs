using System;
using System.Diagnostics;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Errors;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>
/// Error injection (PCIe Base r6.0 §6.2.5 signalling, §7.8.4 AER): what the detecting function logs, what the root port
/// above records, and when the root port's MSI is sent. Mostly on tigerlake: root port e0:06.0 (PCIe 0x40, MSI 0x80,
/// AER 0x100) with a Samsung NVMe at e1:00.0 (PCIe 0x70, AER 0x100).
/// </summary>
public sealed class ErrorInjectionTests
{
    private const ushort PortPcie = 0x40;
    private const ushort PortMsi = 0x80;
    private const ushort Aer = 0x100;
    private const ushort DrivePcie = 0x70;
    private const ushort AllReportingEnables = 0xF;

    private const ushort UncStatus = Aer + AdvancedErrorReportingCapability.UncorrectableStatus;
    private const ushort UncMask = Aer + AdvancedErrorReportingCapability.UncorrectableMask;
    private const ushort UncSeverity = Aer + AdvancedErrorReportingCapability.UncorrectableSeverity;
    private const ushort CorStatus = Aer + AdvancedErrorReportingCapability.CorrectableStatus;
    private const ushort CorMask = Aer + AdvancedErrorReportingCapability.CorrectableMask;
    private const ushort CapControl = Aer + AdvancedErrorReportingCapability.CapabilitiesAndControl;
    private const ushort HeaderLog = Aer + AdvancedErrorReportingCapability.HeaderLog;
    private const ushort RootCommand = Aer + AdvancedErrorReportingCapability.RootErrorCommand;
    private const ushort RootStatus = Aer + AdvancedErrorReportingCapability.RootErrorStatus;
    private const ushort SourceId = Aer + AdvancedErrorReportingCapability.ErrorSourceId;
    private const ushort DriveDeviceStatus = DrivePcie + PciExpressCapability.DeviceStatus;
    private const ushort DriveDeviceControl = DrivePcie + PciExpressCapability.DeviceControl;

    private readonly SimulatedMachine _machine = TestHelpers.Machine("tigerlake");
    private readonly PciePort _port;
    private readonly SimulatedFunction _drive;
    private IMmioRegion? _cfgBar;

    public ErrorInjectionTests()
    {
        Assert.True(PciePort.TryGet(_machine.Vmds[0].RootBus.Get(0x06, 0)!, out PciePort? port));
        _port = port;
        _drive = _port.SecondaryBus.Get(0, 0)!;
    }

    private SimulatedFunction Port => _port.Function;

    public static TheoryData<InjectedError, int> CorrectableKinds => new()
    {
        { InjectedError.ReceiverError, 0 },
        { InjectedError.BadTlp, 6 },
        { InjectedError.BadDllp, 7 },
        { InjectedError.ReplayNumberRollover, 8 },
        { InjectedError.ReplayTimerTimeout, 12 },
        { InjectedError.AdvisoryNonFatal, 13 },
        { InjectedError.CorrectedInternal, 14 },
    };

    public static TheoryData<InjectedError, int, bool> UncorrectableKinds => new()
    {
        { InjectedError.DataLinkProtocol, 4, true },
        { InjectedError.SurpriseDown, 5, true },
        { InjectedError.PoisonedTlp, 12, false },
        { InjectedError.FlowControlProtocol, 13, true },
        { InjectedError.CompletionTimeout, 14, false },
        { InjectedError.CompleterAbort, 15, false },
        { InjectedError.UnexpectedCompletion, 16, false },
        { InjectedError.ReceiverOverflow, 17, true },
        { InjectedError.MalformedTlp, 18, true },
        { InjectedError.Ecrc, 19, false },
        { InjectedError.UnsupportedRequest, 20, false },
        { InjectedError.UncorrectableInternal, 22, true },
    };

    public static TheoryData<InjectedError, PciStatus> ConventionalKinds => new()
    {
        { InjectedError.MasterDataParityError, PciStatus.MasterDataParityError },
        { InjectedError.SignaledTargetAbort, PciStatus.SignaledTargetAbort },
        { InjectedError.ReceivedTargetAbort, PciStatus.ReceivedTargetAbort },
        { InjectedError.ReceivedMasterAbort, PciStatus.ReceivedMasterAbort },
        { InjectedError.DetectedParityError, PciStatus.DetectedParityError },
    };

    [Theory]
    [MemberData(nameof(CorrectableKinds))]
    public void Correctable_kind_sets_its_status_bit_and_correctable_detected(InjectedError kind, int bit)
    {
        ErrorInjectionResult result = _drive.InjectError(kind);

        Assert.Equal(ErrorSeverity.Correctable, result.Severity);
        Assert.Equal(1U << bit, _drive.Read32(CorStatus));
        Assert.Equal(0U, _drive.Read32(UncStatus));
        Assert.Equal(1, _drive.Read16(DriveDeviceStatus));
    }

    [Theory]
    [MemberData(nameof(UncorrectableKinds))]
    public void Uncorrectable_kind_sets_its_status_bit_and_the_default_severity_decides(InjectedError kind, int bit, bool fatal)
    {
        ErrorInjectionResult result = _drive.InjectError(kind);

        Assert.Equal(fatal ? ErrorSeverity.Fatal : ErrorSeverity.NonFatal, result.Severity);
        Assert.Equal(1U << bit, _drive.Read32(UncStatus));
        Assert.Equal(0U, _drive.Read32(CorStatus));
        int expected = (fatal ? 4 : 2) | (kind == InjectedError.UnsupportedRequest ? 8 : 0);
        Assert.Equal(expected, _drive.Read16(DriveDeviceStatus));
        Assert.Equal((uint)bit, _drive.Read32(CapControl) & AdvancedErrorReportingBits.FirstErrorPointerMask);
    }

    [Theory]
    [MemberData(nameof(ConventionalKinds))]
    public void Conventional_kind_sets_its_status_bit_which_software_clears_with_a_one(InjectedError kind, PciStatus bit)
    {
        ErrorInjectionResult result = _drive.InjectError(kind);

        Assert.Equal(new ErrorInjectionResult(ErrorSeverity.None, ErrorMessageOutcome.NotApplicable), result);
        Assert.Equal((ushort)bit, _drive.Read16(PciHeader.Status) & (ushort)PciStatus.ErrorBits);
        Assert.Equal(0, _drive.Read16(DriveDeviceStatus));

        _drive.Write16(PciHeader.Status, (ushort)bit);
        Assert.Equal(0, _drive.Read16(PciHeader.Status) & (ushort)PciStatus.ErrorBits);
    }

    [Fact]
    public void Poisoned_tlp_and_completer_abort_also_set_their_conventional_status_bits()
    {
        _drive.InjectError(InjectedError.PoisonedTlp);
        _drive.InjectError(InjectedError.CompleterAbort);

        ushort status = _drive.Read16(PciHeader.Status);
        Assert.NotEqual(0, status & (ushort)PciStatus.DetectedParityError);
        Assert.NotEqual(0, status & (ushort)PciStatus.SignaledTargetAbort);
    }

    [Fact]
    public void Status_bits_are_write_one_to_clear()
    {
        _drive.InjectError(InjectedError.BadTlp);
        _drive.InjectError(InjectedError.ReceiverError);
        _drive.InjectError(InjectedError.CompletionTimeout);

        _drive.Write32(CorStatus, 1U << 6);
        Assert.Equal(1U, _drive.Read32(CorStatus));
        _drive.Write32(UncStatus, 0xFFFF_FFFF);
        Assert.Equal(0U, _drive.Read32(UncStatus));
        _drive.Write16(DriveDeviceStatus, 0x1);
        Assert.Equal(2, _drive.Read16(DriveDeviceStatus));
        _drive.Write16(DriveDeviceStatus, 0xF);
        Assert.Equal(0, _drive.Read16(DriveDeviceStatus));
    }

    [Fact]
    public void Device_status_is_set_even_with_reporting_disabled_and_nothing_is_sent()
    {
        ErrorInjectionResult result = _drive.InjectError(InjectedError.MalformedTlp);

        Assert.Equal(ErrorMessageOutcome.ReportingDisabled, result.Message);
        Assert.Equal(4, _drive.Read16(DriveDeviceStatus));
        Assert.Equal(0U, Port.Read32(RootStatus));
        Assert.Equal(1, _machine.Counters.ErrorsInjected);
        Assert.Equal(0, _machine.Counters.ErrorMessagesSent);
    }

    [Fact]
    public void Advisory_non_fatal_is_masked_after_reset()
    {
        EnableReporting();

        ErrorInjectionResult result = _drive.InjectError(InjectedError.AdvisoryNonFatal);

        Assert.Equal(ErrorMessageOutcome.Masked, result.Message);
        Assert.Equal(AdvancedErrorReportingBits.AdvisoryNonFatal, _drive.Read32(CorStatus));
        Assert.Equal(0U, Port.Read32(RootStatus));
    }

    [Fact]
    public void Masked_correctable_error_sets_status_but_is_not_signalled()
    {
        EnableReporting();
        _drive.Write32(CorMask, 1U << 6);

        ErrorInjectionResult result = _drive.InjectError(InjectedError.BadTlp);

        Assert.Equal(ErrorMessageOutcome.Masked, result.Message);
        Assert.Equal(1U << 6, _drive.Read32(CorStatus));
        Assert.Equal(1, _drive.Read16(DriveDeviceStatus));
        Assert.Equal(0U, Port.Read32(RootStatus));
        Assert.Equal(0, _machine.Counters.ErrorMessagesSent);
    }

    [Fact]
    public void Masked_uncorrectable_error_sets_status_but_logs_no_pointer_or_header_and_is_not_signalled()
    {
        EnableReporting();
        _drive.Write32(UncMask, 1U << 14);

        ErrorInjectionResult result = _drive.InjectError(InjectedError.CompletionTimeout, [0x1111, 0x2222, 0x3333, 0x4444]);

        Assert.Equal(ErrorMessageOutcome.Masked, result.Message);
        Assert.Equal(1U << 14, _drive.Read32(UncStatus));
        Assert.Equal(2, _drive.Read16(DriveDeviceStatus));
        Assert.Equal(0U, _drive.Read32(CapControl) & AdvancedErrorReportingBits.FirstErrorPointerMask);
        Assert.Equal(0U, _drive.Read32(HeaderLog));
        Assert.Equal(0U, Port.Read32(RootStatus));
    }

    [Fact]
    public void Severity_register_decides_fatal_or_non_fatal()
    {
        EnableReporting();
        _drive.Write32(UncSeverity, (AdvancedErrorReportingBits.UncorrectableSeverityDefault | (1U << 14)) & ~(1U << 18));

        Assert.Equal(ErrorSeverity.Fatal, _drive.InjectError(InjectedError.CompletionTimeout).Severity);
        Assert.Equal(ErrorSeverity.NonFatal, _drive.InjectError(InjectedError.MalformedTlp).Severity);

        uint root = Port.Read32(RootStatus);
        Assert.NotEqual(0U, root & (1U << 4)); // the first uncorrectable message was fatal
        Assert.NotEqual(0U, root & (1U << 5));
        Assert.NotEqual(0U, root & (1U << 6));
        Assert.Equal(6, _drive.Read16(DriveDeviceStatus));
    }

    [Fact]
    public void First_error_pointer_and_header_log_are_kept_until_their_status_bit_is_cleared()
    {
        _drive.InjectError(InjectedError.PoisonedTlp, [0x4A00_0001, 0x0100_000F, 0xE100_0000, 0x5000_0000]);
        _drive.InjectError(InjectedError.Ecrc, [0xAAAA_AAAA, 0xBBBB_BBBB, 0xCCCC_CCCC, 0xDDDD_DDDD]);

        Assert.Equal(12U, _drive.Read32(CapControl) & AdvancedErrorReportingBits.FirstErrorPointerMask);
        Assert.Equal(0x4A00_0001U, _drive.Read32(HeaderLog));
        Assert.Equal(0x5000_0000U, _drive.Read32(HeaderLog + 12));

        // Clearing another status bit leaves the pointer valid.
        _drive.Write32(UncStatus, 1U << 19);
        _drive.InjectError(InjectedError.UnsupportedRequest, [0x1234_5678]);
        Assert.Equal(12U, _drive.Read32(CapControl) & AdvancedErrorReportingBits.FirstErrorPointerMask);
        Assert.Equal(0x4A00_0001U, _drive.Read32(HeaderLog));

        // Clearing the bit the pointer names frees the log for the next error (missing dwords read 0).
        _drive.Write32(UncStatus, 1U << 12);
        _drive.InjectError(InjectedError.Ecrc, [0xAAAA_AAAA, 0xBBBB_BBBB]);
        Assert.Equal(19U, _drive.Read32(CapControl) & AdvancedErrorReportingBits.FirstErrorPointerMask);
        Assert.Equal(0xAAAA_AAAAU, _drive.Read32(HeaderLog));
        Assert.Equal(0xBBBB_BBBBU, _drive.Read32(HeaderLog + 4));
        Assert.Equal(0U, _drive.Read32(HeaderLog + 8));
    }

    [Fact]
    public void Root_port_records_first_and_multiple_messages_and_their_source()
    {
        EnableReporting();
        Assert.True(_drive.TryGetRequesterId(out ushort drive));
        Assert.Equal(0xE100, drive);

        Assert.Equal(ErrorMessageOutcome.DeliveredToRootPort, _drive.InjectError(InjectedError.BadTlp).Message);
        Assert.Equal(0x1U, Port.Read32(RootStatus));
        _drive.InjectError(InjectedError.ReceiverError);
        Assert.Equal(0x3U, Port.Read32(RootStatus));

        _drive.InjectError(InjectedError.CompletionTimeout);
        Assert.Equal(0x3U | 0x4 | 0x20, Port.Read32(RootStatus));
        _drive.InjectError(InjectedError.MalformedTlp);
        Assert.Equal(0x3U | 0x4 | 0x8 | 0x20 | 0x40, Port.Read32(RootStatus)); // first was non-fatal: bit 4 stays clear
        Assert.Equal(((uint)drive << 16) | drive, Port.Read32(SourceId));

        // RW1C; a new correctable message after clearing loads the source again.
        Port.Write32(RootStatus, 0x7F);
        Assert.Equal(0U, Port.Read32(RootStatus));
        Assert.Equal(4, _machine.Counters.ErrorMessagesToRootPorts);
    }

    [Fact]
    public void First_fatal_message_sets_first_uncorrectable_fatal()
    {
        EnableReporting();

        _drive.InjectError(InjectedError.SurpriseDown);

        Assert.Equal(0x4U | 0x10 | 0x40, Port.Read32(RootStatus));
    }

    [Fact]
    public void Error_source_is_the_requester_id_the_function_answers_at_now()
    {
        EnableReporting();
        Port.Write8(Type1Header.SecondaryBusNumber, 0xE7);
        Port.Write8(Type1Header.SubordinateBusNumber, 0xE7);

        _drive.InjectError(InjectedError.ReceiverError);
        _drive.InjectError(InjectedError.PoisonedTlp);

        Assert.True(_drive.TryGetRequesterId(out ushort id));
        Assert.Equal(0xE700, id);
        Assert.Equal(0xE700_E700U, Port.Read32(SourceId));
    }

    [Fact]
    public void Root_port_own_error_is_logged_with_its_own_id()
    {
        Port.Write16(PortPcie + PciExpressCapability.DeviceControl, AllReportingEnables);

        Assert.Equal(ErrorMessageOutcome.DeliveredToRootPort, _port.Function.InjectError(InjectedError.ReceiverError).Message);

        Assert.Equal(0xE030U, Port.Read32(SourceId) & 0xFFFF); // e0:06.0
        Assert.Equal(1U, Port.Read32(RootStatus));
    }

    [Fact]
    public void Unsupported_request_needs_its_reporting_enable()
    {
        _drive.Write16(DriveDeviceControl, 0x7);
        Assert.Equal(ErrorMessageOutcome.ReportingDisabled, _drive.InjectError(InjectedError.UnsupportedRequest).Message);
        Assert.Equal(0xA, _drive.Read16(DriveDeviceStatus));

        _drive.Write16(DriveDeviceControl, AllReportingEnables);
        Assert.Equal(ErrorMessageOutcome.DeliveredToRootPort, _drive.InjectError(InjectedError.UnsupportedRequest).Message);
    }

    [Fact]
    public void Serr_enable_sends_uncorrectable_messages_and_sets_signaled_system_error()
    {
        _drive.Write16(PciHeader.Command, (ushort)(_drive.Command | (ushort)PciCommand.SerrEnable));

        Assert.Equal(ErrorMessageOutcome.ReportingDisabled, _drive.InjectError(InjectedError.BadTlp).Message);
        Assert.Equal(ErrorMessageOutcome.DeliveredToRootPort, _drive.InjectError(InjectedError.MalformedTlp).Message);
        Assert.NotEqual(0, _drive.Read16(PciHeader.Status) & (ushort)PciStatus.SignaledSystemError);
    }

    [Fact]
    public void Root_port_msi_needs_root_error_command()
    {
        (CountingSink sink, _) = EnableRootPortMsi();
        EnableReporting();

        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(0, sink.Calls);

        // Enabling the class while ERR_COR Received is set is a rising edge too.
        WritePort32(RootCommand, 0x1);
        Assert.Equal(1, sink.Calls);
        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(1, sink.Calls);

        // Clearing the status re-arms the edge.
        WritePort32(RootStatus, 0x7F);
        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(2, sink.Calls);

        // Uncorrectable classes have their own enables.
        _drive.InjectError(InjectedError.CompletionTimeout);
        Assert.Equal(2, sink.Calls);
        WritePort32(RootStatus, 0x7F);
        WritePort32(RootCommand, 0x2);
        _drive.InjectError(InjectedError.CompletionTimeout);
        Assert.Equal(3, sink.Calls);
        _drive.InjectError(InjectedError.MalformedTlp);
        Assert.Equal(3, sink.Calls);
        Assert.Equal(3, _machine.Counters.RootErrorInterrupts);
    }

    [Fact]
    public void Root_port_msi_needs_msi_enable_and_bus_mastering()
    {
        (CountingSink sink, ushort control) = EnableRootPortMsi();
        EnableReporting();
        WritePort32(RootCommand, 0x7);

        WritePort16(PortMsi + MsiCapability.MessageControl, 0);
        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(0, sink.Calls);

        WritePort32(RootStatus, 0x7F);
        WritePort16(PortMsi + MsiCapability.MessageControl, control);
        WritePort16(PciHeader.Command, (ushort)PciCommand.MemorySpaceEnable);
        long drops = _machine.Counters.BusMasterDrops;
        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(0, sink.Calls);
        Assert.Equal(drops + 1, _machine.Counters.BusMasterDrops);

        WritePort32(RootStatus, 0x7F);
        WritePort16(PciHeader.Command, (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));
        _drive.InjectError(InjectedError.BadTlp);
        Assert.Equal(1, sink.Calls);
    }

    [Fact]
    public void Storm_of_100000_injections_is_fast_and_counted_exactly()
    {
        (CountingSink sink, _) = EnableRootPortMsi();
        EnableReporting();
        Port.Write32(RootCommand, 0x7);
        _drive.InjectError(InjectedError.ReceiverError); // warm up (first-use lookups)
        _machine.Counters.Reset();
        Port.Write32(RootStatus, 0x7F);
        int before = sink.Calls;

        var watch = Stopwatch.StartNew();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        _drive.InjectErrors(InjectedError.BadTlp, 50_000);
        for (int i = 0; i < 50_000; i++)
        {
            _drive.InjectError(InjectedError.ReceiverError);
        }

        long allocatedDuring = GC.GetAllocatedBytesForCurrentThread() - allocated;
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"100,000 injections took {watch.Elapsed}.");
        Assert.Equal(100_000, _machine.Counters.ErrorsInjected);
        Assert.Equal(100_000, _machine.Counters.ErrorMessagesSent);
        Assert.Equal(100_000, _machine.Counters.ErrorMessagesToRootPorts);
        Assert.Equal(1, _machine.Counters.RootErrorInterrupts);
        Assert.Equal(before + 1, sink.Calls);
        Assert.Equal(0x3U, Port.Read32(RootStatus));
        Assert.True(allocatedDuring < 64 * 1024, $"{allocatedDuring} bytes allocated.");
    }

    [Fact]
    public void Switch_ports_forward_messages_only_with_bridge_control_serr_enable()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        SimulatedVmd vmd = machine.Vmds[0];
        SimulatedFunction rootB = vmd.FindFunction(0, 1, 0)!;
        SimulatedFunction upstream = vmd.FindFunction(2, 0, 0)!;
        SimulatedFunction downstream = vmd.FindFunction(3, 8, 0)!;
        SimulatedFunction drive = vmd.FindFunction(4, 0, 0)!;
        ushort pcie = FindCapability(drive, CapabilityId.PciExpress);
        drive.Write16((ushort)(pcie + PciExpressCapability.DeviceControl), AllReportingEnables);

        Assert.Equal(ErrorMessageOutcome.Blocked, drive.InjectError(InjectedError.BadTlp).Message);

        upstream.Write16(Type1Header.BridgeControl, (ushort)BridgeControl.SerrEnable);
        downstream.Write16(Type1Header.BridgeControl, (ushort)BridgeControl.SerrEnable);
        Assert.Equal(ErrorMessageOutcome.DeliveredToRootPort, drive.InjectError(InjectedError.BadTlp).Message);
        Assert.Equal(0x0400U, rootB.Read32(SourceId) & 0xFFFF);
    }

    [Fact]
    public void Function_without_aer_sets_device_status_and_still_reports()
    {
        (SimulatedMachine machine, PciePort port, SimulatedFunction endpoint) = CustomMachine(aerOnEndpoint: false, dpc: false);
        endpoint.Write16(0x40 + PciExpressCapability.DeviceControl, AllReportingEnables);

        ErrorInjectionResult result = endpoint.InjectError(InjectedError.MalformedTlp);

        Assert.Equal(new ErrorInjectionResult(ErrorSeverity.Fatal, ErrorMessageOutcome.DeliveredToRootPort), result);
        Assert.Equal(4, endpoint.Read16(0x40 + PciExpressCapability.DeviceStatus));
        Assert.Equal(0x4U | 0x10 | 0x40, port.Function.Read32(RootStatus));
        Assert.Equal(0x0100U, port.Function.Read32(SourceId) >> 16);
        Assert.Equal(1, machine.Counters.ErrorMessagesToRootPorts);
    }

    [Fact]
    public void Dpc_triggers_on_a_fatal_message_when_enabled_for_it()
    {
        (SimulatedMachine machine, PciePort port, SimulatedFunction endpoint) = CustomMachine(aerOnEndpoint: true, dpc: true);
        endpoint.Write16(0x40 + PciExpressCapability.DeviceControl, AllReportingEnables);
        ushort dpc = FindExtended(port.Function, ExtendedCapabilityId.DownstreamPortContainment);
        Assert.NotEqual(0, dpc);
        ushort status = (ushort)(dpc + DownstreamPortContainmentCapability.Status);

        endpoint.InjectError(InjectedError.MalformedTlp);
        Assert.Equal(0, port.Function.Read16(status)); // DPC disabled

        port.Function.Write16((ushort)(dpc + DownstreamPortContainmentCapability.Control), DownstreamPortContainmentCapability.TriggerOnFatal);
        endpoint.InjectError(InjectedError.CompletionTimeout);
        Assert.Equal(0, port.Function.Read16(status)); // non-fatal does not trigger with enable 1

        endpoint.InjectError(InjectedError.SurpriseDown);
        Assert.Equal(DownstreamPortContainmentCapability.TriggerStatus | (DownstreamPortContainmentCapability.ReasonFatalReceived << DownstreamPortContainmentCapability.TriggerReasonShift), port.Function.Read16(status));
        Assert.Equal(0x0100, port.Function.Read16((ushort)(dpc + DownstreamPortContainmentCapability.ErrorSourceId)));
        Assert.Equal(1, machine.Counters.DpcTriggers);

        port.Function.Write16(status, DownstreamPortContainmentCapability.TriggerStatus);
        Assert.Equal(0, port.Function.Read16(status) & DownstreamPortContainmentCapability.TriggerStatus);
    }

    [Fact]
    public void Undefined_kind_and_bad_arguments_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _drive.InjectError((InjectedError)0x101));
        Assert.Throws<ArgumentOutOfRangeException>(() => _drive.InjectErrors(InjectedError.BadTlp, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _drive.InjectError(InjectedError.Ecrc, new uint[5]));
    }

    [Fact]
    public void Catalog_root_ports_and_nvme_drives_have_aer()
    {
        foreach (MachineInfo info in MachineCatalog.All)
        {
            SimulatedMachine machine = MachineCatalog.Create(info.Name);
            foreach (SimulatedVmd vmd in machine.Vmds)
            {
                foreach (SimulatedBus? root in new[] { vmd.RootBus, vmd.SecondRootBus })
                {
                    for (int i = 0; root is not null && i < root.Count; i++)
                    {
                        SimulatedFunction function = root.GetAt(i, out _, out _);
                        if (PciePort.TryGet(function, out PciePort? port))
                        {
                            Assert.NotEqual(0, FindExtended(function, ExtendedCapabilityId.AdvancedErrorReporting));
                            if (port.SecondaryBus.Get(0, 0) is SimulatedFunction below && NvmeEndpoint.TryGet(below, out _))
                            {
                                Assert.NotEqual(0, FindExtended(below, ExtendedCapabilityId.AdvancedErrorReporting));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Writes a root port register through the VMD's CFGBAR, as a driver does (queued messages are delivered after it).</summary>
    private void WritePort32(ushort register, uint value) => CfgBar.Write32(TestHelpers.Ecam(0xE0, 0xE0, 0x06, 0, register), value);

    private void WritePort16(ushort register, ushort value) => CfgBar.Write16(TestHelpers.Ecam(0xE0, 0xE0, 0x06, 0, register), value);

    private IMmioRegion CfgBar => _cfgBar ??= TestHelpers.MapCfgBar(_machine, _machine.Vmds[0]);

    private void EnableReporting() => _drive.Write16(DriveDeviceControl, AllReportingEnables);

    /// <summary>Points the root port's MSI at a host vector, VMD in bypass so the message reaches the host unchanged.</summary>
    private (CountingSink Sink, ushort Control) EnableRootPortMsi()
    {
        SimulatedVmd vmd = _machine.Vmds[0];
        TestHelpers.EnableDecode(_machine, vmd.Address);
        ushort vmConfig = _machine.HostConfig.Read16(vmd.Address, VmdRegisters.VmConfig);
        _machine.HostConfig.Write16(vmd.Address, VmdRegisters.VmConfig, (ushort)(vmConfig | VmdRegisters.VmConfigMsiRemapDisable));
        var sink = new CountingSink();
        Assert.True(_machine.Interrupts.TryAllocate(out HostVector vector));
        _machine.Interrupts.Attach(vector, sink, cookie: 7);
        MsiMessage message = _machine.Interrupts.ComposeMessage(vector);
        Port.Write32(PortMsi + MsiCapability.MessageAddress, (uint)message.Address);
        Port.Write32(PortMsi + MsiCapability.MessageUpperAddress, 0);
        Port.Write16(PortMsi + MsiCapability.MessageData64, (ushort)message.Data);
        Port.Write16(PortMsi + MsiCapability.MessageControl, MsiCapability.Enable);
        return (sink, MsiCapability.Enable);
    }

    /// <summary>A host root port at 00:06.0 (secondary bus 1) with a bare PCIe endpoint (PCIe capability at 0x40) at 01:00.0.</summary>
    private static (SimulatedMachine Machine, PciePort Port, SimulatedFunction Endpoint) CustomMachine(bool aerOnEndpoint, bool dpc)
    {
        PciePort port = PciePort.CreateRootPort(new PciePortOptions { DeviceId = 0x1234, PrimaryBus = 0, SecondaryBus = 1, SubordinateBus = 1, DownstreamPortContainment = dpc });
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, 0x5678, ClassCodes.NvmExpress).Command((ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));
        builder.AddPciExpress(new PciExpressCapabilityOptions { PortType = PciExpressPortType.Endpoint }, 0x40);
        if (aerOnEndpoint)
        {
            builder.AddAdvancedErrorReporting(rootPort: false);
        }

        SimulatedFunction endpoint = builder.Build();
        port.SecondaryBus.Add(0, 0, endpoint);
        var machineBuilder = new MachineBuilder("errors", "root port and endpoint");
        machineBuilder.AddHostFunction(new PciAddress(0, 0, 6, 0), port.Function);
        return (machineBuilder.Build(), port, endpoint);
    }

    private static ushort FindCapability(SimulatedFunction function, CapabilityId id)
    {
        int at = function.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
        while (at != 0 && function.Read8((ushort)at) != (byte)id)
        {
            at = function.Read8((ushort)(at + CapabilityHeader.Next)) & CapabilityHeader.PointerMask;
        }

        return (ushort)at;
    }

    private static ushort FindExtended(SimulatedFunction function, ExtendedCapabilityId id)
    {
        int at = CapabilityHeader.FirstExtended;
        while (at != 0)
        {
            uint header = function.Read32((ushort)at);
            if (header == 0)
            {
                return 0;
            }

            if ((header & 0xFFFF) == (uint)id)
            {
                return (ushort)at;
            }

            at = (int)((header >> CapabilityHeader.ExtendedNextShift) & CapabilityHeader.ExtendedNextMask);
        }

        return 0;
    }
}
