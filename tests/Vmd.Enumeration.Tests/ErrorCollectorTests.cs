using System;
using System.Collections.Generic;
using System.Linq;
using NSubstitute;
using NSubstitute.Core;
using Vmd.Enumeration.Errors;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// <see cref="ErrorCollector"/>: which registers are read, in which order and width, what is written back (only the
/// RW1C error bits that were read), and how each register decodes into a record and a severity.
/// </summary>
public sealed class ErrorCollectorTests
{
    private static readonly PciAddress Port = new(0x10000, 0, 1, 0);
    private static readonly PciAddress Drive = new(0x10000, 1, 0, 0);

    private const ushort Express = 0x40;
    private const ushort Aer = 0x100;
    private const ushort Dpc = 0x140;

    private const ushort DeviceStatus = Express + PciExpressCapability.DeviceStatus; // 0x4A
    private const ushort AerUncorrectable = Aer + AdvancedErrorReportingCapability.UncorrectableStatus; // 0x104
    private const ushort AerSeverity = Aer + AdvancedErrorReportingCapability.UncorrectableSeverity; // 0x10C
    private const ushort AerCorrectable = Aer + AdvancedErrorReportingCapability.CorrectableStatus; // 0x110
    private const ushort AerControl = Aer + AdvancedErrorReportingCapability.CapabilitiesAndControl; // 0x118
    private const ushort HeaderLog = Aer + AdvancedErrorReportingCapability.HeaderLog; // 0x11C
    private const ushort RootStatus = Aer + AdvancedErrorReportingCapability.RootErrorStatus; // 0x130
    private const ushort SourceId = Aer + AdvancedErrorReportingCapability.ErrorSourceId; // 0x134
    private const ushort DpcStatus = Dpc + 0x08;
    private const ushort DpcSourceId = Dpc + 0x0A;

    // ---------------------------------------------------------------- fixtures

    /// <summary>A function with a PCIe capability at 0x40 and, as asked, AER at 0x100 and DPC at 0x140.</summary>
    private static FakeFunction Build(FakeConfigSpace config, PciAddress address, bool bridge, PciExpressPortType type, bool aer, bool dpc, bool express = true)
    {
        FakeFunction fake = config.Add(address)
            .Set32(PciHeader.RevisionId, bridge ? 0x0604_0000u : 0x0108_0200u)
            .Set8(PciHeader.HeaderType, bridge ? HeaderType.Bridge : HeaderType.Endpoint);
        if (express)
        {
            fake.WithCapabilityPointer((byte)Express)
                .WithCapability(Express, CapabilityId.PciExpress, 0)
                .Set16(Express + PciExpressCapability.Capabilities, (ushort)(((int)type << PciExpressCapability.PortTypeShift) | 2));
        }

        if (aer)
        {
            fake.WithExtendedCapability(Aer, ExtendedCapabilityId.AdvancedErrorReporting, 2, dpc ? Dpc : 0)
                .Set32(AerSeverity, AdvancedErrorReportingBits.UncorrectableSeverityDefault);
        }

        if (dpc)
        {
            if (!aer)
            {
                fake.WithExtendedCapability(Aer, ExtendedCapabilityId.LatencyToleranceReporting, 1, Dpc);
            }

            fake.WithExtendedCapability(Dpc, ExtendedCapabilityId.DownstreamPortContainment, 1, 0);
        }

        return fake;
    }

    private static (FakeConfigSpace Config, FakeFunction Fake) RootPort(bool aer = true, bool dpc = true)
    {
        var config = new FakeConfigSpace();
        return (config, Build(config, Port, bridge: true, PciExpressPortType.RootPort, aer, dpc));
    }

    private static (FakeConfigSpace Config, FakeFunction Fake) Endpoint(bool aer = true, bool express = true)
    {
        var config = new FakeConfigSpace();
        return (config, Build(config, Drive, bridge: false, PciExpressPortType.Endpoint, aer, dpc: false, express));
    }

    private static PciFunction Decode(IConfigSpace config, PciAddress address)
    {
        var function = new PciFunction();
        Assert.True(FunctionDecoder.TryDecode(config, address, config.Read32(address, PciHeader.VendorId), function, readWindows: false, out _));
        return function;
    }

    private static PciErrorRecord[] Collect(IConfigSpace config, PciFunction function)
    {
        var records = new PciErrorRecord[ErrorCollector.MaxRecordsPerFunction];
        int count = ErrorCollector.Collect(config, function, records);
        return records.AsSpan(0, count).ToArray();
    }

    private static IEnumerable<ICall> Writes(IConfigSpace spy) =>
        spy.ReceivedCalls().Where(c => c.GetMethodInfo().Name.StartsWith("Write", StringComparison.Ordinal));

    private static IEnumerable<ICall> Touching(IConfigSpace spy, ushort offset) =>
        spy.ReceivedCalls().Where(c => c.GetArguments().Length >= 2 && c.GetArguments()[1] is ushort o && o == offset);

    private static (string Method, ushort Offset, uint Value) Describe(ICall call)
    {
        object?[] args = call.GetArguments();
        uint value = args.Length > 2 ? Convert.ToUInt32(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (call.GetMethodInfo().Name, (ushort)args[1]!, value);
    }

    // ---------------------------------------------------------------- nothing set

    [Fact]
    public void A_clean_root_port_with_aer_and_dpc_gives_no_record_and_writes_nothing()
    {
        var (config, _) = RootPort();
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord[] records = Collect(spy, function);

        Assert.Empty(records);
        Assert.Empty(Writes(spy));
    }

    [Fact]
    public void A_clean_conventional_endpoint_gives_no_record_and_writes_nothing()
    {
        var (config, _) = Endpoint(aer: false, express: false);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Empty(Collect(spy, function));
        Assert.Empty(Writes(spy));
        Assert.Empty(Touching(spy, DeviceStatus));
    }

    // ---------------------------------------------------------------- Status

    [Fact]
    public void Status_error_bits_give_one_non_fatal_record_and_exactly_those_bits_are_written_back_as_16_bits()
    {
        var (config, fake) = Endpoint(aer: false);
        const ushort errors = (ushort)(PciStatus.ReceivedMasterAbort | PciStatus.SignaledTargetAbort);
        // Capabilities List (set by the fixture), Interrupt Status and DEVSEL timing are not errors.
        fake.Set16(PciHeader.Status, (ushort)(errors | (ushort)PciStatus.CapabilitiesList | (ushort)PciStatus.InterruptStatus | 0x0200));
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.Status, record.Source);
        Assert.Equal(PciErrorSeverity.NonFatal, record.Severity);
        Assert.Equal(errors, record.Status);
        Assert.Equal(Drive, record.Address);
        Assert.False(record.HasHeaderLog);
        var write = Describe(Assert.Single(Writes(spy)));
        Assert.Equal(("Write16", PciHeader.Status, (uint)errors), write);
        Received.InOrder(() =>
        {
            spy.Read16(Drive, PciHeader.Status);
            spy.Write16(Drive, PciHeader.Status, errors);
        });
    }

    [Fact]
    public void Every_status_error_bit_is_reported_and_cleared_but_no_other_bit_is_ever_written_as_one()
    {
        var (config, fake) = Endpoint(aer: false);
        fake.Set16(PciHeader.Status, 0xFFFE); // everything but bit 0 (so the function is not all-ones)
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Collect(spy, function).Single(r => r.Source == PciErrorSource.Status);

        Assert.Equal((uint)PciStatus.ErrorBits, record.Status);
        spy.Received(1).Write16(Drive, PciHeader.Status, (ushort)PciStatus.ErrorBits);
        foreach (ICall call in Touching(spy, PciHeader.Status).Where(c => c.GetMethodInfo().Name.StartsWith("Write", StringComparison.Ordinal)))
        {
            var (method, _, value) = Describe(call);
            Assert.Equal("Write16", method);
            Assert.Equal(0u, value & (uint)PciStatus.CapabilitiesList);
            Assert.Equal(0u, value & (uint)PciStatus.InterruptStatus);
            Assert.Equal(0u, value & ~(uint)PciStatus.ErrorBits);
        }

        // Nothing wider or narrower over Command/Status.
        Assert.DoesNotContain(Writes(spy), c => Describe(c).Offset is PciHeader.Command or 0x05 or 0x07);
    }

    // ---------------------------------------------------------------- Secondary Status

    [Fact]
    public void Bridge_secondary_status_errors_give_a_record_and_a_16_bit_write_back_at_0x1E()
    {
        var (config, fake) = RootPort(aer: false, dpc: false);
        const ushort errors = (ushort)(PciStatus.ReceivedMasterAbort | PciStatus.SignaledSystemError); // bit 14: Received System Error here
        fake.Set16(Type1Header.SecondaryStatus, (ushort)(errors | 0x0200 | 0x0020)); // + DEVSEL timing and 66 MHz capable
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.SecondaryStatus, record.Source);
        Assert.Equal(PciErrorSeverity.NonFatal, record.Severity);
        Assert.Equal(errors, record.Status);
        Assert.Equal(("Write16", Type1Header.SecondaryStatus, (uint)errors), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read16(Port, Type1Header.SecondaryStatus);
            spy.Write16(Port, Type1Header.SecondaryStatus, errors);
        });
    }

    [Fact]
    public void A_non_bridge_never_touches_0x1E()
    {
        var (config, fake) = Endpoint();
        // Whatever sits at 0x1E of a type 0 header (BAR 3's upper half) looks like errors if misread.
        fake.Set16(Type1Header.SecondaryStatus, 0xFFFF).Set16(PciHeader.Status, (ushort)(PciStatus.CapabilitiesList | PciStatus.DetectedParityError));
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord[] records = Collect(spy, function);

        Assert.DoesNotContain(records, r => r.Source == PciErrorSource.SecondaryStatus);
        Assert.Empty(Touching(spy, Type1Header.SecondaryStatus));
        Assert.Empty(Touching(spy, 0x1C)); // not even as part of a wider access
    }

    // ---------------------------------------------------------------- Device Status

    [Theory]
    [InlineData(0x1, PciErrorSeverity.Correctable)]
    [InlineData(0x2, PciErrorSeverity.NonFatal)]
    [InlineData(0x8, PciErrorSeverity.NonFatal)] // Unsupported Request Detected
    [InlineData(0x9, PciErrorSeverity.NonFatal)]
    [InlineData(0x3, PciErrorSeverity.NonFatal)]
    [InlineData(0x4, PciErrorSeverity.Fatal)]
    [InlineData(0x5, PciErrorSeverity.Fatal)]
    [InlineData(0xE, PciErrorSeverity.Fatal)]
    [InlineData(0xF, PciErrorSeverity.Fatal)]
    public void Device_status_severity_is_that_of_the_worst_bit_and_only_bits_3_to_0_are_written_back(int bits, PciErrorSeverity expected)
    {
        var (config, fake) = Endpoint(aer: false);
        // Transactions Pending (5), AUX power (4) and Emergency Power Reduction (6) are not errors.
        fake.Set16(DeviceStatus, (ushort)(bits | 0x0070));
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.DeviceStatus, record.Source);
        Assert.Equal(expected, record.Severity);
        Assert.Equal((uint)bits, record.Status);
        Assert.Equal(("Write16", DeviceStatus, (uint)bits), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read16(Drive, DeviceStatus);
            spy.Write16(Drive, DeviceStatus, (ushort)bits);
        });
    }

    [Fact]
    public void Device_status_without_error_bits_writes_nothing()
    {
        var (config, fake) = Endpoint(aer: false);
        fake.Set16(DeviceStatus, 0x0030); // Transactions Pending, AUX power detected
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Empty(Collect(spy, function));
        Assert.Empty(Writes(spy));
    }

    // ---------------------------------------------------------------- AER correctable

    [Fact]
    public void Aer_correctable_errors_give_a_record_and_only_the_defined_bits_read_are_written_back()
    {
        var (config, fake) = Endpoint();
        const uint errors = (1u << 6) | (1u << 12) | (1u << 15); // Bad TLP, Replay Timer Timeout, Header Log Overflow
        fake.Set32(AerCorrectable, errors | 0x8000_0E02); // + undefined/reserved bits
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.AerCorrectable, record.Source);
        Assert.Equal(PciErrorSeverity.Correctable, record.Severity);
        Assert.Equal(errors, record.Status);
        Assert.False(record.HasHeaderLog);
        Assert.Equal(("Write32", AerCorrectable, errors), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read32(Drive, AerCorrectable);
            spy.Write32(Drive, AerCorrectable, errors);
        });
    }

    [Fact]
    public void Every_defined_correctable_bit_is_cleared_and_nothing_else()
    {
        var (config, fake) = Endpoint();
        fake.Set32(AerCorrectable, 0xFFFF_FFFF);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(AdvancedErrorReportingBits.CorrectableDefined, record.Status);
        spy.Received(1).Write32(Drive, AerCorrectable, AdvancedErrorReportingBits.CorrectableDefined);
    }

    // ---------------------------------------------------------------- AER uncorrectable

    [Fact]
    public void Aer_uncorrectable_reads_pointer_and_header_log_before_clearing_the_status()
    {
        var (config, fake) = Endpoint();
        const uint errors = (1u << 14) | (1u << 20); // Completion Timeout, Unsupported Request: non-fatal by default
        fake.Set32(AerUncorrectable, errors | 0x0000_0F01) // + undefined bits 0, 8–11
            .Set32(AerControl, 0x0000_01E0 | 20) // ECRC bits set too; pointer = 20
            .Set32(HeaderLog, 0x4000_0001)
            .Set32(HeaderLog + 4, 0x0100_00FF)
            .Set32(HeaderLog + 8, 0xFEE0_0000)
            .Set32(HeaderLog + 12, 0xDEAD_BEEF);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.AerUncorrectable, record.Source);
        Assert.Equal(PciErrorSeverity.NonFatal, record.Severity);
        Assert.Equal(errors, record.Status);
        Assert.Equal(20, record.FirstErrorPointer);
        Assert.True(record.HasHeaderLog);
        Assert.Equal((0x4000_0001u, 0x0100_00FFu, 0xFEE0_0000u, 0xDEAD_BEEFu), (record.Header0, record.Header1, record.Header2, record.Header3));
        Assert.Equal(("Write32", AerUncorrectable, errors), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read32(Drive, AerUncorrectable);
            spy.Read32(Drive, AerControl);
            spy.Read32(Drive, HeaderLog);
            spy.Read32(Drive, HeaderLog + 4);
            spy.Read32(Drive, HeaderLog + 8);
            spy.Read32(Drive, HeaderLog + 12);
            spy.Write32(Drive, AerUncorrectable, errors);
        });
        Received.InOrder(() =>
        {
            spy.Read32(Drive, AerSeverity);
            spy.Write32(Drive, AerUncorrectable, errors);
        });
    }

    [Theory]
    [InlineData(1u << 14, AdvancedErrorReportingBits.UncorrectableSeverityDefault, PciErrorSeverity.NonFatal)]
    [InlineData(1u << 18, AdvancedErrorReportingBits.UncorrectableSeverityDefault, PciErrorSeverity.Fatal)] // Malformed TLP
    [InlineData((1u << 5) | (1u << 12), AdvancedErrorReportingBits.UncorrectableSeverityDefault, PciErrorSeverity.Fatal)] // Surprise Down fatal
    [InlineData(1u << 14, 0xFFFF_FFFFu, PciErrorSeverity.Fatal)]
    [InlineData(1u << 18, 0u, PciErrorSeverity.NonFatal)]
    [InlineData((1u << 4) | (1u << 14), 1u << 14, PciErrorSeverity.Fatal)]
    [InlineData(1u << 14, ~(1u << 14), PciErrorSeverity.NonFatal)]
    public void Aer_uncorrectable_is_fatal_exactly_when_a_bit_set_is_marked_fatal(uint errors, uint severity, PciErrorSeverity expected)
    {
        var (config, fake) = Endpoint();
        fake.Set32(AerUncorrectable, errors).Set32(AerSeverity, severity);
        PciFunction function = Decode(config, Drive);

        PciErrorRecord record = Assert.Single(Collect(config, function));

        Assert.Equal(expected, record.Severity);
        Assert.Equal(errors, record.Status);
    }

    [Theory]
    [InlineData(20u)] // a defined bit that is not set
    [InlineData(0u)] // pointer reset value
    [InlineData(31u)]
    public void A_first_error_pointer_at_a_clear_bit_gives_no_header_log_and_no_header_reads(uint pointer)
    {
        var (config, fake) = Endpoint();
        fake.Set32(AerUncorrectable, 1u << 14)
            .Set32(AerControl, pointer)
            .Set32(HeaderLog, 0x1111_1111).Set32(HeaderLog + 4, 0x2222_2222).Set32(HeaderLog + 8, 0x3333_3333).Set32(HeaderLog + 12, 0x4444_4444);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(-1, record.FirstErrorPointer);
        Assert.False(record.HasHeaderLog);
        Assert.Equal((0u, 0u, 0u, 0u), (record.Header0, record.Header1, record.Header2, record.Header3));
        for (ushort offset = HeaderLog; offset < HeaderLog + 16; offset++)
        {
            Assert.Empty(Touching(spy, offset));
        }

        spy.Received(1).Write32(Drive, AerUncorrectable, 1u << 14);
    }

    [Fact]
    public void Every_defined_uncorrectable_bit_is_cleared_and_nothing_else()
    {
        var (config, fake) = Endpoint();
        fake.Set32(AerUncorrectable, 0xFFFF_FFFF).Set32(AerControl, 4);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(AdvancedErrorReportingBits.UncorrectableDefined, record.Status);
        Assert.Equal(4, record.FirstErrorPointer);
        Assert.Equal(PciErrorSeverity.Fatal, record.Severity);
        spy.Received(1).Write32(Drive, AerUncorrectable, AdvancedErrorReportingBits.UncorrectableDefined);
    }

    [Fact]
    public void Aer_uncorrectable_bits_23_to_26_are_reported_and_cleared()
    {
        var (config, fake) = Endpoint();
        const uint atomicOpEgressBlocked = 1u << 24;
        fake.Set32(AerUncorrectable, atomicOpEgressBlocked).Set32(AerControl, 24).Set32(HeaderLog, 0x4400_0001);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(atomicOpEgressBlocked, record.Status);
        Assert.Equal(24, record.FirstErrorPointer);
        Assert.Equal("AtomicOpEgressBlocked", PciErrorNames.FirstName(record));
        spy.Received(1).Write32(Drive, AerUncorrectable, atomicOpEgressBlocked);
    }

    // ---------------------------------------------------------------- root ports

    [Fact]
    public void Root_error_status_gives_a_record_with_both_source_ids_and_only_bits_6_to_0_are_written_back()
    {
        var (config, fake) = RootPort(dpc: false);
        const uint events = 0x25; // ERR_COR received, ERR_FATAL/NONFATAL received, non-fatal messages received
        fake.Set32(RootStatus, events | (5u << AdvancedErrorReportingBits.RootErrorStatusMessageNumberShift) | 0x0000_0F80)
            .Set32(SourceId, 0x0300_0108);
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.RootError, record.Source);
        Assert.Equal(PciErrorSeverity.NonFatal, record.Severity);
        Assert.Equal(events, record.Status);
        Assert.Equal((ushort)0x0108, record.CorrectableSourceId);
        Assert.Equal((ushort)0x0300, record.UncorrectableSourceId);
        Assert.Equal(("Write32", RootStatus, events), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read32(Port, RootStatus);
            spy.Read32(Port, SourceId);
            spy.Write32(Port, RootStatus, events);
        });
    }

    [Theory]
    [InlineData(0x01u, PciErrorSeverity.Correctable)]
    [InlineData(0x03u, PciErrorSeverity.Correctable)]
    [InlineData(0x04u, PciErrorSeverity.NonFatal)]
    [InlineData(0x0Cu, PciErrorSeverity.NonFatal)]
    [InlineData(0x20u, PciErrorSeverity.NonFatal)]
    [InlineData(0x25u, PciErrorSeverity.NonFatal)]
    [InlineData(0x40u, PciErrorSeverity.Fatal)]
    [InlineData(0x54u, PciErrorSeverity.Fatal)]
    [InlineData(0x7Fu, PciErrorSeverity.Fatal)]
    public void Root_error_severity_follows_bits_6_5_and_2(uint events, PciErrorSeverity expected)
    {
        var (config, fake) = RootPort(dpc: false);
        fake.Set32(RootStatus, events | 0xF800_0000);
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(expected, record.Severity);
        Assert.Equal(events, record.Status);
        spy.Received(1).Write32(Port, RootStatus, events);
    }

    [Theory]
    [InlineData(PciExpressPortType.Endpoint, false)]
    [InlineData(PciExpressPortType.SwitchUpstreamPort, true)]
    [InlineData(PciExpressPortType.SwitchDownstreamPort, true)]
    public void A_port_that_is_not_a_root_port_never_reads_the_root_error_registers(PciExpressPortType type, bool bridge)
    {
        var config = new FakeConfigSpace();
        FakeFunction fake = Build(config, Drive, bridge, type, aer: true, dpc: false);
        fake.Set32(RootStatus, 0x7F).Set32(SourceId, 0x0100_0100);
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord[] records = Collect(spy, function);

        Assert.DoesNotContain(records, r => r.Source == PciErrorSource.RootError);
        for (ushort offset = RootStatus; offset < SourceId + 4; offset++)
        {
            Assert.Empty(Touching(spy, offset));
        }

        Assert.False(ErrorCollector.IsErrorCollector(function));
    }

    [Fact]
    public void Only_a_root_port_with_aer_is_an_error_collector()
    {
        var (withAer, _) = RootPort(dpc: false);
        var (withoutAer, _) = RootPort(aer: false, dpc: true);

        Assert.True(ErrorCollector.IsErrorCollector(Decode(withAer, Port)));
        Assert.False(ErrorCollector.IsErrorCollector(Decode(withoutAer, Port)));
        Assert.Throws<ArgumentNullException>(() => ErrorCollector.IsErrorCollector(null!));
    }

    // ---------------------------------------------------------------- DPC

    [Theory]
    [InlineData(0x0, PciErrorSeverity.NonFatal)] // unmasked uncorrectable error
    [InlineData(0x2, PciErrorSeverity.NonFatal)] // ERR_NONFATAL received
    [InlineData(0x4, PciErrorSeverity.Fatal)] // ERR_FATAL received (10b)
    [InlineData(0x6, PciErrorSeverity.NonFatal)] // reason in the extension field
    public void A_triggered_port_gives_a_containment_record_and_clears_only_trigger_and_interrupt_status(int reason, PciErrorSeverity expected)
    {
        var (config, fake) = RootPort(aer: false);
        // Trigger, reason, interrupt status, RP busy, reason extension and an RP PIO first error pointer.
        ushort status = (ushort)(0x0001 | reason | 0x0008 | 0x0010 | 0x0060 | 0x0500);
        fake.Set16(DpcStatus, status).Set16(DpcSourceId, 0x0208);
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        PciErrorRecord record = Assert.Single(Collect(spy, function));

        Assert.Equal(PciErrorSource.Containment, record.Source);
        Assert.Equal(expected, record.Severity);
        Assert.Equal(0x1u | (1u << (1 + (reason >> 1))), record.Status); // the reason code becomes one named bit
        Assert.Equal((ushort)0x0208, record.CorrectableSourceId);
        Assert.Equal(Port, record.Address);
        Assert.Equal(("Write16", DpcStatus, 0x0009u), Describe(Assert.Single(Writes(spy))));
        Received.InOrder(() =>
        {
            spy.Read16(Port, DpcStatus);
            spy.Read16(Port, DpcSourceId);
            spy.Write16(Port, DpcStatus, 0x0009);
        });
    }

    [Fact]
    public void The_trigger_alone_is_cleared_when_the_interrupt_status_is_clear()
    {
        var (config, fake) = RootPort(aer: false);
        fake.Set16(DpcStatus, 0x0005);
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Equal(PciErrorSeverity.Fatal, Assert.Single(Collect(spy, function)).Severity);
        Assert.Equal(("Write16", DpcStatus, 0x0001u), Describe(Assert.Single(Writes(spy))));
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0008)] // interrupt status without a trigger
    [InlineData(0x0016)] // reason bits and RP busy, no trigger
    [InlineData(0xFFFF)] // all-ones: the capability is gone
    public void A_clear_trigger_gives_no_record_and_no_write(int status)
    {
        var (config, fake) = RootPort(aer: false);
        fake.Set16(DpcStatus, (ushort)status).Set16(DpcSourceId, 0x0208);
        PciFunction function = Decode(config, Port);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Empty(Collect(spy, function));
        Assert.Empty(Writes(spy));
        Assert.Empty(Touching(spy, DpcSourceId));
    }

    // ---------------------------------------------------------------- everything at once, gone functions

    [Fact]
    public void A_root_port_with_every_register_set_fills_exactly_MaxRecordsPerFunction_records_in_register_order()
    {
        var (config, fake) = RootPort();
        fake.Set16(PciHeader.Status, (ushort)(PciStatus.CapabilitiesList | PciStatus.SignaledSystemError))
            .Set16(Type1Header.SecondaryStatus, (ushort)PciStatus.ReceivedMasterAbort)
            .Set16(DeviceStatus, 0x0001)
            .Set32(AerCorrectable, 1)
            .Set32(AerUncorrectable, 1u << 5).Set32(AerControl, 5)
            .Set32(RootStatus, 0x41)
            .Set16(DpcStatus, 0x0005);
        PciFunction function = Decode(config, Port);
        Span<PciErrorRecord> records = new PciErrorRecord[ErrorCollector.MaxRecordsPerFunction];

        int count = ErrorCollector.Collect(config, function, records);

        Assert.Equal(ErrorCollector.MaxRecordsPerFunction, count);
        Assert.Equal(
            new[] { PciErrorSource.Status, PciErrorSource.SecondaryStatus, PciErrorSource.DeviceStatus, PciErrorSource.AerCorrectable,
                PciErrorSource.AerUncorrectable, PciErrorSource.RootError, PciErrorSource.Containment },
            records.ToArray().Select(r => r.Source));
    }

    [Fact]
    public void A_function_whose_status_reads_all_ones_gives_no_record_and_no_write_at_all()
    {
        var (config, fake) = RootPort();
        fake.Set16(DeviceStatus, 0x000F).Set32(AerCorrectable, 1).Set32(AerUncorrectable, 1u << 5).Set32(RootStatus, 0x7F).Set16(DpcStatus, 0x0005);
        PciFunction function = Decode(config, Port);
        fake.Set16(PciHeader.Status, 0xFFFF);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Empty(Collect(spy, function));
        Assert.Empty(Writes(spy));
        Assert.Single(spy.ReceivedCalls()); // the Status read, nothing else
    }

    [Fact]
    public void A_vanished_function_gives_no_record_and_no_write()
    {
        var (config, fake) = RootPort();
        fake.Set16(PciHeader.Status, (ushort)PciStatus.DetectedParityError).Set32(AerCorrectable, 1).Set16(DpcStatus, 0x0005);
        PciFunction function = Decode(config, Port);
        fake.Vanished = true;
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.Empty(Collect(spy, function));
        Assert.Empty(Writes(spy));
    }

    [Fact]
    public void A_second_collection_after_clearing_finds_nothing()
    {
        var (config, fake) = Endpoint();
        fake.Set16(DeviceStatus, 0x0003).SetWritable16(DeviceStatus, 0x000F)
            .Set32(AerCorrectable, 1u << 0).SetWritable32(AerCorrectable, AdvancedErrorReportingBits.CorrectableDefined);
        PciFunction function = Decode(config, Drive);

        Assert.Equal(2, Collect(config, function).Length);

        // The fake's masks model plain writes, so emulate RW1C: the written ones clear what was read.
        fake.Set16(DeviceStatus, 0).Set32(AerCorrectable, 0);
        Assert.Empty(Collect(config, function));
    }

    // ---------------------------------------------------------------- arguments and allocation

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ErrorCollector.MaxRecordsPerFunction - 1)]
    public void A_records_span_shorter_than_MaxRecordsPerFunction_throws(int length)
    {
        var (config, _) = Endpoint();
        PciFunction function = Decode(config, Drive);
        IConfigSpace spy = ConfigSpy.Over(config);

        ArgumentException error = Assert.Throws<ArgumentException>(() => ErrorCollector.Collect(spy, function, new PciErrorRecord[length]));

        Assert.Equal("records", error.ParamName);
        Assert.Empty(spy.ReceivedCalls());
    }

    [Fact]
    public void Null_arguments_throw()
    {
        var (config, _) = Endpoint();
        PciFunction function = Decode(config, Drive);

        Assert.Throws<ArgumentNullException>(() => ErrorCollector.Collect(null!, function, new PciErrorRecord[ErrorCollector.MaxRecordsPerFunction]));
        Assert.Throws<ArgumentNullException>(() => ErrorCollector.Collect(config, null!, new PciErrorRecord[ErrorCollector.MaxRecordsPerFunction]));
    }

    [Fact]
    public void Collect_allocates_nothing()
    {
        var (config, fake) = RootPort();
        // Every path: the fake ignores the write-backs (no writable mask), so each call sees the same errors.
        fake.Set16(PciHeader.Status, (ushort)(PciStatus.CapabilitiesList | PciStatus.SignaledSystemError))
            .Set16(Type1Header.SecondaryStatus, (ushort)PciStatus.ReceivedMasterAbort)
            .Set16(DeviceStatus, 0x0004)
            .Set32(AerCorrectable, 1)
            .Set32(AerUncorrectable, 1u << 5).Set32(AerControl, 5)
            .Set32(RootStatus, 0x41)
            .Set16(DpcStatus, 0x0005);
        PciFunction function = Decode(config, Port);
        Span<PciErrorRecord> records = stackalloc PciErrorRecord[ErrorCollector.MaxRecordsPerFunction];
        Assert.Equal(ErrorCollector.MaxRecordsPerFunction, ErrorCollector.Collect(config, function, records)); // warm

        long before = GC.GetAllocatedBytesForCurrentThread();
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += ErrorCollector.Collect(config, function, records);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(100 * ErrorCollector.MaxRecordsPerFunction, total);
    }
}
