using System;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Broken or hostile VMDs: each failure names the step and the value, and leaves nothing behind.</summary>
public sealed class MapFailureTests
{
    private static VmdOptions Client(Func<VmdOptions, VmdOptions> change) => change(TestMachines.Client());

    private static (SimulatedMachine Machine, VmdController Vmd) Failing(VmdOptions options)
    {
        SimulatedMachine machine = TestMachines.With(options);
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        ushort commandBefore = machine.Vmds[0].Function.Read16(PciHeader.Command);

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdState.Detected, vmd.State);
        Assert.NotNull(vmd.LastFailure);
        Assert.Equal(VmdStep.Map, vmd.LastFailure!.Step);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Null(vmd.CfgBar);
        Assert.Null(vmd.BusRange);
        Assert.Equal(commandBefore, machine.Vmds[0].Function.Read16(PciHeader.Command));
        return (machine, vmd);
    }

    [Fact]
    public void Cfgbar_under_1_mib_is_refused()
    {
        var (_, vmd) = Failing(Client(o => new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig,
            CfgBarAddress = o.CfgBarAddress, CfgBarSize = 512UL << 10, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        }));

        Assert.Equal(VmdError.BarTooSmall, vmd.LastFailure!.Error);
        Assert.Contains("512 KiB", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("1 MiB", vmd.LastFailure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bus_start_selector_3_is_refused_naming_vmconfig()
    {
        var (_, vmd) = Failing(Client(o => new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = 1, VmConfig = 3u << 8,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        }));

        Assert.Equal(VmdError.Unsupported, vmd.LastFailure!.Error);
        Assert.Contains("VMCONFIG", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("0300", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("= 3", vmd.LastFailure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Vmlock_all_ones_is_refused_on_ids_with_shadow_registers()
    {
        var (_, vmd) = Failing(new VmdOptions
        {
            DeviceId = 0x28C0, VmCap = 1, VmConfig = 0, VmLock = 0xFFFF_FFFF,
            CfgBarAddress = TestMachines.CfgBar, MemBar1Address = TestMachines.MemBar1, MemBar2Address = TestMachines.MemBar2,
        });

        Assert.Equal(VmdError.AllOnes, vmd.LastFailure!.Error);
        Assert.Contains("VMLOCK", vmd.LastFailure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Membar_without_an_address_is_refused()
    {
        var (_, vmd) = Failing(Client(o => new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = 0, MemBar2Address = o.MemBar2Address,
        }));

        Assert.Equal(VmdError.BarNotImplemented, vmd.LastFailure!.Error);
        Assert.Contains("MEMBAR1 (BAR2)", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("firmware did not assign", vmd.LastFailure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_refused_mapping_unmaps_the_others_and_a_retry_succeeds(int failingCall)
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        machine.PhysicalMemory.FailMapCall(failingCall);

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.MapFailed, vmd.LastFailure!.Error);
        Assert.Contains("could not map", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Equal(0, machine.Vmds[0].Function.Read16(PciHeader.Command));

        Assert.True(vmd.TryMap());
        Assert.Null(vmd.LastFailure);
        Assert.Equal(3, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void A_throwing_host_mapper_is_a_failure_not_a_crash()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        machine.PhysicalMemory.MapFilter = (address, _) => address != TestMachines.MemBar1 ? true : throw new InvalidOperationException("no page tables");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.HostPortFailed, vmd.LastFailure!.Error);
        Assert.Contains("no page tables", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void A_vmd_that_vanished_after_detection_fails_with_all_ones()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        machine.Vmds[0].Function.Set16(PciHeader.VendorId, 0xFFFF);
        machine.Vmds[0].Function.Set16(PciHeader.Command, 0xFFFF);

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.AllOnes, vmd.LastFailure!.Error);
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }
}
