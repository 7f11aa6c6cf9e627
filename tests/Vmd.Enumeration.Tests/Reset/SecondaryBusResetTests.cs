using System;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>Secondary Bus Reset: the bit-6 pulse, the minimum waits and the 1 s tolerance, on a fake clock.</summary>
public sealed class SecondaryBusResetTests
{
    internal static readonly PciAddress Bridge = new(0x10000, 0, 1, 0);
    internal static readonly PciAddress Below = new(0x10000, 1, 0, 0);
    private const ushort Express = 0x40;
    private const ushort LinkStatus = Express + PciExpressCapability.LinkStatus;
    private const uint Gen3 = 3;
    private const uint Gen2 = 2;

    private static FakeTimeProvider Clock() => new() { AutoAdvanceAmount = TimeSpan.FromMicroseconds(10) };

    internal static (FakeConfigSpace Config, FakeFunction Bridge, FakeFunction Device) Topology(uint linkCapabilities = 0x0000_0041)
    {
        var config = new FakeConfigSpace();
        FakeFunction bridge = config.Add(Bridge)
            .Set8(PciHeader.HeaderType, HeaderType.Bridge)
            .Set8(Type1Header.PrimaryBusNumber, 0)
            .Set8(Type1Header.SecondaryBusNumber, 1)
            .Set8(Type1Header.SubordinateBusNumber, 1)
            .SetWritable16(Type1Header.BridgeControl, 0x00FF)
            .WithCapabilityPointer((byte)Express)
            .WithCapability(Express, CapabilityId.PciExpress, 0)
            .Set16(Express + PciExpressCapability.Capabilities, 0x0042) // version 2, root port
            .Set32(Express + PciExpressCapability.LinkCapabilities, linkCapabilities);
        FakeFunction device = config.Add(Below);
        return (config, bridge, device);
    }

    private static long ClearTime(TimedConfig timed) =>
        timed.Log.Last(a => a.IsWrite && a.Offset == Type1Header.BridgeControl && (a.Value & (uint)BridgeControl.SecondaryBusReset) == 0).Timestamp;

    private static long SetTime(TimedConfig timed) =>
        timed.Log.First(a => a.IsWrite && a.Offset == Type1Header.BridgeControl && (a.Value & (uint)BridgeControl.SecondaryBusReset) != 0).Timestamp;

    [Fact]
    public void Reset_is_held_at_least_1_ms_and_nothing_below_is_asked_before_100_ms()
    {
        var (config, _, _) = Topology();
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.True(result.Succeeded);
        Assert.Equal(Below, result.Function);
        long set = SetTime(timed);
        long clear = ClearTime(timed);
        Assert.True(timed.Milliseconds(set, clear) >= 1.0);
        TimedAccess firstBelow = timed.Log.First(a => a.Address == Below);
        Assert.False(firstBelow.IsWrite);
        Assert.Equal(PciHeader.VendorId, firstBelow.Offset);
        Assert.True(timed.Milliseconds(clear, firstBelow.Timestamp) >= 100.0);
        Assert.DoesNotContain(timed.Log, a => a.Address == Below && a.Timestamp < clear);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 100, 101);
    }

    [Fact]
    public void Bridge_control_bit_6_is_a_16_bit_read_modify_write_of_that_bit_only()
    {
        var (fake, bridge, _) = Topology();
        bridge.Set16(Type1Header.BridgeControl, 0x0013); // parity, SERR#, VGA 16-bit: must survive
        IConfigSpace spy = ConfigSpy.Over(fake);

        SecondaryBusReset.Run(spy, Bridge, Clock());

        Received.InOrder(() =>
        {
            spy.Read16(Bridge, Type1Header.BridgeControl);
            spy.Write16(Bridge, Type1Header.BridgeControl, 0x0053);
            spy.Read16(Bridge, Type1Header.BridgeControl);
            spy.Write16(Bridge, Type1Header.BridgeControl, 0x0013);
            spy.Read16(Bridge, Type1Header.BridgeControl); // the deassert checked: a lost one would hold the bus in reset
            spy.Read16(Below, PciHeader.VendorId);
        });
        spy.DidNotReceiveWithAnyArgs().Write8(default, default, default);
        spy.DidNotReceiveWithAnyArgs().Write32(default, default, default);
        spy.Received(2).Write16(Arg.Any<PciAddress>(), Arg.Any<ushort>(), Arg.Any<ushort>());
        Assert.Equal(0x0013, bridge.Read16(Type1Header.BridgeControl));
    }

    [Fact]
    public void Device_answering_at_900_ms_is_accepted()
    {
        var (config, _, device) = Topology();
        device.Vanished = true;
        var timed = new TimedConfig(config, Clock());
        long? clear = null;
        timed.AfterWrite = a =>
        {
            if (a.Offset == Type1Header.BridgeControl && (a.Value & (uint)BridgeControl.SecondaryBusReset) == 0)
            {
                clear = a.Timestamp;
            }
        };
        timed.Before = a =>
        {
            if (clear is long c && a.Address == Below && timed.Milliseconds(c, a.Timestamp) >= 900)
            {
                device.Vanished = false;
            }
        };

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.Equal(ResetOutcome.Completed, result.Outcome);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 900, 902);
        Assert.Contains(timed.Log, a => a.Address == Below && a.Value == 0xFFFF);
    }

    [Fact]
    public void Retry_status_vendor_0001_is_tolerated_until_a_real_vendor_appears()
    {
        var (config, _, device) = Topology();
        device.Set16(PciHeader.VendorId, PciExpressReadiness.RetryStatusVendorId);
        var timed = new TimedConfig(config, Clock());
        int polls = 0;
        timed.Before = a =>
        {
            if (a.Address == Below && ++polls == 50)
            {
                device.Set16(PciHeader.VendorId, 0x144D);
            }
        };

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.True(result.Succeeded);
        Assert.Equal(50, polls);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 140, 160);
    }

    [Fact]
    public void Device_that_never_answers_is_reported_after_1_s()
    {
        var (config, _, device) = Topology();
        device.Vanished = true;
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.Equal(ResetOutcome.NotResponding, result.Outcome);
        Assert.Equal(Below, result.Function);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 1000, 1002);
        long clear = ClearTime(timed);
        TimedAccess last = timed.Log.Last(a => a.Address == Below);
        Assert.True(timed.Milliseconds(clear, last.Timestamp) >= 1000);
    }

    [Fact]
    public void Fast_link_waits_for_dll_link_active_then_100_ms()
    {
        uint caps = Gen3 | (4 << 4) | PciExpressCapability.DataLinkLayerActiveReportingCapable;
        var (config, bridge, _) = Topology(caps);
        var timed = new TimedConfig(config, Clock());
        long? clear = null;
        timed.AfterWrite = a =>
        {
            if (a.Offset == Type1Header.BridgeControl && (a.Value & (uint)BridgeControl.SecondaryBusReset) == 0)
            {
                clear = a.Timestamp;
            }
        };
        timed.Before = a =>
        {
            if (clear is long c && a.Address == Bridge && a.Offset == LinkStatus && timed.Milliseconds(c, a.Timestamp) >= 300)
            {
                bridge.Set16(LinkStatus, PciExpressCapability.DataLinkLayerLinkActive);
            }
        };

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.True(result.Succeeded);
        TimedAccess linkUp = timed.Log.First(a => a.Offset == LinkStatus && (a.Value & PciExpressCapability.DataLinkLayerLinkActive) != 0);
        TimedAccess firstBelow = timed.Log.First(a => a.Address == Below);
        Assert.True(timed.Milliseconds(linkUp.Timestamp, firstBelow.Timestamp) >= 100);
        Assert.True(timed.Milliseconds(clear!.Value, firstBelow.Timestamp) >= 400);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 400, 402);
    }

    [Fact]
    public void Fast_link_that_never_comes_up_is_reported_after_1_s_without_asking_below()
    {
        uint caps = Gen3 | PciExpressCapability.DataLinkLayerActiveReportingCapable;
        var (config, _, _) = Topology(caps);
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.Equal(ResetOutcome.LinkNotActive, result.Outcome);
        Assert.Equal(Bridge, result.Function);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 1000, 1002);
        Assert.DoesNotContain(timed.Log, a => a.Address == Below);
    }

    [Theory]
    [InlineData(Gen2 | PciExpressCapability.DataLinkLayerActiveReportingCapable)]
    [InlineData(Gen3)]
    public void Link_status_is_not_polled_at_5_GT_or_without_dll_active_reporting(uint caps)
    {
        var (config, _, _) = Topology(caps);
        var timed = new TimedConfig(config, Clock());

        Assert.True(SecondaryBusReset.Run(timed, Bridge, timed.Time).Succeeded);

        Assert.DoesNotContain(timed.Log, a => a.Offset == LinkStatus);
    }

    [Fact]
    public void Clock_advanced_from_another_thread_also_drives_the_waits()
    {
        var (config, _, _) = Topology();
        var time = new FakeTimeProvider();
        var timed = new TimedConfig(config, time);
        using var stop = new System.Threading.ManualResetEventSlim();
        var advancer = new System.Threading.Thread(() =>
        {
            while (!stop.IsSet)
            {
                time.Advance(TimeSpan.FromMicroseconds(100));
                System.Threading.Thread.Yield();
            }
        });
        advancer.Start();

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, time);
        stop.Set();
        advancer.Join();

        Assert.True(result.Succeeded);
        Assert.True(timed.Milliseconds(SetTime(timed), ClearTime(timed)) >= 1.0);
        Assert.True(timed.Milliseconds(ClearTime(timed), timed.Log.First(a => a.Address == Below).Timestamp) >= 100.0);
    }

    [Fact]
    public void Absent_bridge_is_reported_without_writing()
    {
        var (config, bridge, _) = Topology();
        bridge.Vanished = true;
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.Equal(ResetOutcome.Absent, result.Outcome);
        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }

    [Fact]
    public void Unnumbered_bridge_is_refused_without_writing()
    {
        var (config, bridge, _) = Topology();
        bridge.Set8(Type1Header.SecondaryBusNumber, 0);
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Bridge, timed.Time);

        Assert.Equal(ResetOutcome.NotNumbered, result.Outcome);
        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }

    [Fact]
    public void Endpoint_is_refused_without_writing()
    {
        var (config, _, _) = Topology();
        var timed = new TimedConfig(config, Clock());

        ResetResult result = SecondaryBusReset.Run(timed, Below, timed.Time);

        Assert.Equal(ResetOutcome.Unsupported, result.Outcome);
        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }
}
