using System;
using System.Collections.Generic;
using NSubstitute;
using Vmd.Core;
using Vmd.Core.HotPlug;
using Vmd.Enumeration.Functions;
using Vmd.Simulation.Devices;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>
/// (c) skylake-sp, empty slot 4 (root port 10000:00:03.0): a drive is inserted, processed, given an interrupt and removed
/// in order; the fault anywhere in that. Afterwards the domain must be as before the insertion.
/// </summary>
internal sealed class HotPlugScenario : FaultScenario
{
    private const int SlotNumber = 4;

    private readonly Dictionary<FaultRig, State> _states = [];

    public override string Name => "hot-plug insert+remove";

    public override string Machine => "skylake-sp";

    public override void Prepare(FaultRig rig)
    {
        if (rig.BringUp() is { } step)
        {
            throw new InvalidOperationException($"bring-up failed at {step} without a fault: {rig.Vmd.LastFailure}");
        }

        var state = new State
        {
            Regions = rig.Mapper.LiveRegions,
            Vectors = rig.Interrupts.LiveVectors,
            DecodedBytes = rig.Machine.Vmds[0].DecodedApertureBytes,
            Before = rig.Signature(),
        };
        rig.Vmd.HotPlug += state.Events.Add;
        if (!rig.Vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = false }))
        {
            throw new InvalidOperationException($"hot-plug could not be enabled without a fault: {rig.Vmd.LastFailure}");
        }

        _states[rig] = state;
    }

    public override string? Run(FaultRig rig)
    {
        State state = _states[rig];
        lock (rig.Machine.SyncRoot)
        {
            rig.Machine.Vmds[0].FindSlot(SlotNumber)!.HotAdd(SpareDrives.IntelNvme(0x5A5A));
        }

        return InsertAndRemove(rig, state);
    }

    public override string? CheckDefinedState(FaultRig rig, string? failed)
    {
        State state = _states[rig];
        if (rig.Vmd.State != VmdState.InterruptsRouted)
        {
            return $"hot-plug changed the state to {rig.Vmd.State}";
        }

        if (failed is null)
        {
            return LeftAsBefore(rig, state);
        }

        // A failed removal names step HotPlug; a failed insertion is an InsertionFailed event with its reason, and a fault
        // that hid the slot's event leaves the domain as it was (the drive is found when the slot signals again).
        if (failed == "HotPlug (removal)" && rig.Vmd.LastFailure?.Step != VmdStep.HotPlug)
        {
            return $"{failed} without LastFailure naming HotPlug ({rig.Vmd.LastFailure})";
        }

        // Whatever failed, what is listed must be consistent and what is not listed must not decode or hold anything.
        // While the host port is dead every function reads all-ones, which is what a surprise removal looks like, so
        // drives in other slots may be dropped too: the domain must be as before once the port is back (Retry).
        return Consistency.Check(rig.Vmd) ?? rig.Leaks() ?? (state.Drive is null && !rig.Injector.IsPortDown ? LeftAsBefore(rig, state) : null);
    }

    public override string? Retry(FaultRig rig, string? failed, string expected, out bool fromScratch)
    {
        fromScratch = false;
        State state = _states[rig];
        if (state.Events.Exists(e => e.Kind == HotPlugEventKind.SurpriseRemoved))
        {
            // Removals seen while the host port was dead: with the port back, the documented recovery is to process the
            // slots again, which inserts every card still seated (the one under test included).
            state.Events.Clear();
            rig.Vmd.ProcessHotPlugEvents();
            foreach (HotPlugEvent e in state.Events)
            {
                if (e.Kind == HotPlugEventKind.Inserted && e.PhysicalSlotNumber == SlotNumber && e.Functions.Count > 0)
                {
                    state.Drive = e.Functions[0];
                }
            }
        }

        if (state.Drive is { } listed && Listed(rig, listed))
        {
            // Inserted but not removed: retry the removal.
            if (!rig.Vmd.TryRemoveDevice(listed))
            {
                return $"retried removal failed: {rig.Vmd.LastFailure}";
            }

            state.Drive = null;
        }

        string? left = LeftAsBefore(rig, state);
        if (left is not null)
        {
            return "after the retried removal: " + left;
        }

        if (state.Removed && failed != "RouteInterrupts (attach)")
        {
            return null;
        }

        // The insertion failed, or it completed but the drive could not be given its interrupt (a fault while it was
        // sized or its MSI-X table was read leaves it listed without resources, which the removal above took away):
        // the documented retry is to re-seat the drive (presence changes again) and process.
        fromScratch = true;
        lock (rig.Machine.SyncRoot)
        {
            rig.Machine.Vmds[0].FindSlot(SlotNumber)!.HotRemove();
        }

        rig.Vmd.ProcessHotPlugEvents();
        lock (rig.Machine.SyncRoot)
        {
            rig.Machine.Vmds[0].FindSlot(SlotNumber)!.HotAdd(SpareDrives.IntelNvme(0x5A5B));
        }

        return InsertAndRemove(rig, state);
    }

    public override string Result(FaultRig rig)
    {
        State state = _states[rig];
        return rig.Signature() + "inserted drive BAR0 " + state.DriveBar0.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? InsertAndRemove(FaultRig rig, State state)
    {
        state.Events.Clear();
        rig.Vmd.ProcessHotPlugEvents();
        HotPlugEvent? inserted = state.Events.Find(e => e.Kind == HotPlugEventKind.Inserted);
        if (inserted is null || inserted.Functions.Count == 0)
        {
            HotPlugEvent? other = state.Events.Count > 0 ? state.Events[0] : null;
            return other is null ? "HotPlug (no event)" : "HotPlug " + other.Kind;
        }

        PciAddress drive = inserted.Functions[0];
        state.Drive = drive;
        PciFunction? function = Find(rig, drive);
        if (function is null)
        {
            return "HotPlug (inserted drive not listed)";
        }

        state.DriveBar0 = function.BarCount > 0 ? function.GetBarCpuAddress(0) : 0;
        IInterruptSink sink = Substitute.For<IInterruptSink>();
        bool attached = rig.Vmd.TryAttachInterrupt(drive, 0, sink, 1, out _);
        if (!attached && rig.Vmd.LastFailure?.Step != VmdStep.RouteInterrupts)
        {
            return "RouteInterrupts (attach failed without LastFailure)";
        }

        if (!rig.Vmd.TryRemoveDevice(drive))
        {
            return "HotPlug (removal)";
        }

        state.Drive = null;
        state.Removed = true;
        return attached ? null : "RouteInterrupts (attach)";
    }

    private static string? LeftAsBefore(FaultRig rig, State state)
    {
        if (rig.Mapper.LiveRegions != state.Regions || rig.Interrupts.LiveVectors != state.Vectors)
        {
            return $"regions {rig.Mapper.LiveRegions} (before {state.Regions}), vectors {rig.Interrupts.LiveVectors} (before {state.Vectors})";
        }

        ulong decoded = rig.Machine.Vmds[0].DecodedApertureBytes;
        if (decoded != state.DecodedBytes)
        {
            return $"{decoded:x} bytes of aperture decoded, {state.DecodedBytes:x} before the insertion";
        }

        string now = rig.Signature();
        return now == state.Before ? null : "domain differs from before the insertion:\n" + now + "before:\n" + state.Before;
    }

    private static bool Listed(FaultRig rig, PciAddress address) => Find(rig, address) is not null;

    private static PciFunction? Find(FaultRig rig, PciAddress address)
    {
        foreach (PciFunction function in rig.Vmd.Functions)
        {
            if (function.Address == address)
            {
                return function;
            }
        }

        return null;
    }

    private sealed class State
    {
        public long Regions { get; init; }

        public long Vectors { get; init; }

        public ulong DecodedBytes { get; init; }

        public required string Before { get; init; }

        public List<HotPlugEvent> Events { get; } = [];

        public PciAddress? Drive { get; set; }

        public ulong DriveBar0 { get; set; }

        public bool Removed { get; set; }
    }
}
