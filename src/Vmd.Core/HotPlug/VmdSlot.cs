using System.Threading;
using Vmd.Enumeration.HotPlug;

namespace Vmd.Core.HotPlug;

/// <summary>A hot-plug-capable slot of a VMD's domain: its port, what the slot has, and the library's view of it.</summary>
public sealed class VmdSlot
{
    private int _pending;
    private long _interrupts;

    internal VmdSlot(HotPlugPort port)
    {
        Port = port.Address;
        PhysicalSlotNumber = port.PhysicalSlotNumber;
        AttentionIndicator = port.AttentionIndicator;
        PowerIndicator = port.PowerIndicator;
        PowerController = port.PowerController;
        Surprise = port.Surprise;
        LinkActiveReporting = port.LinkActiveReporting;
    }

    /// <summary>The slot's port.</summary>
    public PciAddress Port { get; }

    /// <summary>Slot Capabilities bits 31:19.</summary>
    public int PhysicalSlotNumber { get; }

    /// <summary>An attention indicator is present.</summary>
    public bool AttentionIndicator { get; }

    /// <summary>A power indicator is present.</summary>
    public bool PowerIndicator { get; }

    /// <summary>A power controller is present.</summary>
    public bool PowerController { get; }

    /// <summary>Surprise removal is allowed by the slot.</summary>
    public bool Surprise { get; }

    /// <summary>The port reports Data Link Layer Link Active.</summary>
    public bool LinkActiveReporting { get; }

    /// <summary>True when the device list holds functions below the slot.</summary>
    public bool Occupied { get; internal set; }

    /// <summary>The LED state last set or read (Slot Control bits 9:6 decoded), <see cref="SlotLedState.Unknown"/> before.</summary>
    public SlotLedState Led { get; internal set; } = SlotLedState.Unknown;

    /// <summary>True when the slot's events arrive by interrupt; false when they are polled.</summary>
    public bool InterruptDriven { get; internal set; }

    /// <summary>Hot-plug interrupts received from this slot's port.</summary>
    public long Interrupts => Interlocked.Read(ref _interrupts);

    internal void Signal()
    {
        Interlocked.Increment(ref _interrupts);
        Volatile.Write(ref _pending, 1);
    }

    /// <summary>
    /// Set by a surprise removal, cleared once the slot is seen empty or handled by an event: a removal seen while the
    /// host port or the link was down may have been none, and no slot event will say the card is still there.
    /// </summary>
    internal bool RecheckPresence { get; set; }

    internal bool TakePending() => Interlocked.Exchange(ref _pending, 0) != 0;
}
