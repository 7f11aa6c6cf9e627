using System;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>Function Level Reset and the D0 transition, on a fake clock.</summary>
public sealed class FunctionLevelResetTests
{
    private static readonly PciAddress Drive = new(0x10000, 1, 0, 0);
    private const ushort Express = 0x40;
    private const ushort PowerManagement = 0x60;
    private const ushort DeviceControl = Express + PciExpressCapability.DeviceControl;
    private const ushort Pmcsr = PowerManagement + PowerManagementCapability.ControlStatus;

    private static FakeTimeProvider Clock() => new() { AutoAdvanceAmount = TimeSpan.FromMicroseconds(10) };

    private static (FakeConfigSpace Config, FakeFunction Drive) Endpoint(bool flrCapable)
    {
        var config = new FakeConfigSpace();
        FakeFunction drive = config.Add(Drive)
            .WithCapabilityPointer((byte)Express)
            .WithCapability(Express, CapabilityId.PciExpress, (byte)PowerManagement)
            .WithCapability(PowerManagement, CapabilityId.PowerManagement, 0)
            .Set16(Express + PciExpressCapability.Capabilities, 0x0002)
            .Set32(Express + PciExpressCapability.DeviceCapabilities, flrCapable ? PciExpressCapability.FunctionLevelResetCapable : 0)
            .Set16(DeviceControl, 0x2810) // MRRS 512, no-snoop, relaxed ordering
            .SetWritable16(DeviceControl, 0xFFFF)
            .SetWritable16(Pmcsr, 0x0103);
        return (config, drive);
    }

    [Fact]
    public void Flr_is_refused_without_the_capability_bit()
    {
        var (config, _) = Endpoint(flrCapable: false);
        var timed = new TimedConfig(config, Clock());

        ResetResult result = FunctionLevelReset.Run(timed, Drive, timed.Time);

        Assert.Equal(ResetOutcome.Unsupported, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Equal(Drive, result.Function);
        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }

    [Fact]
    public void Flr_sets_bit_15_keeps_the_rest_and_waits_100_ms_before_the_next_request()
    {
        var (config, _) = Endpoint(flrCapable: true);
        var timed = new TimedConfig(config, Clock());

        ResetResult result = FunctionLevelReset.Run(timed, Drive, timed.Time);

        Assert.True(result.Succeeded);
        TimedAccess write = Assert.Single(timed.Log, a => a.IsWrite);
        Assert.Equal(DeviceControl, write.Offset);
        Assert.Equal(2, write.Width);
        Assert.Equal(0xA810u, write.Value);
        TimedAccess next = timed.Log[timed.Log.IndexOf(write) + 1];
        Assert.Equal(PciHeader.VendorId, next.Offset);
        Assert.True(timed.Milliseconds(write.Timestamp, next.Timestamp) >= 100);
    }

    [Fact]
    public void Flr_of_a_function_that_never_returns_is_reported_after_1_s()
    {
        var (config, drive) = Endpoint(flrCapable: true);
        var timed = new TimedConfig(config, Clock());
        timed.AfterWrite = _ => drive.Vanished = true;

        ResetResult result = FunctionLevelReset.Run(timed, Drive, timed.Time);

        Assert.Equal(ResetOutcome.NotResponding, result.Outcome);
        Assert.InRange(result.ReadyAfter.TotalMilliseconds, 1000, 1002);
    }

    [Fact]
    public void D3hot_to_d0_clears_the_state_keeps_pme_enable_and_waits_10_ms()
    {
        var (config, drive) = Endpoint(flrCapable: false);
        drive.Set16(Pmcsr, (ushort)(PowerManagementCapability.PmeStatus | PowerManagementCapability.PmeEnable | (ushort)PciPowerState.D3Hot));
        var timed = new TimedConfig(config, Clock());

        Assert.True(PowerState.TrySetD0(timed, Drive, timed.Time, out PciPowerState previous, out VmdError error));
        long returned = timed.Time.GetTimestamp();

        Assert.Equal(PciPowerState.D3Hot, previous);
        Assert.Equal(VmdError.None, error);
        TimedAccess write = Assert.Single(timed.Log, a => a.IsWrite);
        Assert.Equal(Pmcsr, write.Offset);
        Assert.Equal((uint)PowerManagementCapability.PmeEnable, write.Value); // PME_Status (RW1C) written as 0
        Assert.True(timed.Milliseconds(write.Timestamp, returned) >= 10);
        Assert.Equal(0, drive.Read16(Pmcsr) & PowerManagementCapability.PowerStateMask);
    }

    [Fact]
    public void Function_already_in_d0_is_not_written()
    {
        var (config, _) = Endpoint(flrCapable: false);
        var timed = new TimedConfig(config, Clock());

        Assert.True(PowerState.TrySetD0(timed, Drive, timed.Time));

        Assert.DoesNotContain(timed.Log, a => a.IsWrite);
    }

    [Fact]
    public void Function_without_power_management_is_unsupported()
    {
        var config = new FakeConfigSpace();
        config.Add(Drive);

        Assert.False(PowerState.TrySetD0(config, Drive, Clock(), out _, out VmdError error));

        Assert.Equal(VmdError.Unsupported, error);
    }
}
