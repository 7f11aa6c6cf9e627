using System;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>The client-VMD BIOS power-management quirk: LTR only when zero, D0 before ASPM.</summary>
public sealed class BiosPmQuirkTests
{
    private static readonly PciAddress Drive = new(0x10000, 1, 0, 0);
    private const ushort Express = 0x40;
    private const ushort PowerManagement = 0x60;
    private const ushort Ltr = 0x100;
    private const ushort LinkControl = Express + PciExpressCapability.LinkControl;
    private const ushort Pmcsr = PowerManagement + PowerManagementCapability.ControlStatus;
    private const ushort LtrLatencies = Ltr + LatencyToleranceReportingCapability.MaxSnoopLatency;

    private static FakeTimeProvider Clock() => new() { AutoAdvanceAmount = TimeSpan.FromMicroseconds(10) };

    private static (FakeConfigSpace Config, FakeFunction Drive) Nvme(uint ltrLatencies, uint aspmSupport, PciPowerState state)
    {
        var config = new FakeConfigSpace();
        FakeFunction drive = config.Add(Drive)
            .Set32(PciHeader.RevisionId, 0x0108_0200)
            .WithCapabilityPointer((byte)Express)
            .WithCapability(Express, CapabilityId.PciExpress, (byte)PowerManagement)
            .WithCapability(PowerManagement, CapabilityId.PowerManagement, 0)
            .Set16(Express + PciExpressCapability.Capabilities, 0x0002)
            .Set32(Express + PciExpressCapability.LinkCapabilities, 0x0000_0043 | (aspmSupport << PciExpressLink.AspmSupportShift))
            .Set16(LinkControl, PciExpressLink.CommonClockConfiguration)
            .SetWritable16(LinkControl, 0x0FFB)
            .Set16(Pmcsr, (ushort)state)
            .SetWritable16(Pmcsr, 0x0103)
            .WithExtendedCapability(Ltr, ExtendedCapabilityId.LatencyToleranceReporting, 1, 0)
            .Set32(LtrLatencies, ltrLatencies)
            .SetWritable32(LtrLatencies, 0x1FFF_1FFF);
        return (config, drive);
    }

    private static PciFunction Decode(IConfigSpace config)
    {
        var function = new PciFunction();
        Assert.True(FunctionDecoder.TryDecode(config, Drive, config.Read32(Drive, PciHeader.VendorId), function, readWindows: false, out _));
        return function;
    }

    [Fact]
    public void Zero_ltr_latencies_are_set_to_0x10031003()
    {
        var (config, drive) = Nvme(0, 0, PciPowerState.D0);
        PciFunction function = Decode(config);
        var timed = new TimedConfig(config, Clock());

        BiosPmQuirkActions actions = BiosPmQuirk.Apply(timed, function, timed.Time);

        Assert.Equal(BiosPmQuirkActions.LtrWritten, actions);
        TimedAccess write = Assert.Single(timed.Log, a => a.IsWrite);
        Assert.Equal(LtrLatencies, write.Offset);
        Assert.Equal(4, write.Width);
        Assert.Equal(0x1003_1003u, drive.Read32(LtrLatencies));
    }

    [Theory]
    [InlineData(0x0000_0001u)] // snoop value 1, scale 0
    [InlineData(0x0000_0400u)] // snoop value 0, scale 1
    [InlineData(0x0000_1003u)]
    public void Ltr_programmed_by_firmware_is_left_alone(uint latencies)
    {
        var (config, drive) = Nvme(latencies, 0, PciPowerState.D0);
        PciFunction function = Decode(config);
        var timed = new TimedConfig(config, Clock());

        BiosPmQuirk.Apply(timed, function, timed.Time);

        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
        Assert.Equal(latencies, drive.Read32(LtrLatencies));
    }

    [Fact]
    public void D0_comes_before_aspm_and_aspm_follows_link_capabilities()
    {
        var (config, drive) = Nvme(0x0000_1003, aspmSupport: 0b10, PciPowerState.D3Hot);
        PciFunction function = Decode(config);
        var timed = new TimedConfig(config, Clock());

        BiosPmQuirkActions actions = BiosPmQuirk.Apply(timed, function, timed.Time);

        Assert.Equal(BiosPmQuirkActions.PowerStateChanged | BiosPmQuirkActions.AspmEnabled, actions);
        int d0 = timed.Log.FindIndex(a => a.IsWrite && a.Offset == Pmcsr);
        int aspm = timed.Log.FindIndex(a => a.IsWrite && a.Offset == LinkControl);
        Assert.True(d0 >= 0 && aspm > d0);
        Assert.True(timed.Milliseconds(timed.Log[d0].Timestamp, timed.Log[aspm].Timestamp) >= 10);
        Assert.Equal((ushort)(PciExpressLink.CommonClockConfiguration | 0b10), drive.Read16(LinkControl));
        Assert.Equal(0, drive.Read16(Pmcsr) & PowerManagementCapability.PowerStateMask);
    }

    [Fact]
    public void Both_aspm_states_are_enabled_when_supported_and_ltr_precedes_power()
    {
        var (config, drive) = Nvme(0, aspmSupport: 0b11, PciPowerState.D3Hot);
        PciFunction function = Decode(config);
        var timed = new TimedConfig(config, Clock());

        BiosPmQuirk.Apply(timed, function, timed.Time);

        // D3hot -> D0 without No_Soft_Reset resets the function, so its saved configuration is written back between
        // the power-state write and ASPM (issue 11); the order of the three quirk writes is what matters here.
        var writes = timed.Log.Where(a => a.IsWrite).Select(a => a.Offset).ToList();
        Assert.Equal(LtrLatencies, writes[0]);
        Assert.Equal(Pmcsr, writes[1]);
        Assert.Equal(LinkControl, writes[^1]);
        Assert.Equal(0b11, drive.Read16(LinkControl) & PciExpressLink.AspmControlMask);
    }

    [Fact]
    public void Link_without_aspm_support_is_not_written()
    {
        var (config, _) = Nvme(0x1003, aspmSupport: 0, PciPowerState.D0);
        PciFunction function = Decode(config);
        var timed = new TimedConfig(config, Clock());

        Assert.Equal(BiosPmQuirkActions.None, BiosPmQuirk.Apply(timed, function, timed.Time));
        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }
}
