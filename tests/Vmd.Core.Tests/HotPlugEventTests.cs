using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core.HotPlug;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Step 6: how slot events reach the library (interrupt or polling), debounce, failed insertions, other machines.</summary>
public sealed class HotPlugEventTests
{
    private static readonly PciAddress PortD = PciAddress.Parse("10000:00:03.0");

    private static PciFunction Find(VmdController vmd, PciAddress address) => TestDrives.Find(vmd, address);

    private static VmdSlot Slot(VmdController vmd, PciAddress port)
    {
        foreach (VmdSlot slot in vmd.Slots)
        {
            if (slot.Port == port)
            {
                return slot;
            }
        }

        throw new Xunit.Sdk.XunitException($"{port} is not a slot");
    }

    [Fact]
    public void A_slot_event_arrives_through_the_ports_own_remapped_interrupt_and_asks_for_work()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp", time);
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: new VmdHostOptions { TimeProvider = time });
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts));
        int requests = 0;
        Assert.True(vmd.TryEnableHotPlug(new HotPlugOptions { WorkRequested = () => Interlocked.Increment(ref requests) }));
        VmdSlot slot = Slot(vmd, PortD);
        Assert.True(slot.InterruptDriven);
        long remappedBefore = machine.Counters.MessagesRemapped;

        machine.Vmds[0].FindSlot(4)!.HotAdd(SpareDrives.IntelNvme(0x77));

        Assert.True(slot.Interrupts >= 1, "presence detect changed must raise the port's interrupt");
        Assert.True(requests >= 1);
        Assert.True(machine.Counters.MessagesRemapped > remappedBefore, "the port's message goes through the VMD's remapping");
        Assert.Equal(1, vmd.ProcessHotPlugEvents());
        Assert.True(Slot(vmd, PortD).Occupied);
    }

    [Fact]
    public void Polled_slots_get_no_interrupt_enable_and_are_found_by_processing()
    {
        var (machine, vmd, events) = HotPlugTests.Routed(interrupts: false);
        ushort control = machine.Vmds[0].FindSlot(4)!.Function.Read16(0x90 + PciExpressCapability.SlotControl);

        Assert.Equal(0, control & PciExpressSlot.HotPlugInterruptEnable);
        Assert.NotEqual(0, control & PciExpressSlot.PresenceDetectChangedEnable);
        Assert.False(Slot(vmd, PortD).InterruptDriven);
        machine.Vmds[0].FindSlot(4)!.HotAdd(SpareDrives.IntelNvme(0x78));
        Assert.Equal(0, Slot(vmd, PortD).Interrupts);
        Assert.Equal(1, vmd.ProcessHotPlugEvents());
        Assert.Equal(HotPlugEventKind.Inserted, Assert.Single(events).Kind);
    }

    [Fact]
    public void Presence_bouncing_while_a_drive_is_seated_gives_one_insertion()
    {
        var (machine, vmd, events) = HotPlugTests.Routed(interrupts: true);
        PciePort slot = machine.Vmds[0].FindSlot(4)!;

        slot.HotAdd(SpareDrives.IntelNvme(0x79), bounces: 4, bounceInterval: TimeSpan.FromMilliseconds(3));
        int raised = 0;
        for (int i = 0; i < 5; i++)
        {
            raised += vmd.ProcessHotPlugEvents(); // however often the host asks, one insertion
        }

        Assert.Equal(1, raised);
        HotPlugEvent inserted = Assert.Single(events);
        Assert.Equal(HotPlugEventKind.Inserted, inserted.Kind);
        Assert.Single(inserted.Functions);
    }

    [Fact]
    public void A_drive_that_never_answers_fails_the_insertion_and_leaves_the_slot_empty()
    {
        var (machine, vmd, events) = HotPlugTests.Routed();
        ulong fingerprint = vmd.Fingerprint;
        SimulatedFunction drive = SpareDrives.IntelNvme(0x7A);
        drive.ReadinessTime = TimeSpan.FromSeconds(5); // longer than the 1 s the specification allows

        machine.Vmds[0].FindSlot(4)!.HotAdd(drive);
        long start = machine.TimeProvider.GetTimestamp();
        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        HotPlugEvent failed = Assert.Single(events);
        Assert.Equal(HotPlugEventKind.InsertionFailed, failed.Kind);
        Assert.Contains("NotResponding", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(failed.Functions);
        Assert.False(Slot(vmd, PortD).Occupied);
        Assert.Equal(fingerprint, vmd.Fingerprint);
        TimeSpan waited = machine.TimeProvider.GetElapsedTime(start);
        Assert.InRange(waited, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5));
    }

    [Fact]
    public void A_drive_gone_without_any_event_is_found_by_its_all_ones_reads()
    {
        var (machine, vmd, events) = HotPlugTests.Routed();
        PciePort slot = machine.Vmds[0].FindSlot(3)!;
        Assert.True(slot.HotRemove());

        // Firmware or another agent cleared the events: only the all-ones reads are left to notice.
        slot.Function.Write16(0x90 + PciExpressCapability.SlotStatus, PciExpressSlot.StatusEventBits);
        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        Assert.Equal(HotPlugEventKind.SurpriseRemoved, Assert.Single(events).Kind);
    }

    [Fact]
    public void Icelake_sp_empty_slot_takes_a_drive_inside_its_window()
    {
        var (machine, vmd, events) = HotPlugTests.Routed(name: "icelake-sp");
        VmdSlot empty = Assert.Single(vmd.Slots, s => !s.Occupied);
        PciFunction port = Find(vmd, empty.Port);

        machine.Vmds[0].FindSlot(empty.PhysicalSlotNumber)!.HotAdd(SpareDrives.IntelNvme(0x7B));
        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        PciFunction drive = Find(vmd, Assert.Single(Assert.Single(events).Functions));
        Assert.True(drive.Assigned);
        Assert.True(port.Bridge.Memory.Contains(drive.Bars[0].Address, drive.Bars[0].Size));
        DomainInvariants.Check(vmd);
        Assert.True(vmd.TryRemoveDevice(drive.Address));
    }

    [Fact]
    public void A_slot_on_the_second_root_bus_assigns_inside_that_root_bus_part()
    {
        // arrowlake-s-like: a hot-plug root port on root bus 80 (primary hard-wired to 80) with an empty slot.
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        var builder = new MachineBuilder("arrowlake-hotplug", "second root bus with an empty hot-plug slot") { TimeProvider = time };
        SimulatedVmd simulated = builder.AddVmd(new VmdOptions
        {
            DeviceId = 0xAD0B, VmCap = 1, VmConfig = 3u << 8,
            CfgBarAddress = TestMachines.CfgBar, MemBar1Address = TestMachines.MemBar1, MemBar1Size = 32UL << 20,
            MemBar2Address = TestMachines.MemBar2, MemBar2Size = 16UL << 20,
            HasSecondRootBus = true, BusRange0 = 0x0F00, BusRange1 = 0x1F10, MemBar1Bus1Offset = 16u << 20, MemBar2Bus1Offset = 8UL << 20,
        });
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x7F3C,
            HardWiredPrimaryBus = 0x80,
            HotPlugCapable = true,
            PhysicalSlotNumber = 9,
            DataLinkLayerActiveReporting = true,
        });
        simulated.SecondRootBus!.Add(0x1C, 0, port.Function);
        SimulatedMachine machine = builder.Build();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: new VmdHostOptions { TimeProvider = time });
        var events = new List<HotPlugEvent>();
        vmd.HotPlug += events.Add;
        Assert.True(vmd.TryEnableHotPlug());

        port.HotAdd(SpareDrives.IntelNvme(0x7C));
        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        PciFunction drive = Find(vmd, Assert.Single(Assert.Single(events).Functions));
        Assert.Equal(0x81, drive.Address.Bus);
        VmdRootBus second = vmd.SecondRootBus!;
        ulong bar0 = drive.GetBarCpuAddress(0);
        Aperture part = second.MemBar1Aperture;
        Assert.True(bar0 >= part.CpuBase && bar0 + drive.Bars[0].Size <= part.CpuBase + part.Length, $"BAR0 {bar0:x} outside root bus 1's MEMBAR1 part");
        DomainInvariants.Check(vmd);
    }

    [Fact]
    public void After_a_domain_reset_slot_interrupts_and_insertion_still_work()
    {
        var (machine, vmd, events) = HotPlugTests.Routed(interrupts: true);
        ulong fingerprint = vmd.Fingerprint;

        Assert.True(vmd.Reset().Restored);
        Assert.Equal(0, vmd.ProcessHotPlugEvents()); // the resets' link events find every drive still there
        Assert.Equal(fingerprint, vmd.Fingerprint);
        long interrupts = Slot(vmd, PortD).Interrupts;
        machine.Vmds[0].FindSlot(4)!.HotAdd(SpareDrives.IntelNvme(0x7D));

        Assert.True(Slot(vmd, PortD).Interrupts > interrupts, "the slot's interrupt was re-attached by the reset");
        Assert.Equal(1, vmd.ProcessHotPlugEvents());
        Assert.Equal(HotPlugEventKind.Inserted, Assert.Single(events).Kind);
    }

    [Fact]
    public void An_orderly_removal_powers_a_slot_off_and_the_next_insertion_powers_it_on()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        var builder = new MachineBuilder("powered-slot", "a client VMD with a power-controlled hot-plug slot") { TimeProvider = time };
        SimulatedVmd simulated = builder.AddVmd(TestMachines.Client());
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x9A09,
            HardWiredPrimaryBus = 0,
            HotPlugCapable = true,
            PowerControllerPresent = true,
            PhysicalSlotNumber = 5,
        });
        simulated.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, SpareDrives.IntelNvme(0x7E));
        SimulatedMachine machine = builder.Build();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: new VmdHostOptions { TimeProvider = time });
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts));
        var events = new List<HotPlugEvent>();
        vmd.HotPlug += events.Add;
        Assert.True(vmd.TryEnableHotPlug());
        VmdSlot slot = Assert.Single(vmd.Slots);
        Assert.True(slot.PowerController);
        Assert.True(port.IsSlotPowered);

        Assert.True(vmd.TryRemoveDevice(slot.Port));
        Assert.False(port.IsSlotPowered); // Slot Control bit 10 set: the card may be pulled
        port.HotRemove();
        vmd.ProcessHotPlugEvents();

        port.HotAdd(SpareDrives.IntelNvme(0x7F));
        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        Assert.True(port.IsSlotPowered);
        Assert.Equal([HotPlugEventKind.Removing, HotPlugEventKind.Removed, HotPlugEventKind.Inserted], events.ConvertAll(e => e.Kind));
        Assert.True(TestDrives.Identify(machine, vmd, Find(vmd, Assert.Single(events[^1].Functions))).Completed);
    }
}
