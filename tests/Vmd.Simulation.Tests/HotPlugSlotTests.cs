using System;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>
/// PCIe hot-plug slots (PCIe Base §6.7, §7.5.3.9–11) through the ports, against a fake clock: presence, link training,
/// bounce, removal, power controller, indicators and the hot-plug interrupt message.
/// </summary>
public sealed class HotPlugSlotTests
{
    // skylake-sp root port D (00:03.0): empty hot-plug slot 4, secondary bus 7; server layout: MSI 0x60, PCIe 0x90.
    private const int PortD = 3;
    private const int PortDBus = 7;
    private const ushort Msi = 0x60;
    private const ushort Pcie = 0x90;
    private const ushort Dsn = 0x148;
    private const uint AllOnes = 0xFFFF_FFFF;
    private const ushort EventsOff = PciExpressSlot.AttentionIndicatorControlMask | PciExpressSlot.PowerIndicatorControlMask;

    private static readonly TimeSpan Training = SimulatedFunction.DefaultLinkTrainingTime;
    private static readonly TimeSpan Readiness = SimulatedFunction.DefaultReadinessTime;

    private readonly FakeTimeProvider _time = new();
    private readonly SimulatedMachine _machine;
    private readonly SimulatedVmd _vmd;
    private readonly IMmioRegion _cfg;
    private readonly PciePort _slot4;
    private readonly HostVector _vector;
    private readonly CountingSink _sink = new();

    public HotPlugSlotTests()
    {
        _machine = MachineCatalog.Create("skylake-sp", _time);
        _vmd = _machine.Vmds[0];
        _cfg = TestHelpers.MapCfgBar(_machine, _vmd);
        _slot4 = _vmd.FindSlot(4)!;
        Assert.True(_machine.Interrupts.TryAllocate(out _vector));
        _machine.Interrupts.Attach(_vector, _sink, cookie: 4);

        // Bypass: the port's own message reaches the host controller unchanged.
        ushort vmConfig = _machine.HostConfig.Read16(_vmd.Address, VmdRegisters.VmConfig);
        _machine.HostConfig.Write16(_vmd.Address, VmdRegisters.VmConfig, (ushort)(vmConfig | VmdRegisters.VmConfigMsiRemapDisable));
    }

    private static nuint Port(int device, ushort register) => (nuint)Ecam.Offset(0, device, 0, register);

    private static nuint SlotControl(int device = PortD) => Port(device, Pcie + PciExpressCapability.SlotControl);

    private static nuint SlotStatus(int device = PortD) => Port(device, Pcie + PciExpressCapability.SlotStatus);

    private static nuint LinkStatus(int device = PortD) => Port(device, Pcie + PciExpressCapability.LinkStatus);

    private static nuint Below(int bus, ushort register) => (nuint)Ecam.Offset(bus, 0, 0, register);

    private bool LinkActive(int device = PortD) => (_cfg.Read16(LinkStatus(device)) & PciExpressCapability.DataLinkLayerLinkActive) != 0;

    private void EnableMsi(int device = PortD)
    {
        MsiMessage message = _machine.Interrupts.ComposeMessage(_vector);
        _cfg.Write32(Port(device, Msi + MsiCapability.MessageAddress), (uint)message.Address);
        _cfg.Write32(Port(device, Msi + MsiCapability.MessageUpperAddress), 0);
        _cfg.Write16(Port(device, Msi + MsiCapability.MessageData64), (ushort)message.Data);
        _cfg.Write16(Port(device, Msi + MsiCapability.MessageControl), MsiCapability.Enable);
    }

    /// <summary>Writes Slot Control (indicators left off) and clears the Command Completed that write reports.</summary>
    private void WriteSlotControl(ushort enables, int device = PortD)
    {
        _cfg.Write16(SlotControl(device), (ushort)(EventsOff | enables));
        _cfg.Write16(SlotStatus(device), PciExpressSlot.CommandCompleted);
    }

    private void ClearEvents(int device = PortD) => _cfg.Write16(SlotStatus(device), PciExpressSlot.StatusEventBits);

    [Fact]
    public void Presence_event_sends_nothing_without_hot_plug_interrupt_enable()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.DataLinkLayerStateChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x51));
        _time.Advance(Training);

        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.PresenceDetectChanged | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus()));
        Assert.Equal(0, _sink.Calls);
        Assert.Equal(0, _slot4.HotPlugInterruptEdges);
    }

    [Fact]
    public void Presence_event_sends_nothing_without_its_enable_bit()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.DataLinkLayerStateChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x52));

        Assert.Equal(0, _sink.Calls);
        _time.Advance(Training);
        _slot4.Update();
        Assert.Equal(1, _sink.Calls); // the link-up event is enabled
    }

    [Fact]
    public void Edge_with_msi_disabled_is_counted_but_no_message_is_sent()
    {
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x53));

        Assert.Equal(1, _slot4.HotPlugInterruptEdges);
        Assert.Equal(0, _slot4.HotPlugMessagesSent);
        Assert.Equal(InterruptOutcome.NotEnabled, _slot4.LastHotPlugInterruptOutcome);
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public void Port_without_bus_master_enable_sends_no_message()
    {
        EnableMsi();
        _cfg.Write16(Port(PortD, PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x54));

        Assert.Equal(InterruptOutcome.BusMasterDisabled, _slot4.LastHotPlugInterruptOutcome);
        Assert.Equal(0, _slot4.HotPlugMessagesSent);
        Assert.Equal(0, _sink.Calls);
    }

    [Fact]
    public void Presence_then_link_up_send_one_message_each_when_the_first_was_cleared()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.DataLinkLayerStateChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x55));
        Assert.Equal(1, _sink.Calls);
        Assert.Equal(4u, _sink.LastCookie);
        Assert.Equal(1, _machine.Counters.MessagesBypassed);

        _cfg.Write16(SlotStatus(), PciExpressSlot.PresenceDetectChanged);
        Assert.Equal(PciExpressSlot.PresenceDetectState, _cfg.Read16(SlotStatus()));
        _time.Advance(Training);
        _slot4.Update(); // nothing reads the port: the link-up event is materialised here

        Assert.Equal(2, _sink.Calls);
        Assert.Equal(2, _slot4.HotPlugMessagesSent);
        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus()));
    }

    [Fact]
    public void A_new_event_while_one_is_pending_sends_no_second_message()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.DataLinkLayerStateChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x56));
        _time.Advance(Training);
        Assert.True(LinkActive());

        Assert.Equal(1, _sink.Calls);
        Assert.Equal(PciExpressSlot.PresenceDetectChanged | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus()) & PciExpressSlot.StatusEventBits);

        // Clearing one of two pending events leaves the condition true: still no new edge.
        _cfg.Write16(SlotStatus(), PciExpressSlot.PresenceDetectChanged);
        Assert.Equal(1, _sink.Calls);
        ClearEvents();
        _slot4.HotRemove();
        Assert.Equal(2, _sink.Calls);
    }

    [Fact]
    public void Enabling_hot_plug_interrupts_while_an_event_is_pending_sends_the_message()
    {
        EnableMsi();
        _slot4.HotAdd(SpareDrives.IntelNvme(0x57));
        Assert.Equal(0, _sink.Calls);

        _cfg.Write16(SlotControl(), EventsOff | PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);

        Assert.Equal(1, _sink.Calls);

        // Turning HPIE off and on again with the event still pending is a new edge.
        _cfg.Write16(SlotControl(), EventsOff | PciExpressSlot.PresenceDetectChangedEnable);
        _cfg.Write16(SlotControl(), EventsOff | PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);
        Assert.Equal(2, _sink.Calls);
    }

    [Fact]
    public void Link_comes_up_only_after_training_and_the_drive_reads_all_ones_before()
    {
        _slot4.HotAdd(SpareDrives.IntelNvme(0x58));

        Assert.True(_slot4.IsPresenceDetected);
        Assert.False(LinkActive());
        Assert.NotEqual(0, _cfg.Read16(LinkStatus()) & PciExpressLink.LinkTraining);
        Assert.Equal(AllOnes, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));

        _time.Advance(Training - TimeSpan.FromMilliseconds(1));
        Assert.False(LinkActive());
        Assert.Equal(0, _cfg.Read16(SlotStatus()) & PciExpressSlot.DataLinkLayerStateChanged);
        Assert.Equal(AllOnes, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(LinkActive());
        Assert.True(_slot4.IsLinkUp);
        Assert.Equal(0, _cfg.Read16(LinkStatus()) & PciExpressLink.LinkTraining);
        Assert.NotEqual(0, _cfg.Read16(SlotStatus()) & PciExpressSlot.DataLinkLayerStateChanged);

        // The drive came out of reset when training began and needs its readiness time.
        Assert.Equal(AllOnes, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));
        _time.Advance(Readiness - Training);
        Assert.Equal(0x0A54_8086u, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));
    }

    [Fact]
    public void Without_training_and_readiness_time_the_drive_answers_right_after_insertion()
    {
        _slot4.Function.LinkTrainingTime = TimeSpan.Zero;
        SimulatedFunction spare = SpareDrives.IntelNvme(0x5D);
        spare.ReadinessTime = TimeSpan.Zero;

        _slot4.HotAdd(spare);

        Assert.True(_slot4.IsLinkUp);
        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.PresenceDetectChanged | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus()));
        Assert.Equal(0x0A54_8086u, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));
    }

    [Fact]
    public void Bounce_sets_presence_detect_changed_on_every_change_then_settles_and_trains()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);
        TimeSpan interval = TimeSpan.FromMilliseconds(1);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x59), bounces: 2, bounceInterval: interval);

        bool[] expected = [true, false, true, false, true];
        for (int change = 0; change < expected.Length; change++)
        {
            ushort status = _cfg.Read16(SlotStatus());
            Assert.Equal(expected[change], (status & PciExpressSlot.PresenceDetectState) != 0);
            Assert.NotEqual(0, status & PciExpressSlot.PresenceDetectChanged);
            Assert.Equal(change + 1, _sink.Calls);
            Assert.False(LinkActive());
            Assert.Equal(change == expected.Length - 1, (_cfg.Read16(LinkStatus()) & PciExpressLink.LinkTraining) != 0); // trains once settled
            _cfg.Write16(SlotStatus(), PciExpressSlot.PresenceDetectChanged);
            _time.Advance(interval);
        }

        // Settled at 4 ms: no more changes, and the link is up one training time after settling.
        Assert.Equal(PciExpressSlot.PresenceDetectState, _cfg.Read16(SlotStatus()));
        Assert.Equal(5, _sink.Calls);
        _time.Advance(Training - (2 * interval));
        Assert.False(LinkActive());
        _time.Advance(interval);
        Assert.True(LinkActive());
        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus()));
    }

    [Fact]
    public void Bounce_without_clearing_in_between_gives_one_edge()
    {
        EnableMsi();
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable);

        _slot4.HotAdd(SpareDrives.IntelNvme(0x5A), bounces: 3, bounceInterval: TimeSpan.FromMilliseconds(2));
        _time.Advance(TimeSpan.FromMilliseconds(13)); // six changes, settled at 12 ms; the link is still training

        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.PresenceDetectChanged, _cfg.Read16(SlotStatus()));
        Assert.Equal(1, _sink.Calls);
        Assert.Equal(1, _slot4.HotPlugInterruptEdges);
    }

    [Fact]
    public void Surprise_removal_reads_all_ones_at_once_and_raises_both_events()
    {
        // Root port C (00:02.0, slot 3) carries a drive at 06:00.0, BAR0 at MEMBAR1 + 2 MiB.
        const int portC = 2;
        IMmioRegion membar1 = TestHelpers.MapBar(_machine, _vmd.Address, VmdRegisters.MemBar1Index, _vmd.MemBar1Size);
        nuint driveRegisters = 2 << 20;
        EnableMsi(portC);
        WriteSlotControl(PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.DataLinkLayerStateChangedEnable, portC);
        Assert.Equal(0x0A54_8086u, _cfg.Read32(Below(6, PciHeader.VendorId)));
        Assert.NotEqual(AllOnes, membar1.Read32(driveRegisters + NvmeRegisters.Vs));

        Assert.True(_vmd.FindSlot(3)!.HotRemove());

        Assert.Equal(AllOnes, _cfg.Read32(Below(6, PciHeader.VendorId)));
        Assert.Equal(AllOnes, membar1.Read32(driveRegisters + NvmeRegisters.Vs));
        Assert.False(LinkActive(portC));
        Assert.Equal(PciExpressSlot.PresenceDetectChanged | PciExpressSlot.DataLinkLayerStateChanged, _cfg.Read16(SlotStatus(portC)));
        Assert.Equal(1, _sink.Calls);
        Assert.False(_vmd.FindSlot(3)!.HotRemove());
    }

    [Fact]
    public void Removal_before_the_link_trained_reports_presence_only()
    {
        _slot4.HotAdd(SpareDrives.IntelNvme(0x5B));
        _time.Advance(Training / 2);
        ClearEvents();

        _slot4.HotRemove();
        _time.Advance(Training);

        Assert.Equal(PciExpressSlot.PresenceDetectChanged, _cfg.Read16(SlotStatus()));
        Assert.False(LinkActive());
    }

    [Fact]
    public void Power_controller_off_takes_the_link_down_and_on_trains_it_again()
    {
        (SimulatedMachine machine, IMmioRegion cfg, PciePort slot) = PoweredSlotMachine(_time);
        nuint control = (nuint)Ecam.Offset(0, 0, 0, Pcie + PciExpressCapability.SlotControl);
        nuint status = (nuint)Ecam.Offset(0, 0, 0, Pcie + PciExpressCapability.SlotStatus);
        nuint link = (nuint)Ecam.Offset(0, 0, 0, Pcie + PciExpressCapability.LinkStatus);
        nuint drive = (nuint)Ecam.Offset(1, 0, 0, PciHeader.VendorId);
        Assert.NotEqual(0u, cfg.Read32((nuint)Ecam.Offset(0, 0, 0, Pcie + PciExpressCapability.SlotCapabilities)) & PciExpressSlot.PowerControllerPresent);
        Assert.Equal(0x0A54_8086u, cfg.Read32(drive));
        cfg.Write16((nuint)Ecam.Offset(1, 0, 0, PciHeader.Command), (ushort)PciCommand.BusMasterEnable);

        cfg.Write16(control, EventsOff | PciExpressSlot.PowerControllerControl);

        Assert.False(slot.IsSlotPowered);
        Assert.Equal(0, cfg.Read16(link) & PciExpressCapability.DataLinkLayerLinkActive);
        Assert.Equal(PciExpressSlot.PresenceDetectState | PciExpressSlot.DataLinkLayerStateChanged | PciExpressSlot.CommandCompleted, cfg.Read16(status));
        Assert.Equal(AllOnes, cfg.Read32(drive));
        cfg.Write16(status, PciExpressSlot.StatusEventBits);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AllOnes, cfg.Read32(drive)); // stays off however long one waits

        cfg.Write16(control, EventsOff);
        Assert.Equal(0, cfg.Read16(link) & PciExpressCapability.DataLinkLayerLinkActive);
        _time.Advance(Training);
        Assert.NotEqual(0, cfg.Read16(link) & PciExpressCapability.DataLinkLayerLinkActive);
        Assert.NotEqual(0, cfg.Read16(status) & PciExpressSlot.DataLinkLayerStateChanged);
        _time.Advance(Readiness - Training);
        Assert.Equal(0x0A54_8086u, cfg.Read32(drive));
        Assert.Equal(0, cfg.Read16((nuint)Ecam.Offset(1, 0, 0, PciHeader.Command))); // power loss returned it to power-on state
        Assert.Same(_time, machine.TimeProvider);
    }

    [Fact]
    public void Insertion_into_a_powered_off_slot_trains_only_after_power_on()
    {
        (_, IMmioRegion cfg, PciePort slot) = PoweredSlotMachine(_time);
        nuint control = (nuint)Ecam.Offset(0, 0, 0, Pcie + PciExpressCapability.SlotControl);
        slot.HotRemove();
        cfg.Write16(control, EventsOff | PciExpressSlot.PowerControllerControl);

        slot.HotAdd(SpareDrives.IntelNvme(0x5C));
        _time.Advance(TimeSpan.FromSeconds(1));
        slot.Update();
        Assert.False(slot.IsLinkUp);
        Assert.True(slot.IsPresenceDetected);

        cfg.Write16(control, EventsOff);
        _time.Advance(Training);
        slot.Update();
        Assert.True(slot.IsLinkUp);
    }

    [Fact]
    public void Indicators_read_back_from_slot_control()
    {
        Assert.True(_slot4.HasAttentionIndicator);
        Assert.True(_slot4.HasPowerIndicator);
        Assert.Equal(IndicatorState.Off, _slot4.AttentionIndicator);
        Assert.Equal(IndicatorState.Off, _slot4.PowerIndicator);

        _cfg.Write16(SlotControl(), (2 << 6) | (1 << 8));
        Assert.Equal(IndicatorState.Blink, _slot4.AttentionIndicator);
        Assert.Equal(IndicatorState.On, _slot4.PowerIndicator);

        _cfg.Write16(SlotControl(), (1 << 6) | (2 << 8));
        Assert.Equal(IndicatorState.On, _slot4.AttentionIndicator);
        Assert.Equal(IndicatorState.Blink, _slot4.PowerIndicator);

        _cfg.Write16(SlotControl(), 0);
        Assert.Equal(IndicatorState.Reserved, _slot4.AttentionIndicator);
    }

    [Fact]
    public void Command_completed_follows_every_slot_control_write_and_interrupts_on_a_new_edge()
    {
        EnableMsi();
        ushort enables = EventsOff | PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.CommandCompletedInterruptEnable;

        _cfg.Write16(SlotControl(), enables);
        Assert.Equal(PciExpressSlot.CommandCompleted, _cfg.Read16(SlotStatus()));
        Assert.Equal(1, _sink.Calls);

        _cfg.Write16(SlotControl(), enables); // CC still set: no edge
        Assert.Equal(1, _sink.Calls);

        _cfg.Write16(SlotStatus(), PciExpressSlot.CommandCompleted);
        Assert.Equal(0, _cfg.Read16(SlotStatus()));
        _cfg.Write16(SlotControl(), enables);
        Assert.Equal(2, _sink.Calls);
    }

    [Fact]
    public void Find_slot_walks_root_ports_and_switch_downstream_ports()
    {
        Assert.Equal(new[] { 1, 2, 10, 11, 3, 4 }, _vmd.HotPlugSlots.Select(slot => slot.PhysicalSlotNumber));
        Assert.Same(_vmd.FindFunction(3, 9, 0), _vmd.FindSlot(11)!.Function);
        Assert.Same(_vmd.FindFunction(0, 3, 0), _slot4.Function);
        Assert.Null(_vmd.FindSlot(99));

        SimulatedMachine icelake = MachineCatalog.Create("icelake-sp");
        Assert.Equal(new[] { 1, 2 }, icelake.Vmds[0].HotPlugSlots.Select(slot => slot.PhysicalSlotNumber));
        Assert.Equal(new[] { 3, 4 }, icelake.Vmds[1].HotPlugSlots.Select(slot => slot.PhysicalSlotNumber));
        Assert.Null(MachineCatalog.Create("tigerlake").Vmds[0].FindSlot(1)); // client root ports are not hot-plug capable
    }

    [Theory]
    [InlineData("skylake-sp")]
    [InlineData("icelake-sp")]
    public void Server_slots_report_link_active_reporting_and_both_indicators(string name)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        foreach (PciePort slot in machine.Vmds.SelectMany(vmd => vmd.HotPlugSlots))
        {
            ushort pcie = slot.PciExpressCapabilityOffset;
            Assert.NotEqual(0u, slot.Function.Read32((ushort)(pcie + PciExpressCapability.LinkCapabilities)) & PciExpressCapability.DataLinkLayerActiveReportingCapable);
            Assert.True(slot.HasAttentionIndicator && slot.HasPowerIndicator);
            Assert.Equal(slot.SecondaryBus.Count > 0, slot.IsLinkUp);
            Assert.Equal(slot.SecondaryBus.Count > 0, slot.IsPresenceDetected);
        }
    }

    [Fact]
    public void Spare_drive_comes_up_with_unassigned_bars_and_its_serial_number()
    {
        SimulatedFunction spare = SpareDrives.IntelNvme(0x1122_3344_5566_7788);
        Assert.Equal(0UL, spare.GetBarAddress(0));
        Assert.Equal(16UL * 1024, spare.GetBarSize(0));
        Assert.Equal(0, spare.Command);
        Assert.True(NvmeEndpoint.TryGet(spare, out _));

        _slot4.HotAdd(spare);
        _time.Advance(Readiness);

        Assert.Equal(0x0A54_8086u, _cfg.Read32(Below(PortDBus, PciHeader.VendorId)));
        Assert.Equal(0x4u, _cfg.Read32(Below(PortDBus, PciHeader.BaseAddress0)));
        Assert.Equal(0u, _cfg.Read32(Below(PortDBus, PciHeader.BaseAddress(1))));
        Assert.Equal(0, _cfg.Read16(Below(PortDBus, PciHeader.Command)));
        Assert.Equal(0x5566_7788u, _cfg.Read32(Below(PortDBus, Dsn + 4)));
        Assert.Equal(0x1122_3344u, _cfg.Read32(Below(PortDBus, Dsn + 8)));
    }

    /// <summary>A VMD with one hot-plug root port that has a power controller (slot 7), a drive present as built.</summary>
    private static (SimulatedMachine Machine, IMmioRegion CfgBar, PciePort Slot) PoweredSlotMachine(TimeProvider time)
    {
        var builder = new MachineBuilder("t", "slot with a power controller") { TimeProvider = time };
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            Address = new PciAddress(0, 0x5D, 5, 5),
            DeviceId = 0x201D,
            CfgBarAddress = 0x10_0000_0000,
            MemBar1Address = 0x4000_0000,
            MemBar2Address = 0x20_0000_0000,
        });
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x2030,
            SecondaryBus = 1,
            SubordinateBus = 1,
            HotPlugCapable = true,
            PowerControllerPresent = true,
            PhysicalSlotNumber = 7,
            SubsystemCapabilityOffset = 0x40,
            MsiCapabilityOffset = Msi,
            PciExpressCapabilityOffset = Pcie,
            PowerManagementCapabilityOffset = 0xE0,
        });
        vmd.RootBus.Add(0, 0, port.Function);
        port.SecondaryBus.Add(0, 0, SpareDrives.IntelNvme(0x77));
        SimulatedMachine machine = builder.Build();
        IMmioRegion cfg = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        Assert.Same(port, machine.Vmds[0].FindSlot(7));
        return (machine, cfg, port);
    }
}
