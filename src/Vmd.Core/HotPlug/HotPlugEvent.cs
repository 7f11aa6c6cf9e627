using System.Collections.Generic;

namespace Vmd.Core.HotPlug;

/// <summary>One hot-plug event of a VMD's slot, as the host's subscribers receive it.</summary>
public sealed class HotPlugEvent
{
    /// <summary>Creates an event.</summary>
    public HotPlugEvent(HotPlugEventKind kind, PciAddress slot, int physicalSlotNumber, IReadOnlyList<PciAddress> functions, string? reason = null)
    {
        Kind = kind;
        Slot = slot;
        PhysicalSlotNumber = physicalSlotNumber;
        Functions = functions;
        Reason = reason;
    }

    /// <summary>What happened.</summary>
    public HotPlugEventKind Kind { get; }

    /// <summary>The slot's port (a root or switch downstream port of the domain).</summary>
    public PciAddress Slot { get; }

    /// <summary>The slot's physical number (Slot Capabilities bits 31:19).</summary>
    public int PhysicalSlotNumber { get; }

    /// <summary>The functions added (Inserted) or removed (Removing, Removed, SurpriseRemoved), in address order.</summary>
    public IReadOnlyList<PciAddress> Functions { get; }

    /// <summary>Why an insertion failed, or null.</summary>
    public string? Reason { get; }
}
