using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Vmd.Core.Diagnostics;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.HotPlug;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Step 6 on <c>skylake-sp</c>: insertion into an empty slot, orderly and surprise removal, LEDs.</summary>
public sealed class HotPlugTests
{
    // skylake-sp: root port D (10000:00:03.0, physical slot 4) is empty; root port C (00:02.0, slot 3) holds a drive.
    private static readonly PciAddress PortD = PciAddress.Parse("10000:00:03.0");
    private static readonly PciAddress PortC = PciAddress.Parse("10000:00:02.0");

    internal static (SimulatedMachine Machine, VmdController Vmd, List<HotPlugEvent> Events) Routed(bool interrupts = false, string name = "skylake-sp")
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        SimulatedMachine machine = MachineCatalog.Create(name, time);
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: new VmdHostOptions { TimeProvider = time });
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());
        var events = new List<HotPlugEvent>();
        vmd.HotPlug += events.Add;
        Assert.True(vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = interrupts }), vmd.LastFailure?.ToString());
        return (machine, vmd, events);
    }

    internal static PciePort SimPort(SimulatedMachine machine, int device)
    {
        Assert.True(PciePort.TryGet(machine.Vmds[0].RootBus.Get(device, 0)!, out PciePort? port));
        return port;
    }

    internal static SimulatedFunction SpareDrive(ulong serial = 0x5350_4152_4501) =>
        new NvmeEndpoint(new NvmeOptions { VendorId = 0x8086, DeviceId = 0x0A54, SerialNumber = serial, Command = 0 }).Function;

    private static PciFunction Find(VmdController vmd, PciAddress address) => TestDrives.Find(vmd, address);

    private static IdentifyResult Identify(SimulatedMachine machine, VmdController vmd, PciFunction drive) => TestDrives.Identify(machine, vmd, drive);

    [Fact]
    public void Slots_are_the_hot_plug_capable_ports_with_their_capabilities()
    {
        var (_, vmd, _) = Routed();

        IReadOnlyList<VmdSlot> slots = vmd.Slots;

        Assert.Contains(slots, s => s.Port == PortD && s.PhysicalSlotNumber == 4 && !s.Occupied);
        Assert.Contains(slots, s => s.Port == PortC && s.PhysicalSlotNumber == 3 && s.Occupied);
        Assert.All(slots, s => Assert.True(vmd.TryGetSlotLed(s.Port, out _)));
    }

    [Fact]
    public void Insertion_into_an_empty_slot_enumerates_only_that_slot_inside_its_reserve_and_the_drive_works()
    {
        var (machine, vmd, events) = Routed();
        PciFunction port = Find(vmd, PortD);
        (byte secondary, byte subordinate) = (port.Bridge.Secondary, port.Bridge.Subordinate);
        MemoryWindow window = port.Bridge.Memory;
        var others = new Dictionary<PciAddress, ulong>();
        foreach (PciFunction function in vmd.Functions)
        {
            others[function.Address] = function.BarCount > 0 ? function.GetBarCpuAddress(0) : 0;
        }

        lock (machine.SyncRoot)
        {
            SimPort(machine, 3).HotAdd(SpareDrive());
        }

        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        HotPlugEvent inserted = Assert.Single(events);
        Assert.Equal(HotPlugEventKind.Inserted, inserted.Kind);
        Assert.Equal(PortD, inserted.Slot);
        var drive = new PciAddress(vmd.Endpoint.Domain, secondary, 0, 0);
        Assert.Equal([drive], inserted.Functions);
        PciFunction added = Find(vmd, drive);
        Assert.True(added.Assigned, added.Issues.ToString());
        Assert.True(window.Contains(added.Bars[0].Address, added.Bars[0].Size), $"BAR0 {added.Bars[0].Address:x} outside the slot's window {window.Base:x}-{window.Limit:x}");
        Assert.Equal((secondary, subordinate), (Find(vmd, PortD).Bridge.Secondary, Find(vmd, PortD).Bridge.Subordinate));
        foreach (KeyValuePair<PciAddress, ulong> before in others)
        {
            PciFunction function = Find(vmd, before.Key);
            Assert.Equal(before.Value, function.BarCount > 0 ? function.GetBarCpuAddress(0) : 0);
        }

        DomainInvariants.Check(vmd);
        IdentifyResult result = Identify(machine, vmd, added);
        Assert.True(result.Passed, $"{drive}: {result.Error}");
        Assert.True(vmd.Rescan(), "a re-scan after the insertion must find the domain unchanged");
    }

    [Fact]
    public void Orderly_removal_tells_the_host_first_and_gives_everything_back()
    {
        var (machine, vmd, events) = Routed();
        ulong fingerprint = vmd.Fingerprint;
        int functions = vmd.Functions.Length;
        lock (machine.SyncRoot)
        {
            SimPort(machine, 3).HotAdd(SpareDrive());
        }

        vmd.ProcessHotPlugEvents();
        PciAddress drive = events[0].Functions[0];
        var sink = NSubstitute.Substitute.For<IInterruptSink>();
        Assert.True(vmd.TryAttachInterrupt(drive, 0, sink, 7, out ChildInterrupt? route));
        int usersWithDrive = vmd.Vectors!.TotalUsers;
        bool routeAliveAtRemoving = false;
        vmd.HotPlug += e =>
        {
            if (e.Kind == HotPlugEventKind.Removing)
            {
                routeAliveAtRemoving = !route.Detached;
            }
        };

        Assert.True(vmd.TryRemoveDevice(drive));

        Assert.Equal([HotPlugEventKind.Inserted, HotPlugEventKind.Removing, HotPlugEventKind.Removed], events.ConvertAll(e => e.Kind));
        Assert.True(routeAliveAtRemoving, "the host must hear of the removal before its interrupt is taken away");
        Assert.True(route.Detached);
        Assert.Equal(usersWithDrive - 1, vmd.Vectors.TotalUsers);
        Assert.Equal(functions, vmd.Functions.Length);
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.DoesNotContain(vmd.InterruptRoutes, r => r.Function == drive);
        Assert.False(vmd.TryRemoveDevice(PortD));
        Assert.Contains("empty", vmd.LastFailure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Surprise_removal_is_detected_without_waiting_and_the_handler_never_runs_again()
    {
        var (machine, vmd, events) = Routed();
        PciAddress drive = new(vmd.Endpoint.Domain, Find(vmd, PortC).Bridge.Secondary, 0, 0);
        var sink = NSubstitute.Substitute.For<IInterruptSink>();
        Assert.True(vmd.TryAttachInterrupt(drive, 0, sink, 3, out ChildInterrupt? route));
        long before = machine.TimeProvider.GetTimestamp();

        lock (machine.SyncRoot)
        {
            Assert.True(SimPort(machine, 2).HotRemove());
        }

        Assert.Equal(1, vmd.ProcessHotPlugEvents());

        HotPlugEvent removed = Assert.Single(events);
        Assert.Equal(HotPlugEventKind.SurpriseRemoved, removed.Kind);
        Assert.Equal([drive], removed.Functions);
        Assert.True(route.Detached);
        Assert.DoesNotContain(vmd.Functions.ToArray(), f => f.Address == drive);
        Assert.True(machine.TimeProvider.GetElapsedTime(before) < TimeSpan.FromMilliseconds(500), "no wait on a device that is gone beyond the debounce");
        sink.ClearReceivedCalls();
        vmd.Dispatcher!.Dispatch(route.VmdVector);
        sink.DidNotReceive().OnInterrupt(3);
    }

    [Fact]
    public void Polling_without_events_changes_nothing()
    {
        var (_, vmd, events) = Routed();
        ulong fingerprint = vmd.Fingerprint;

        Assert.Equal(0, vmd.ProcessHotPlugEvents());
        Assert.Equal(0, vmd.ProcessHotPlugEvents());

        Assert.Empty(events);
        Assert.Equal(fingerprint, vmd.Fingerprint);
    }

    [Theory]
    [InlineData(SlotLedState.Off, 0b11, 0b11)]
    [InlineData(SlotLedState.Identify, 0b11, 0b01)]
    [InlineData(SlotLedState.Fault, 0b01, 0b11)]
    [InlineData(SlotLedState.Rebuild, 0b01, 0b01)]
    public void Led_states_set_the_indicator_controls_and_read_back(SlotLedState state, int attention, int power)
    {
        var (machine, vmd, _) = Routed();
        PciAddress drive = new(vmd.Endpoint.Domain, Find(vmd, PortC).Bridge.Secondary, 0, 0);

        Assert.True(vmd.TrySetSlotLed(drive, state), vmd.LastFailure?.ToString());

        ushort control = SimPort(machine, 2).Function.Read16((ushort)(0x90 + PciExpressCapability.SlotControl));
        Assert.Equal(attention, (control >> 6) & 3);
        Assert.Equal(power, (control >> 8) & 3);
        Assert.True(vmd.TryGetSlotLed(PortC, out SlotLedState now));
        Assert.Equal(state, now);
    }

    [Fact]
    public void An_empty_slot_can_be_identified_and_a_function_outside_every_slot_is_refused()
    {
        var (_, vmd, _) = Routed();

        Assert.True(vmd.TrySetSlotLed(PortD, SlotLedState.Identify), vmd.LastFailure?.ToString());
        Assert.False(vmd.TrySetSlotLed(PciAddress.Parse("10000:00:1f.0"), SlotLedState.Fault));
        Assert.Equal(VmdError.Absent, vmd.LastFailure!.Error);
        Assert.Throws<ArgumentOutOfRangeException>(() => vmd.TrySetSlotLed(PortD, SlotLedState.Unknown));
    }
}
