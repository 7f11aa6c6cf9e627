using Vmd.Registers;
using Vmd.Simulation.Interrupts;

namespace Vmd.Simulation.Devices;

/// <summary>
/// The slot's event logic (PCIe Base §6.7.3.4, §7.5.3.10–11): RW1C event bits in Slot Status, Command Completed after
/// a Slot Control write, the hot-plug interrupt message, and the indicators software drives.
/// </summary>
public sealed partial class PciePort
{
    // Slot Control bits 4:0 enable the Slot Status events in bits 4:0 one for one; DLLSC (status bit 8) has bit 12.
    private const ushort LowEventEnables = PciExpressSlot.AttentionButtonPressedEnable | PciExpressSlot.PowerFaultDetectedEnable
        | PciExpressSlot.MrlSensorChangedEnable | PciExpressSlot.PresenceDetectChangedEnable | PciExpressSlot.CommandCompletedInterruptEnable;

    // PCI Express Capabilities register bits 13:9: Interrupt Message Number, the MSI/MSI-X vector hot-plug events use.
    private const int MessageNumberShift = 9;
    private const int MessageNumberMask = 0x1F;

    private bool _interruptAsserted;
    private long _interruptEdges;
    private long _messagesSent;

    /// <summary>
    /// Times the hot-plug interrupt condition went from false to true: Hot-Plug Interrupt Enable set and at least one
    /// Slot Status event bit set whose enable bit is set (whether or not a message could be sent).
    /// </summary>
    public long HotPlugInterruptEdges => _interruptEdges;

    /// <summary>
    /// Hot-plug interrupt messages the port sent upstream on those edges: its MSI (or MSI-X) was enabled and the vector
    /// unmasked, and the write got past Bus Master Enable of the port (and of the VMD) to the VMD or the host. A message a
    /// masked vector held pending is not counted.
    /// </summary>
    public long HotPlugMessagesSent => _messagesSent;

    /// <summary>What became of the last hot-plug interrupt edge's message; null before the first edge.</summary>
    public InterruptOutcome? LastHotPlugInterruptOutcome { get; private set; }

    /// <summary>True when the slot has an attention indicator (Slot Capabilities bit 3).</summary>
    public bool HasAttentionIndicator => (SlotCapabilities & PciExpressSlot.AttentionIndicatorPresent) != 0;

    /// <summary>True when the slot has a power indicator (Slot Capabilities bit 4).</summary>
    public bool HasPowerIndicator => (SlotCapabilities & PciExpressSlot.PowerIndicatorPresent) != 0;

    /// <summary>The attention indicator as Slot Control bits 7:6 drive it (<see cref="IndicatorState.Reserved"/> without the indicator).</summary>
    public IndicatorState AttentionIndicator => (IndicatorState)((SlotControl & PciExpressSlot.AttentionIndicatorControlMask) >> 6);

    /// <summary>The power indicator as Slot Control bits 9:8 drive it (<see cref="IndicatorState.Reserved"/> without the indicator).</summary>
    public IndicatorState PowerIndicator => (IndicatorState)((SlotControl & PciExpressSlot.PowerIndicatorControlMask) >> 8);

    private uint SlotCapabilities => _hasSlot ? Function.Read32((ushort)(_pcie + PciExpressCapability.SlotCapabilities)) : 0;

    private ushort SlotControl => _hasSlot ? Function.Read16((ushort)(_pcie + PciExpressCapability.SlotControl)) : (ushort)0;

    /// <summary>A Slot Control write is a hot-plug command: apply power control, then report it completed (no latency is modelled).</summary>
    private void OnSlotControlWritten()
    {
        ApplyPowerControl();
        if (_completesCommands)
        {
            SetSlotEvent(PciExpressSlot.CommandCompleted);
        }
    }

    /// <summary>Sets Slot Status event bits (RW1C) and sends the interrupt if that makes its condition true.</summary>
    private void SetSlotEvent(ushort bits)
    {
        if (!_hasSlot)
        {
            return;
        }

        ushort offset = (ushort)(_pcie + PciExpressCapability.SlotStatus);
        Function.Set16(offset, (ushort)(Function.Read16(offset) | bits));
        EvaluateInterrupt();
    }

    /// <summary>
    /// PCIe Base §6.7.3.4: with MSI or MSI-X a message is sent each time the AND of Hot-Plug Interrupt Enable and
    /// "some enabled event is set" goes from false to true. A further event while one is pending sends nothing; clearing
    /// the pending events (RW1C) and a new event, or enabling an event that is already set, does.
    /// </summary>
    private void EvaluateInterrupt()
    {
        if (!_hotPlugCapable)
        {
            return;
        }

        ushort control = SlotControl;
        ushort status = Function.Read16((ushort)(_pcie + PciExpressCapability.SlotStatus));
        ushort enabled = (ushort)((control & LowEventEnables)
            | ((control & PciExpressSlot.DataLinkLayerStateChangedEnable) != 0 ? PciExpressSlot.DataLinkLayerStateChanged : 0));
        bool asserted = (control & PciExpressSlot.HotPlugInterruptEnable) != 0 && (status & enabled) != 0;
        bool edge = asserted && !_interruptAsserted;
        _interruptAsserted = asserted;
        if (edge)
        {
            SendInterrupt();
        }
    }

    private void SendInterrupt()
    {
        _interruptEdges++;
        int vector = (Function.Read16((ushort)(_pcie + PciExpressCapability.Capabilities)) >> MessageNumberShift) & MessageNumberMask;

        // The port masters the message itself, as a device does: its MSI/MSI-X state, its Bus Master Enable, then the VMD.
        InterruptOutcome outcome = Function.Interrupts.Signal(vector);
        LastHotPlugInterruptOutcome = outcome;
        if (outcome is not (InterruptOutcome.NotEnabled or InterruptOutcome.PendingInFunction or InterruptOutcome.BusMasterDisabled or InterruptOutcome.Unroutable))
        {
            _messagesSent++;
        }
    }
}
