using System;
using Microsoft.Extensions.Time.Testing;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>Secondary Bus Reset, FLR and D3hot through the ports, against a fake clock.</summary>
public sealed class ResetAndPowerTests
{
    private const int BusStart = 0xE0;
    private const ushort PortPcie = 0x40;
    private const ushort DrivePm = 0x40;
    private const ushort DrivePcie = 0x70;
    private const ulong DriveBar0 = 0x5000_0000;
    private const uint Bar0Type64 = 0x4;

    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedMachine _machine;
    private readonly IMmioRegion _cfgbar;

    public ResetAndPowerTests()
    {
        _machine = MachineCatalog.Create("tigerlake", _time);
        _cfgbar = TestHelpers.MapCfgBar(_machine, _machine.Vmds[0]);
    }

    private static nuint Port(ushort register) => TestHelpers.Ecam(BusStart, 0xE0, 6, 0, register);

    private static nuint Drive(ushort register) => TestHelpers.Ecam(BusStart, 0xE1, 0, 0, register);

    private SimulatedFunction PortFunction => _machine.Vmds[0].FindFunction(0xE0, 6, 0)!;

    private ushort LinkStatus => _cfgbar.Read16(Port(PortPcie + PciExpressCapability.LinkStatus));

    private bool LinkActive => (LinkStatus & PciExpressCapability.DataLinkLayerLinkActive) != 0;

    private void SetSecondaryBusReset(bool asserted)
    {
        ushort control = _cfgbar.Read16(Port(Type1Header.BridgeControl));
        control = asserted ? (ushort)(control | (ushort)BridgeControl.SecondaryBusReset) : (ushort)(control & ~(ushort)BridgeControl.SecondaryBusReset);
        _cfgbar.Write16(Port(Type1Header.BridgeControl), control);
    }

    private IMmioRegion MapDriveBar0()
    {
        Assert.True(_machine.Memory.TryMap(DriveBar0, 16 * 1024, out IMmioRegion? region));
        return region!;
    }

    [Fact]
    public void Machine_clock_defaults_to_the_system_clock_and_follows_the_builder()
    {
        Assert.Same(TimeProvider.System, TestHelpers.Machine().TimeProvider);
        Assert.Same(_time, _machine.TimeProvider);
        var builder = new MachineBuilder("t", "clock") { TimeProvider = _time };
        Assert.Same(_time, builder.Build().TimeProvider);
    }

    [Fact]
    public void Secondary_bus_reset_restores_bar_and_command_and_takes_the_link_down()
    {
        _cfgbar.Write32(Drive(PciHeader.BaseAddress0), 0x5000_4000);
        _cfgbar.Write16(Drive(PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal(0x5000_4000u | Bar0Type64, _cfgbar.Read32(Drive(PciHeader.BaseAddress0)));
        Assert.True(LinkActive);

        SetSecondaryBusReset(true);

        Assert.False(LinkActive);
        Assert.Equal(0xFFFFu, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        _time.Advance(TimeSpan.FromMilliseconds(2));
        SetSecondaryBusReset(false);
        Assert.False(LinkActive);
        Assert.NotEqual(0, LinkStatus & PciExpressLink.LinkTraining);

        _time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.True(LinkActive);
        Assert.Equal(0, LinkStatus & PciExpressLink.LinkTraining);
        Assert.Equal(0xFFFF_FFFFu, _cfgbar.Read32(Drive(PciHeader.VendorId)));

        _time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(0x144Du, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.Equal((uint)DriveBar0 | Bar0Type64, _cfgbar.Read32(Drive(PciHeader.BaseAddress0)));
        Assert.Equal(0x0006, _cfgbar.Read16(Drive(PciHeader.Command)));
    }

    [Fact]
    public void Writes_before_the_readiness_time_are_dropped()
    {
        SetSecondaryBusReset(true);
        SetSecondaryBusReset(false);
        _time.Advance(TimeSpan.FromMilliseconds(49));

        _cfgbar.Write16(Drive(PciHeader.Command), 0);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0x0006, _cfgbar.Read16(Drive(PciHeader.Command)));
    }

    [Fact]
    public void Reset_pulse_timestamps_are_recorded_on_the_port()
    {
        long before = _time.GetTimestamp();
        SetSecondaryBusReset(true);
        _time.Advance(TimeSpan.FromMilliseconds(2));
        SetSecondaryBusReset(false);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _cfgbar.Read16(Port(PciHeader.VendorId)); // the port itself is not below it
        Assert.Null(PortFunction.SecondaryBusResets[0].FirstConfigRequestAt);

        _cfgbar.Read16(Drive(PciHeader.VendorId));
        _time.Advance(TimeSpan.FromMilliseconds(5));
        _cfgbar.Read16(Drive(PciHeader.DeviceId));

        SecondaryBusResetRecord record = Assert.Single(PortFunction.SecondaryBusResets);
        Assert.Equal(before, record.AssertedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(2), record.HoldTime);
        Assert.Equal(TimeSpan.FromMilliseconds(100), record.FirstConfigRequestDelay);
    }

    [Fact]
    public void First_request_is_recorded_even_when_it_comes_too_early()
    {
        SetSecondaryBusReset(true);
        SetSecondaryBusReset(false);
        _time.Advance(TimeSpan.FromMilliseconds(3));

        Assert.Equal(0xFFFFu, _cfgbar.Read16(Drive(PciHeader.VendorId)));

        Assert.Equal(TimeSpan.FromMilliseconds(3), PortFunction.SecondaryBusResets[0].FirstConfigRequestDelay);
        Assert.Equal(TimeSpan.Zero, PortFunction.SecondaryBusResets[0].HoldTime);
    }

    [Fact]
    public void Readiness_time_is_configurable_per_function()
    {
        _machine.Vmds[0].FindFunction(0xE1, 0, 0)!.ReadinessTime = TimeSpan.FromMilliseconds(100);
        SetSecondaryBusReset(true);
        SetSecondaryBusReset(false);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0xFFFFu, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0x144Du, _cfgbar.Read16(Drive(PciHeader.VendorId)));
    }

    [Fact]
    public void Dead_device_never_answers_after_a_reset()
    {
        _machine.Vmds[0].FindFunction(0xE1, 0, 0)!.NeverReadyAfterReset = true;
        IMmioRegion bar0 = MapDriveBar0();

        SetSecondaryBusReset(true);
        SetSecondaryBusReset(false);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(LinkActive);
        Assert.Equal(0xFFFF_FFFFu, _cfgbar.Read32(Drive(PciHeader.VendorId)));
        Assert.Equal(ulong.MaxValue, bar0.Read64(NvmeRegisters.Cap));
    }

    [Fact]
    public void Secondary_bus_reset_resets_the_nvme_controller_and_its_msix_table()
    {
        IMmioRegion bar0 = MapDriveBar0();
        bar0.Write32(NvmeRegisters.Aqa, 0x000F_000F);
        bar0.Write32(NvmeRegisters.Cc, NvmeRegisters.CcEn);
        bar0.Write32(0x3000 + MsixCapability.EntryVectorControl, 0);
        Assert.Equal(NvmeRegisters.CstsRdy, bar0.Read32(NvmeRegisters.Csts));

        SetSecondaryBusReset(true);
        Assert.Equal(uint.MaxValue, bar0.Read32(NvmeRegisters.Csts));
        SetSecondaryBusReset(false);
        Assert.Equal(uint.MaxValue, bar0.Read32(NvmeRegisters.Csts));
        _time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(0u, bar0.Read32(NvmeRegisters.Cc));
        Assert.Equal(0u, bar0.Read32(NvmeRegisters.Csts));
        Assert.Equal(0u, bar0.Read32(NvmeRegisters.Aqa));
        Assert.Equal(MsixCapability.EntryMasked, bar0.Read32(0x3000 + MsixCapability.EntryVectorControl));
        Assert.Equal(0x0001_0400u, bar0.Read32(NvmeRegisters.Vs));
    }

    [Fact]
    public void Function_level_reset_resets_only_that_function()
    {
        var time = new FakeTimeProvider();
        SimulatedMachine machine = MachineCatalog.Create("alderlake", time);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint first = TestHelpers.Ecam(BusStart, 0xE1, 0, 0, PciHeader.Command);
        nuint second = TestHelpers.Ecam(BusStart, 0xE2, 0, 0, PciHeader.Command);
        nuint port = TestHelpers.Ecam(BusStart, 0xE0, 6, 0, PciHeader.Command);
        cfgbar.Write16(first, (ushort)PciCommand.MemorySpaceEnable);
        cfgbar.Write16(second, (ushort)PciCommand.MemorySpaceEnable);
        cfgbar.Write16(port, (ushort)PciCommand.MemorySpaceEnable);
        Assert.NotEqual(0u, cfgbar.Read32(TestHelpers.Ecam(BusStart, 0xE1, 0, 0, DrivePcie + PciExpressCapability.DeviceCapabilities)) & PciExpressCapability.FunctionLevelResetCapable);

        cfgbar.Write16(TestHelpers.Ecam(BusStart, 0xE1, 0, 0, DrivePcie + PciExpressCapability.DeviceControl), PciExpressDevice.InitiateFunctionLevelReset);

        Assert.Equal(0xFFFFu, cfgbar.Read16(first));
        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, cfgbar.Read16(second));
        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, cfgbar.Read16(port));
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(0x0006, cfgbar.Read16(first));
        Assert.Equal(0, cfgbar.Read16(TestHelpers.Ecam(BusStart, 0xE1, 0, 0, DrivePcie + PciExpressCapability.DeviceControl)) & PciExpressDevice.InitiateFunctionLevelReset);
        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, cfgbar.Read16(second));
    }

    [Fact]
    public void Initiate_flr_without_the_capability_does_nothing()
    {
        _cfgbar.Write16(Port(PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal(0u, _cfgbar.Read32(Port(PortPcie + PciExpressCapability.DeviceCapabilities)) & PciExpressCapability.FunctionLevelResetCapable);

        _cfgbar.Write16(Port(PortPcie + PciExpressCapability.DeviceControl), PciExpressDevice.InitiateFunctionLevelReset);

        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, _cfgbar.Read16(Port(PciHeader.Command)));
    }

    [Fact]
    public void D3hot_answers_config_but_not_memory_and_no_soft_reset_keeps_state()
    {
        IMmioRegion bar0 = MapDriveBar0();
        bar0.Write32(NvmeRegisters.Aqa, 0x000F_000F);
        nuint pmcsr = Drive(DrivePm + PowerManagementCapability.ControlStatus);
        Assert.NotEqual(0, _cfgbar.Read16(pmcsr) & PowerManagementCapability.NoSoftReset);

        _cfgbar.Write16(pmcsr, 3);

        Assert.Equal(3, _cfgbar.Read16(pmcsr) & PowerManagementCapability.PowerStateMask);
        Assert.Equal(0x144Du, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.Equal(ulong.MaxValue, bar0.Read64(NvmeRegisters.Cap));
        bar0.Write32(NvmeRegisters.Aqa, 0);

        _cfgbar.Write16(pmcsr, 0);

        Assert.Equal(0, _cfgbar.Read16(pmcsr) & PowerManagementCapability.PowerStateMask);
        Assert.Equal(0x000F_000Fu, bar0.Read32(NvmeRegisters.Aqa));
        Assert.Equal(0x0006, _cfgbar.Read16(Drive(PciHeader.Command)));
    }

    [Fact]
    public void D3hot_to_d0_without_no_soft_reset_resets_and_needs_10_ms()
    {
        var builder = new MachineBuilder("pm", "drive without No_Soft_Reset") { TimeProvider = _time };
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            Address = TestHelpers.TigerLakeVmd, DeviceId = 0x9A0B, VmCap = 1, VmConfig = 0x0200,
            CfgBarAddress = 0x60_0000_0000, MemBar1Address = DriveBar0, MemBar2Address = 0x60_0200_0000,
        });
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x9A09, HardWiredPrimaryBus = 0, SecondaryBus = 0xE1, SubordinateBus = 0xE1,
            MemoryBase = FunctionBuilder.EncodeWindow(DriveBar0), MemoryLimit = FunctionBuilder.EncodeWindow(DriveBar0),
        });
        vmd.RootBus.Add(6, 0, port.Function);
        port.SecondaryBus.Add(0, 0, new NvmeEndpoint(new NvmeOptions { Bar0Address = DriveBar0, NoSoftReset = false }).Function);
        SimulatedMachine machine = builder.Build();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        Assert.True(machine.Memory.TryMap(DriveBar0, 16 * 1024, out IMmioRegion? bar0));
        nuint pmcsr = Drive(DrivePm + PowerManagementCapability.ControlStatus);
        bar0!.Write32(NvmeRegisters.Aqa, 0x000F_000F);
        cfgbar.Write16(Drive(PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal(0, cfgbar.Read16(pmcsr) & PowerManagementCapability.NoSoftReset);

        cfgbar.Write16(pmcsr, 3);
        cfgbar.Write16(pmcsr, 0);

        Assert.Equal(0xFFFFu, cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.Equal(uint.MaxValue, bar0.Read32(NvmeRegisters.Aqa));
        _time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(0xFFFFu, cfgbar.Read16(Drive(PciHeader.VendorId)));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0x144Du, cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.Equal(0x0006, cfgbar.Read16(Drive(PciHeader.Command)));
        Assert.Equal(0, cfgbar.Read16(pmcsr) & PowerManagementCapability.PowerStateMask);
        Assert.Equal(0u, bar0.Read32(NvmeRegisters.Aqa));
    }

    [Fact]
    public void Link_changes_during_a_reset_set_data_link_layer_state_changed()
    {
        nuint slotStatus = Port(PortPcie + PciExpressCapability.SlotStatus);
        Assert.Equal(0, _cfgbar.Read16(slotStatus) & PciExpressSlot.DataLinkLayerStateChanged);

        SetSecondaryBusReset(true);
        Assert.NotEqual(0, _cfgbar.Read16(slotStatus) & PciExpressSlot.DataLinkLayerStateChanged);
        _cfgbar.Write16(slotStatus, PciExpressSlot.DataLinkLayerStateChanged);
        SetSecondaryBusReset(false);
        Assert.Equal(0, _cfgbar.Read16(slotStatus) & PciExpressSlot.DataLinkLayerStateChanged);
        _time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.NotEqual(0, _cfgbar.Read16(slotStatus) & PciExpressSlot.DataLinkLayerStateChanged);
    }

    [Fact]
    public void Secondary_bus_reset_reaches_functions_behind_a_switch()
    {
        var time = new FakeTimeProvider();
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp", time);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint rootControl = TestHelpers.Ecam(0, 0, 1, 0, Type1Header.BridgeControl);
        nuint driveCommand = TestHelpers.Ecam(0, 5, 0, 0, PciHeader.Command);
        nuint downstreamCommand = TestHelpers.Ecam(0, 3, 9, 0, PciHeader.Command);
        cfgbar.Write16(driveCommand, 0);
        cfgbar.Write16(downstreamCommand, 0);

        cfgbar.Write16(rootControl, (ushort)BridgeControl.SecondaryBusReset);
        Assert.Equal(0xFFFFu, cfgbar.Read16(downstreamCommand));
        time.Advance(TimeSpan.FromMilliseconds(2));
        cfgbar.Write16(rootControl, 0);
        time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Equal(0x0006, cfgbar.Read16(downstreamCommand));
        Assert.Equal(0x0006, cfgbar.Read16(driveCommand));
        Assert.Equal(0x8086u, cfgbar.Read16(TestHelpers.Ecam(0, 4, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Function_in_d3hot_sends_no_interrupts()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        Assert.True(NvmeEndpoint.TryGet(drive.Vmd.FindFunction(0xE1, 0, 0)!, out NvmeEndpoint? endpoint));
        nuint pmcsr = drive.Drive(DrivePm + PowerManagementCapability.ControlStatus);

        drive.CfgBar.Write16(pmcsr, 3);
        Assert.Equal(Interrupts.InterruptOutcome.BusMasterDisabled, endpoint.SignalVector(0));
        Assert.Equal(0, drive.Sink.Calls);

        drive.CfgBar.Write16(pmcsr, 0);
        endpoint.SignalVector(0);
        Assert.Equal(1, drive.Sink.Calls);
    }

    [Fact]
    public void Bridge_in_d3hot_forwards_nothing_below_it()
    {
        IMmioRegion bar0 = MapDriveBar0();
        nuint pmcsr = Port(0xA0 + PowerManagementCapability.ControlStatus);

        _cfgbar.Write16(pmcsr, 3);

        Assert.Equal(0x9A09u, _cfgbar.Read16(Port(PciHeader.DeviceId)));
        Assert.Equal(0xFFFFu, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.Equal(ulong.MaxValue, bar0.Read64(NvmeRegisters.Cap));
        _cfgbar.Write16(pmcsr, 0);
        Assert.Equal(0x144Du, _cfgbar.Read16(Drive(PciHeader.VendorId)));
        Assert.NotEqual(ulong.MaxValue, bar0.Read64(NvmeRegisters.Cap));
    }

    [Fact]
    public void Resetting_a_bridge_that_holds_secondary_bus_reset_releases_the_functions_below()
    {
        SetSecondaryBusReset(true);

        lock (_machine.SyncRoot)
        {
            PortFunction.ResetToPowerOn();
        }

        Assert.Equal(0, _cfgbar.Read16(Port(Type1Header.BridgeControl)) & (ushort)BridgeControl.SecondaryBusReset);
        Assert.NotNull(PortFunction.SecondaryBusResets[0].DeassertedAt);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(LinkActive);
        Assert.Equal(0x144Du, _cfgbar.Read16(Drive(PciHeader.VendorId)));
    }

    [Fact]
    public void Unsupported_power_state_is_ignored()
    {
        nuint pmcsr = Drive(DrivePm + PowerManagementCapability.ControlStatus);

        _cfgbar.Write16(pmcsr, 1);

        Assert.Equal(0, _cfgbar.Read16(pmcsr) & PowerManagementCapability.PowerStateMask);
    }

    [Fact]
    public void Conventional_reset_returns_a_function_to_its_built_state()
    {
        SimulatedFunction drive = _machine.Vmds[0].FindFunction(0xE1, 0, 0)!;
        _cfgbar.Write32(Drive(PciHeader.BaseAddress0), 0x5000_8000);
        _cfgbar.Write16(Drive(PciHeader.Command), 0);

        lock (_machine.SyncRoot)
        {
            drive.ResetToPowerOn();
        }

        Assert.Equal((uint)DriveBar0 | Bar0Type64, _cfgbar.Read32(Drive(PciHeader.BaseAddress0)));
        Assert.Equal(0x0006, _cfgbar.Read16(Drive(PciHeader.Command)));
    }
}

public sealed class ResetLosesFirmwareSettingsTests
{
    [Fact]
    public void A_reset_clears_writable_header_bits_and_keeps_read_only_ones()
    {
        Vmd.Simulation.SimulatedMachine machine = Vmd.Simulation.Machines.MachineCatalog.Create("tigerlake");
        Vmd.Simulation.Functions.SimulatedFunction drive = machine.Vmds[0].FindFunction(0xE1, 0, 0)!;
        Vmd.Simulation.Functions.SimulatedFunction port = machine.Vmds[0].FindFunction(0xE0, 6, 0)!;
        Assert.NotEqual(0u, drive.Read32(Vmd.Registers.PciHeader.BaseAddress(0)) & Vmd.Registers.BaseAddressBits.MemoryAddressMask);
        drive.ResetLosesFirmwareSettings = true;
        port.ResetLosesFirmwareSettings = true;

        drive.ResetToPowerOn();
        port.ResetToPowerOn();

        uint bar0 = drive.Read32(Vmd.Registers.PciHeader.BaseAddress(0));
        Assert.Equal(0u, bar0 & Vmd.Registers.BaseAddressBits.MemoryAddressMask);
        Assert.Equal(Vmd.Registers.BaseAddressBits.Type64, bar0 & Vmd.Registers.BaseAddressBits.TypeMask); // read-only type kept
        Assert.Equal(0, drive.Read16(Vmd.Registers.PciHeader.Command));
        Assert.Equal(0, port.Read8(Vmd.Registers.Type1Header.SecondaryBusNumber));
        Assert.Equal(0, port.Read8(Vmd.Registers.Type1Header.PrimaryBusNumber)); // hard-wired 0 either way
    }
}
