using Microsoft.Extensions.Time.Testing;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

public sealed class PciePortTests
{
    private const ushort ClientPcie = 0x40;
    private const ushort ServerPcie = 0x90;

    private static (SimulatedMachine Machine, IMmioRegion CfgBar) Skylake()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        return (machine, TestHelpers.MapCfgBar(machine, machine.Vmds[0]));
    }

    [Fact]
    public void Root_port_reports_link_active_when_a_drive_is_present()
    {
        (_, IMmioRegion cfgbar) = Skylake();
        nuint occupied = (nuint)Ecam.Offset(0, 2, 0, ServerPcie + PciExpressCapability.LinkStatus);
        nuint empty = (nuint)Ecam.Offset(0, 3, 0, ServerPcie + PciExpressCapability.LinkStatus);

        Assert.NotEqual(0, cfgbar.Read16(occupied) & PciExpressCapability.DataLinkLayerLinkActive);
        Assert.Equal(0, cfgbar.Read16(empty) & PciExpressCapability.DataLinkLayerLinkActive);
        Assert.NotEqual(0u, cfgbar.Read32((nuint)Ecam.Offset(0, 2, 0, ServerPcie + PciExpressCapability.LinkCapabilities)) & PciExpressCapability.DataLinkLayerActiveReportingCapable);
    }

    [Fact]
    public void Root_port_capability_reports_type_4_with_a_slot()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        ushort capabilities = cfgbar.Read16((nuint)Ecam.Offset(0, 2, 0, ServerPcie + PciExpressCapability.Capabilities));

        Assert.Equal((int)PciExpressPortType.RootPort, (capabilities >> PciExpressCapability.PortTypeShift) & 0xF);
        Assert.NotEqual(0, capabilities & PciExpressCapability.SlotImplemented);
    }

    [Fact]
    public void Hot_plug_slot_reports_its_physical_slot_number()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        uint slot = cfgbar.Read32((nuint)Ecam.Offset(3, 9, 0, 0x68 + PciExpressCapability.SlotCapabilities));

        Assert.NotEqual(0u, slot & PciExpressCapability.HotPlugCapable);
        Assert.Equal(11u, slot >> PciExpressSlot.PhysicalSlotNumberShift);
    }

    [Fact]
    public void Slot_control_write_reports_command_completed_which_is_rw1c()
    {
        (_, IMmioRegion cfgbar) = Skylake();
        nuint control = (nuint)Ecam.Offset(0, 3, 0, ServerPcie + PciExpressCapability.SlotControl);
        nuint status = (nuint)Ecam.Offset(0, 3, 0, ServerPcie + PciExpressCapability.SlotStatus);

        cfgbar.Write16(control, 0x01C0);
        Assert.Equal(0x01C0, cfgbar.Read16(control) & 0x03C0);
        Assert.NotEqual(0, cfgbar.Read16(status) & PciExpressSlot.CommandCompleted);

        cfgbar.Write16(status, PciExpressSlot.CommandCompleted);
        Assert.Equal(0, cfgbar.Read16(status) & PciExpressSlot.CommandCompleted);
    }

    [Fact]
    public void Slot_without_indicators_keeps_indicator_controls_at_zero()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint control = (nuint)Ecam.Offset(0, 6, 0, ClientPcie + PciExpressCapability.SlotControl);

        cfgbar.Write16(control, 0xFFFF);

        Assert.Equal(0, cfgbar.Read16(control) & 0x03C0);
    }

    [Fact]
    public void Hot_add_raises_presence_and_link_state_changed_events()
    {
        var time = new FakeTimeProvider();
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp", time);
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);
        PciePort rootPortD = Port(vmd, 3);
        nuint status = (nuint)Ecam.Offset(0, 3, 0, ServerPcie + PciExpressCapability.SlotStatus);
        nuint link = (nuint)Ecam.Offset(0, 3, 0, ServerPcie + PciExpressCapability.LinkStatus);

        lock (machine.SyncRoot)
        {
            rootPortD.HotAdd(new NvmeEndpoint(new NvmeOptions { VendorId = 0x8086, DeviceId = 0x0A54 }).Function);
        }

        // Presence at once; the link trains first (SimulatedFunction.LinkTrainingTime), the drive answers after its readiness time.
        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.PresenceDetectChanged, cfgbar.Read16(status));
        time.Advance(SimulatedFunction.DefaultLinkTrainingTime);
        ushort slotStatus = cfgbar.Read16(status);
        Assert.NotEqual(0, slotStatus & PciExpressSlot.PresenceDetectState);
        Assert.NotEqual(0, slotStatus & PciExpressSlot.PresenceDetectChanged);
        Assert.NotEqual(0, slotStatus & PciExpressSlot.DataLinkLayerStateChanged);
        Assert.NotEqual(0, cfgbar.Read16(link) & PciExpressCapability.DataLinkLayerLinkActive);
        time.Advance(SimulatedFunction.DefaultReadinessTime);
        Assert.Equal(0x0A54_8086u, cfgbar.Read32((nuint)Ecam.Offset(7, 0, 0, 0)));

        cfgbar.Write16(status, slotStatus);
        Assert.Equal(PciExpressSlot.PresenceDetectState, cfgbar.Read16(status));
    }

    [Fact]
    public void Hot_remove_drops_link_and_the_device_reads_all_ones()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);
        PciePort rootPortC = Port(vmd, 2);

        Assert.True(rootPortC.HotRemove());

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(6, 0, 0, 0)));
        Assert.Equal(0, cfgbar.Read16((nuint)Ecam.Offset(0, 2, 0, ServerPcie + PciExpressCapability.LinkStatus)) & PciExpressCapability.DataLinkLayerLinkActive);
        Assert.NotEqual(0, cfgbar.Read16((nuint)Ecam.Offset(0, 2, 0, ServerPcie + PciExpressCapability.SlotStatus)) & PciExpressSlot.DataLinkLayerStateChanged);
    }

    [Fact]
    public void Nvme_endpoint_advertises_flr_and_type_0()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint drive = TestHelpers.Ecam(224, 0xE1, 0, 0, 0);

        Assert.Equal(ClassCodes.NvmExpress, cfgbar.Read32(drive + PciHeader.RevisionId) >> 8);
        Assert.Equal(0, (cfgbar.Read16(drive + 0x70 + PciExpressCapability.Capabilities) >> 4) & 0xF);
        Assert.NotEqual(0u, cfgbar.Read32(drive + 0x70 + PciExpressCapability.DeviceCapabilities) & PciExpressCapability.FunctionLevelResetCapable);
        Assert.Equal(0x0000_3000u, cfgbar.Read32(drive + 0xB0 + MsixCapability.TableOffset));
    }

    private static PciePort Port(SimulatedVmd vmd, int device)
    {
        Assert.True(PciePort.TryGet(vmd.RootBus.Get(device, 0)!, out PciePort? port));
        return port;
    }
}
