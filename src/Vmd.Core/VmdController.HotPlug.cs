using System;
using System.Collections.Generic;
using Vmd.Core.HotPlug;
using Vmd.Core.Identification;
using Vmd.Core.Interrupts;
using Vmd.Core.Logging;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.HotPlug;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Walk;
using Vmd.Interrupts.Msix;
using Vmd.Registers;

namespace Vmd.Core;

/// <summary>Step 6: hot-plug slots — insertion, orderly and surprise removal, debounce, slot LEDs.</summary>
public sealed partial class VmdController
{
    private const ushort SlotEvents = PciExpressSlot.PresenceDetectChanged | PciExpressSlot.DataLinkLayerStateChanged
        | PciExpressSlot.AttentionButtonPressed | PciExpressSlot.PowerFaultDetected | PciExpressSlot.MrlSensorChanged;

    private const ushort EventEnables = PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.DataLinkLayerStateChangedEnable
        | PciExpressSlot.HotPlugInterruptEnable | PciExpressSlot.CommandCompletedInterruptEnable;

    private readonly List<VmdSlot> _slots = [];
    private HotPlugOptions? _hotPlugOptions;

    /// <summary>
    /// Raised for every insertion, removal and failed insertion, on the thread that runs <see cref="ProcessHotPlugEvents"/>
    /// or <see cref="TryRemoveDevice"/>, under the controller's lock (a handler may call the controller again, e.g.
    /// <see cref="TryAttachInterrupt"/> for an inserted drive).
    /// </summary>
    public event Action<HotPlugEvent>? HotPlug;

    /// <summary>The domain's hot-plug-capable slots, once enumerated (root and switch downstream ports whose slot says so).</summary>
    public IReadOnlyList<VmdSlot> Slots
    {
        get
        {
            lock (_gate)
            {
                RefreshSlots();
                return _slots.ToArray();
            }
        }
    }

    /// <summary>True after <see cref="TryEnableHotPlug"/> until the domain is unmapped.</summary>
    public bool HotPlugEnabled => _hotPlugOptions is not null;

    /// <summary>
    /// Enables hot-plug on every capable slot: clears stale events, turns on Presence Detect Changed and (when the port
    /// reports link state) Data Link Layer State Changed, and, when interrupts are routed and
    /// <see cref="HotPlugOptions.UseInterrupts"/> is set, attaches each port's own interrupt and sets Hot-Plug Interrupt
    /// Enable; otherwise the host polls with <see cref="ProcessHotPlugEvents"/>. Command Completed is waited for, never
    /// taken as an interrupt.
    /// </summary>
    /// <returns>False, with <see cref="LastFailure"/>, when a slot did not complete its command within 1 s (the others are enabled).</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool TryEnableHotPlug(HotPlugOptions? options = null)
    {
        lock (_gate)
        {
            RequireEnumerated("EnableHotPlug");
            LastFailure = null;
            _hotPlugOptions = options ?? new HotPlugOptions();
            RefreshSlots();
            bool allCompleted = true;
            for (int i = 0; i < _slots.Count; i++)
            {
                VmdSlot slot = _slots[i];
                HotPlugPort port = PortOf(slot);
                port.ClearEvents(SlotEvents);
                bool interrupt = _hotPlugOptions.UseInterrupts && State == VmdState.InterruptsRouted
                    && RoutingMode != InterruptRoutingMode.Polling && AttachSlotInterrupt(slot);
                slot.InterruptDriven = interrupt;
                ushort enables = (ushort)(PciExpressSlot.PresenceDetectChangedEnable
                    | (slot.LinkActiveReporting ? PciExpressSlot.DataLinkLayerStateChangedEnable : 0)
                    | (interrupt ? PciExpressSlot.HotPlugInterruptEnable : 0));
                if (!port.TryCommand(EventEnables, enables, _options.TimeProvider))
                {
                    allCompleted = false;
                    Log.SlotCommandTimeout(_logger, Endpoint.Address, slot.Port, slot.PhysicalSlotNumber);
                }

                slot.Led = SlotLeds.Decode(port.ReadControl());
            }

            Log.HotPlugEnabled(_logger, Endpoint.Address, _slots.Count);
            return allCompleted || FailStep(VmdStep.HotPlug, VmdError.Timeout, "a slot did not complete its Slot Control command within 1 s");
        }
    }

    /// <summary>
    /// Handles what the slots report: for each slot that signalled (or every slot, when polled) reads Slot Status, clears
    /// the events, waits for presence to settle (<see cref="HotPlugOptions.Debounce"/>), and then inserts (waits for the
    /// link and the device within the PCIe limits, enumerates only that slot's subtree inside the bus numbers and window
    /// the slot was given, assigns it, raises <see cref="HotPlugEventKind.Inserted"/>) or removes by surprise (all-ones,
    /// link down or presence gone: routes detached, nothing written to the gone device, nothing waited for). Blocks for up
    /// to a few seconds per slot; never call it in interrupt context.
    /// </summary>
    /// <returns>The number of events raised.</returns>
    /// <exception cref="InvalidOperationException">Hot-plug is not enabled.</exception>
    public int ProcessHotPlugEvents()
    {
        lock (_gate)
        {
            if (_hotPlugOptions is null || State < VmdState.Enumerated)
            {
                throw new InvalidOperationException($"ProcessHotPlugEvents needs hot-plug enabled; VMD {Endpoint.Address} is {State}.");
            }

            RefreshSlots();
            int raised = 0;
            foreach (VmdSlot slot in _slots.ToArray())
            {
                raised += HandleSlot(slot);
            }

            return raised;
        }
    }

    /// <summary>
    /// Orderly removal of the card in the slot that holds <paramref name="address"/> (the slot's port or any function
    /// below it): raises <see cref="HotPlugEventKind.Removing"/> first, then detaches and frees every interrupt of the
    /// functions below, turns their decode off, drops them from the list (their bus numbers and window space go back to the
    /// slot), powers the slot off when it has a power controller, and raises <see cref="HotPlugEventKind.Removed"/>.
    /// </summary>
    /// <returns>False, with <see cref="LastFailure"/>, when the address is not in a slot or the slot is empty.</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool TryRemoveDevice(PciAddress address)
    {
        lock (_gate)
        {
            RequireEnumerated("RemoveDevice");
            LastFailure = null;
            RefreshSlots();
            if (!TryFindSlot(address, out VmdSlot? slot))
            {
                return FailStep(VmdStep.HotPlug, VmdError.Absent, $"{address} is not a hot-plug slot of domain {Endpoint.Domain:x} nor below one");
            }

            if (!slot.Occupied)
            {
                return FailStep(VmdStep.HotPlug, VmdError.Absent, $"slot {slot.PhysicalSlotNumber} ({slot.Port}) is empty");
            }

            RemoveCore(slot, surprise: false, out string? stillDecoding);
            return stillDecoding is null
                || FailStep(VmdStep.HotPlug, VmdError.AllOnes, $"{stillDecoding} did not confirm its decode off (Command read back all-ones or still decoding); it stays listed without interrupts or mappings — remove it again");
        }
    }

    /// <summary>
    /// Sets the LED of the slot that holds <paramref name="address"/> (a slot's port — an empty slot can be identified —
    /// or a function below one): Slot Control bits 9:6 by read-modify-write, the command waited for, then read back and
    /// remembered. The states and their indicator combinations are VMD's (<see cref="SlotLedState"/>).
    /// </summary>
    /// <returns>False, with <see cref="LastFailure"/>, when there is no such slot, it has no indicators, or the read-back differs.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is <see cref="SlotLedState.Unknown"/>.</exception>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool TrySetSlotLed(PciAddress address, SlotLedState state)
    {
        ushort bits = SlotLeds.Encode(state);
        lock (_gate)
        {
            RequireEnumerated("SetSlotLed");
            LastFailure = null;
            RefreshSlots();
            if (!TryFindSlot(address, out VmdSlot? slot))
            {
                return FailStep(VmdStep.HotPlug, VmdError.Absent, $"{address} is not a hot-plug slot of domain {Endpoint.Domain:x} nor below one");
            }

            if (!slot.AttentionIndicator || !slot.PowerIndicator)
            {
                return FailStep(VmdStep.HotPlug, VmdError.Unsupported, $"slot {slot.PhysicalSlotNumber} ({slot.Port}) lacks the attention or power indicator an LED state needs");
            }

            HotPlugPort port = PortOf(slot);
            bool completed = port.TryCommand(SlotLeds.ControlMask, bits, _options.TimeProvider);
            SlotLedState now = SlotLeds.Decode(port.ReadControl());
            slot.Led = now;
            if (!completed)
            {
                Log.SlotCommandTimeout(_logger, Endpoint.Address, slot.Port, slot.PhysicalSlotNumber);
            }

            if (now != state)
            {
                return FailStep(VmdStep.HotPlug, VmdError.Unsupported, $"slot {slot.PhysicalSlotNumber} ({slot.Port}) reads {SlotLeds.Name(now)} after setting {SlotLeds.Name(state)}");
            }

            Log.SlotLedSet(_logger, Endpoint.Address, slot.Port, SlotLeds.Name(state));
            return true;
        }
    }

    /// <summary>
    /// The LED state of the slot that holds <paramref name="address"/>: the value last set (or read when hot-plug was
    /// enabled), read from Slot Control the first time; <see cref="SlotLedState.Unknown"/> for a combination no state uses.
    /// </summary>
    /// <returns>False when the address is not in a slot.</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool TryGetSlotLed(PciAddress address, out SlotLedState state)
    {
        lock (_gate)
        {
            RequireEnumerated("GetSlotLed");
            RefreshSlots();
            state = SlotLedState.Unknown;
            if (!TryFindSlot(address, out VmdSlot? slot))
            {
                return false;
            }

            if (slot.Led == SlotLedState.Unknown)
            {
                slot.Led = SlotLeds.Decode(PortOf(slot).ReadControl());
            }

            state = slot.Led;
            return true;
        }
    }

    private int HandleSlot(VmdSlot slot)
    {
        PciFunction? record = FindFunction(slot.Port);
        if (record is null)
        {
            return 0;
        }

        var port = new HotPlugPort(_domain!, record);
        bool signalled = slot.TakePending();
        ushort status = port.ReadStatus();
        if (status == 0xFFFF)
        {
            // A port that is gone answers all-ones to every request, but one all-ones completion alone is no proof:
            // removing on it would drop a working drive that no later event brings back. Ask once more.
            status = port.ReadStatus();
        }

        if (status == 0xFFFF)
        {
            // The port itself stopped answering: whatever was below it is gone.
            return slot.Occupied ? RemoveCore(slot, surprise: true) : 0;
        }

        ushort events = (ushort)(status & SlotEvents);
        if (events == 0 && !signalled)
        {
            if (!slot.Occupied && slot.RecheckPresence)
            {
                return RecheckAfterSurpriseRemoval(slot, port, status);
            }

            // No event: a drive that vanished without one (a slot without presence change reporting) still reads all-ones.
            return slot.Occupied && !DeviceAnswers(record) ? RemoveCore(slot, surprise: true) : 0;
        }

        slot.RecheckPresence = false;
        port.ClearEvents(events);
        bool present = (events & PciExpressSlot.PresenceDetectChanged) != 0
            ? port.WaitForStablePresence(_options.TimeProvider, _hotPlugOptions!.Debounce, out _)
            : HotPlugPort.IsPresent(status);
        if (slot.Occupied)
        {
            bool gone = !present || (slot.LinkActiveReporting && !port.IsLinkActive()) || !DeviceAnswers(record);
            return gone ? RemoveCore(slot, surprise: true) : 0;
        }

        return present ? InsertCore(slot, port) : 0;
    }

    /// <summary>
    /// A slot emptied by a surprise removal and quiet since: when presence is still detected and device 0 below answers,
    /// the removal was the host port or the link failing for a while, not the card leaving, and no event will come to say
    /// so. The card is inserted again as if it had just been seated; an empty slot clears the mark.
    /// </summary>
    private int RecheckAfterSurpriseRemoval(VmdSlot slot, HotPlugPort port, ushort status)
    {
        if (!HotPlugPort.IsPresent(status))
        {
            slot.RecheckPresence = false;
            return 0;
        }

        if (!DeviceAnswers(port.Function))
        {
            return 0; // still gone, or still training: looked at again next time
        }

        slot.RecheckPresence = false;
        return InsertCore(slot, port);
    }

    private int InsertCore(VmdSlot slot, HotPlugPort port)
    {
        PciFunction record = port.Function;
        if (slot.PowerController && (port.ReadControl() & PciExpressSlot.PowerControllerControl) != 0)
        {
            // A slot powered off by an earlier orderly removal: power it on for the new card.
            port.TryCommand(PciExpressSlot.PowerControllerControl, 0, _options.TimeProvider);
        }

        ResetResult ready = port.WaitForDevice(_options.TimeProvider);
        if (!ready.Succeeded)
        {
            return RaiseFailed(slot, $"{ready.Function}: {ready.Outcome}");
        }

        long rejectedBefore = _domain!.RejectedAccesses;
        ReadOnlySpan<PciFunction> added = _enumerator!.EnumerateBelow(record);
        if (added.IsEmpty)
        {
            return RaiseFailed(slot, "nothing answered below the slot after its link came up");
        }

        if (!TryWindowAperture(record, out Aperture window))
        {
            _enumerator.RemoveBelow(record);
            return RaiseFailed(slot, $"{record.Address} has no memory window to give the new card (the slot had no reserve)");
        }

        _assigner!.AssignBelow(record, added, window);
        var addresses = new List<PciAddress>(added.Length);
        foreach (PciFunction function in added)
        {
            addresses.Add(function.Address);
            if ((Endpoint.Device.Features & VmdFeatures.BiosPmQuirk) != 0)
            {
                BiosPmQuirk.Apply(_domain, function, _options.TimeProvider);
            }

            if ((function.Issues & ~FunctionIssues.Informational) != FunctionIssues.None)
            {
                Log.FunctionIssue(_logger, Endpoint.Address, function.Address, IssueText.Describe(function.Issues & ~FunctionIssues.Informational));
            }
        }

        _enumerator.ComputeFingerprint();
        ReportRejected(rejectedBefore);
        slot.Occupied = true;
        addresses.Sort(static (a, b) => a.CompareTo(b));
        Log.SlotInserted(_logger, Endpoint.Address, slot.Port, slot.PhysicalSlotNumber, addresses.Count);
        Raise(new HotPlugEvent(HotPlugEventKind.Inserted, slot.Port, slot.PhysicalSlotNumber, addresses));
        return 1;
    }

    private int RemoveCore(VmdSlot slot, bool surprise) => RemoveCore(slot, surprise, out _);

    /// <param name="slot">The slot whose functions go.</param>
    /// <param name="surprise">True when the card is gone: nothing is written to it.</param>
    /// <param name="stillDecoding">
    /// An orderly removal stops before the list when a function did not confirm its decode off (the host port failing, a
    /// write lost twice): the function stays listed, its interrupts and mappings already released, so the host can remove
    /// it again and no window is handed to the next card while something may still answer in it. Null otherwise.
    /// </param>
    private int RemoveCore(VmdSlot slot, bool surprise, out string? stillDecoding)
    {
        stillDecoding = null;
        PciFunction? record = FindFunction(slot.Port);
        if (record is null)
        {
            return 0;
        }

        var below = new List<PciFunction>();
        foreach (PciFunction function in Functions)
        {
            if (DomainEnumerator.IsBelow(function, record))
            {
                below.Add(function);
            }
        }

        var addresses = new List<PciAddress>(below.Count);
        foreach (PciFunction function in below)
        {
            addresses.Add(function.Address);
        }

        addresses.Sort(static (a, b) => a.CompareTo(b));
        int raised = 0;
        if (!surprise)
        {
            // The host stops using the devices before anything is taken from under it.
            Raise(new HotPlugEvent(HotPlugEventKind.Removing, slot.Port, slot.PhysicalSlotNumber, addresses));
            raised++;
        }

        ReleaseFunctionInterrupts(addresses, quiet: surprise);
        if (!surprise)
        {
            // Deepest first: a bridge keeps forwarding until what is below it has stopped decoding.
            for (int i = below.Count - 1; i >= 0; i--)
            {
                if (!TurnOffDecode(below[i].Address))
                {
                    stillDecoding ??= below[i].Address.ToString();
                }
            }

            if (stillDecoding is not null)
            {
                return raised;
            }
        }

        _enumerator!.RemoveBelow(record);
        slot.Occupied = false;
        slot.RecheckPresence = surprise;
        if (!surprise && slot.PowerController)
        {
            PortOf(slot).TryCommand(PciExpressSlot.PowerControllerControl, PciExpressSlot.PowerControllerControl, _options.TimeProvider);
        }

        HotPlugEventKind kind = surprise ? HotPlugEventKind.SurpriseRemoved : HotPlugEventKind.Removed;
        Log.SlotRemoved(_logger, Endpoint.Address, slot.Port, slot.PhysicalSlotNumber, addresses.Count, surprise);
        Raise(new HotPlugEvent(kind, slot.Port, slot.PhysicalSlotNumber, addresses));
        return raised + 1;
    }

    /// <summary>
    /// Detaches every route of <paramref name="functions"/> (their handlers never run after this returns), forgets their
    /// MSI/MSI-X controllers and unmaps their BARs. With <paramref name="quiet"/> (surprise removal) nothing is written to
    /// the functions' config space: they are gone, and a write could only be dropped.
    /// </summary>
    private void ReleaseFunctionInterrupts(List<PciAddress> functions, bool quiet)
    {
        for (int i = _routes.Count - 1; i >= 0; i--)
        {
            ChildInterrupt route = _routes[i];
            if (functions.Contains(route.Function))
            {
                DetachCore(route);
                _routes.RemoveAt(i);
            }
        }

        foreach (PciAddress address in functions)
        {
            if (_childMsix.Remove(address, out MsixController? msix) && !quiet)
            {
                msix.Disable();
            }

            _childMsi.Remove(address);
            PciFunction? function = FindFunction(address);
            if (function is null)
            {
                continue;
            }

            for (int bar = 0; bar < function.BarCount; bar++)
            {
                ulong cpu = function.GetBarCpuAddress(bar);
                for (int r = _childRegions.Count - 1; cpu != 0 && r >= 0; r--)
                {
                    if (_childRegions[r].PhysicalAddress == cpu)
                    {
                        _mapper.Unmap(_childRegions[r]);
                        _childRegions.RemoveAt(r);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Clears Command on a function being removed in order and reads it back: a write lost on the way would leave the
    /// function decoding a window that is about to be handed to the next card, so a Command still decoding is written
    /// once more. False when it still decodes after that, or reads all-ones (gone, or the host port is failing: nothing
    /// says it stopped decoding).
    /// </summary>
    private bool TurnOffDecode(PciAddress function)
    {
        const ushort decode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.IoSpaceEnable | PciCommand.BusMasterEnable);
        _domain!.Write16(function, PciHeader.Command, 0);
        ushort command = _domain.Read16(function, PciHeader.Command);
        if (command == 0xFFFF)
        {
            command = _domain.Read16(function, PciHeader.Command); // one all-ones completion is no proof it is gone
        }

        if (command != 0xFFFF && (command & decode) != 0)
        {
            _domain.Write16(function, PciHeader.Command, 0);
            command = _domain.Read16(function, PciHeader.Command);
        }

        return command != 0xFFFF && (command & decode) == 0;
    }

    private bool DeviceAnswers(PciFunction port)
    {
        var below = new PciAddress(port.Address.Segment, port.Bridge.Secondary, 0, 0);
        ushort vendor = _domain!.Read16(below, PciHeader.VendorId);
        if (vendor is 0xFFFF or 0x0000)
        {
            // A gone device reads all-ones on every request; a single such completion must not remove a working drive.
            vendor = _domain.Read16(below, PciHeader.VendorId);
        }

        return vendor is not (0xFFFF or 0x0000);
    }

    /// <summary>The port's non-prefetchable window as an aperture: CPU range from the root aperture it lies in.</summary>
    private bool TryWindowAperture(PciFunction port, out Aperture window)
    {
        window = default;
        MemoryWindow memory = port.Bridge.Memory;
        if (!memory.IsEnabled)
        {
            return false;
        }

        foreach (VmdRootBus root in _rootBuses)
        {
            foreach (Aperture aperture in (ReadOnlySpan<Aperture>)[root.MemBar1Aperture, root.MemBar2Aperture])
            {
                if (aperture.Length != 0 && memory.Base >= aperture.BusBase && memory.Limit <= aperture.BusLimit)
                {
                    ulong length = memory.Limit - memory.Base + 1;
                    window = new Aperture($"{port.Address} window", unchecked(memory.Base + aperture.BusOffset), length, aperture.BusOffset);
                    return true;
                }
            }
        }

        return false;
    }

    private bool AttachSlotInterrupt(VmdSlot slot)
    {
        foreach (ChildInterrupt existing in _routes)
        {
            if (existing.Function == slot.Port && existing.Sink is SlotSink)
            {
                return true; // enabled before, or re-attached by a reset
            }
        }

        VmdFailure? before = LastFailure;
        if (TryAttachInterrupt(slot.Port, 0, new SlotSink(slot, this), 0, out _))
        {
            return true;
        }

        // No MSI/MSI-X on the port, or no vector: this slot is polled. Not a failure of the whole step.
        Log.SlotPolled(_logger, Endpoint.Address, slot.Port, LastFailure?.Message ?? "no interrupt");
        LastFailure = before;
        return false;
    }

    private void RefreshSlots()
    {
        if (_enumerator is null || State < VmdState.Enumerated)
        {
            _slots.Clear();
            return;
        }

        // Slots follow the device list: a re-enumeration (reset) or an inserted switch may add or drop some.
        var seen = new HashSet<PciAddress>();
        foreach (PciFunction function in Functions)
        {
            if (function.IsBridge && function.Express.IsDownstreamPort && function.Express.HotPlugCapable && function.Bridge.Secondary != 0)
            {
                seen.Add(function.Address);
                VmdSlot? slot = _slots.Find(s => s.Port == function.Address);
                if (slot is null)
                {
                    slot = new VmdSlot(new HotPlugPort(_domain!, function));
                    _slots.Add(slot);
                }

                slot.Occupied = HasChildren(function);
            }
        }

        _slots.RemoveAll(s => !seen.Contains(s.Port));
    }

    private bool TryFindSlot(PciAddress address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VmdSlot? slot)
    {
        slot = _slots.Find(s => s.Port == address);
        if (slot is not null)
        {
            return true;
        }

        // A function below a slot: the nearest port above it that is a slot.
        PciFunction? function = FindFunction(address);
        for (PciFunction? up = function?.Parent; up is not null; up = up.Parent)
        {
            slot = _slots.Find(s => s.Port == up.Address);
            if (slot is not null)
            {
                return true;
            }
        }

        return false;
    }

    private HotPlugPort PortOf(VmdSlot slot) => new(_domain!, FindFunction(slot.Port)!);

    private int RaiseFailed(VmdSlot slot, string reason)
    {
        Log.SlotInsertionFailed(_logger, Endpoint.Address, slot.Port, slot.PhysicalSlotNumber, reason);
        Raise(new HotPlugEvent(HotPlugEventKind.InsertionFailed, slot.Port, slot.PhysicalSlotNumber, Array.Empty<PciAddress>(), reason));
        return 1;
    }

    private void Raise(HotPlugEvent hotPlugEvent)
    {
        _counters.CountHotPlug(hotPlugEvent.Kind);
        PublishDevices(); // a handler of the event, on any thread, must find the list the event describes
        HotPlug?.Invoke(hotPlugEvent);
    }

    private void RequireEnumerated(string operation)
    {
        if (State < VmdState.Enumerated)
        {
            throw new InvalidOperationException($"{operation} needs state Enumerated; VMD {Endpoint.Address} is {State}.");
        }
    }

    /// <summary>Forgets the slots (the domain is being dropped; their routes go with every other route).</summary>
    private void ReleaseHotPlug()
    {
        _slots.Clear();
        _hotPlugOptions = null;
    }

    /// <summary>Receives one port's hot-plug interrupt: marks its slot and asks for work, nothing else (interrupt context).</summary>
    private sealed class SlotSink(VmdSlot slot, VmdController owner) : IInterruptSink
    {
        public void OnInterrupt(uint cookie)
        {
            slot.Signal();
            owner._hotPlugOptions?.WorkRequested?.Invoke();
            owner.RequestErrorWork(); // the port's one message also carries its error interrupts
        }
    }
}
