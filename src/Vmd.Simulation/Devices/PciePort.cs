using System;
using System.Diagnostics.CodeAnalysis;
using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;

namespace Vmd.Simulation.Devices;

/// <summary>
/// A PCIe root port, switch upstream port or switch downstream port: a type 1 function with its PCI Express
/// capability, and the bus below it. Root and downstream ports sit above a link that carries device 0
/// only; their Link Status (DLL Link Active, negotiated width) and Slot Status (Presence Detect State)
/// follow what is plugged into that link, and hot-plug events set the RW1C change bits.
/// </summary>
/// <remarks>
/// <para>
/// Secondary Bus Reset (Bridge Control bit 6) resets every function below and takes the link down (DLL Link Active 0,
/// Data Link Layer State Changed set on a slot that reports it); clearing it trains the link (Link Training set) for
/// <see cref="SimulatedFunction.LinkTrainingTime"/>, then DLL Link Active returns. Each pulse is recorded in
/// <see cref="SimulatedFunction.SecondaryBusResets"/>.
/// </para>
/// <para>
/// A hot-plug slot (see <c>PciePort.Slot.cs</c> and <c>PciePort.Events.cs</c>) models presence detect with contact
/// bounce, link training after insertion or power-on, the power controller, the indicators, Command Completed after
/// every Slot Control write (without No Command Completed Support) and the hot-plug interrupt message. Functions
/// plugged straight into <see cref="SecondaryBus"/> (as a machine is built) are present with the link up at once.
/// </para>
/// </remarks>
public sealed partial class PciePort : IConfigWriteHook, IBusOccupancyListener, IFunctionResetListener, IDownstreamLink
{
    private readonly ushort _pcie;
    private readonly bool _reportsLinkActive;
    private readonly bool _hasSlot;
    private readonly bool _hotPlugCapable;
    private readonly bool _hasPowerController;
    private readonly bool _hasAttentionButton;
    private readonly bool _completesCommands;
    private readonly uint _linkSpeedAndWidth;

    private PciePort(PciePortOptions options, PciExpressPortType type)
    {
        PortType = type;
        bool downstream = type != PciExpressPortType.SwitchUpstreamPort;
        _hasSlot = downstream && options.SlotImplemented;
        _hotPlugCapable = _hasSlot && options.HotPlugCapable;
        _hasPowerController = _hasSlot && options.PowerControllerPresent;
        _hasAttentionButton = _hasSlot && options.AttentionButtonPresent;
        _reportsLinkActive = downstream && options.DataLinkLayerActiveReporting;
        _completesCommands = _hotPlugCapable && !options.NoCommandCompletedSupport;
        _linkSpeedAndWidth = (options.MaxLinkSpeed & PciExpressLink.SpeedMask) | (((uint)options.MaxLinkWidth << PciExpressLink.WidthShift) & PciExpressLink.WidthMask);

        FunctionBuilder builder = new FunctionBuilder(HeaderType.Bridge)
            .Identity(options.VendorId, options.DeviceId, ClassCodes.PciBridge, options.RevisionId)
            .MultiFunction(options.MultiFunction)
            .Command(options.Command)
            .Status(options.Status)
            .Interrupt(options.InterruptPin)
            .IoWindow(options.IoWindowImplemented, is32Bit: false, options.IoBase, options.IoLimit)
            .MemoryWindowRegisters(options.MemoryBase, options.MemoryLimit)
            .PrefetchableWindow(options.PrefetchableWindowImplemented, options.Prefetchable64Bit, options.PrefetchableBase, options.PrefetchableLimit, options.PrefetchableBaseUpper, options.PrefetchableLimitUpper)
            .BridgeControlValue(options.BridgeControl)
            .SecondaryStatus(options.SecondaryStatus);
        if (options.HardWiredPrimaryBus is byte hardWired)
        {
            builder.HardWiredPrimaryBus(hardWired);
        }

        builder.BusNumbers(options.PrimaryBus, options.SecondaryBus, options.SubordinateBus);
        _pcie = AddCapabilities(builder, options, type);
        Function = builder.Build();
        Function.Owner = this;
        Function.ResetListener = this;

        SecondaryBus = new SimulatedBus(isLink: downstream);
        Function.SecondaryBus = SecondaryBus;
        if (downstream)
        {
            SecondaryBus.Listener = this;
            Function.DownstreamLink = this;
            Refresh(raiseEvents: false);
        }

        if (_hasSlot)
        {
            // Slot Control and Slot Status share a dword: control writes are commands, status writes clear events,
            // and both can change the hot-plug interrupt condition.
            Function.SetWriteHook(this, (ushort)(_pcie + PciExpressCapability.SlotControl), 4);
        }
    }

    /// <summary>The port's configuration function (type 1 header).</summary>
    public SimulatedFunction Function { get; }

    /// <summary>The bus below the port: a link (device 0 only) for root and downstream ports, the switch's internal bus for an upstream port.</summary>
    public SimulatedBus SecondaryBus { get; }

    /// <summary>Root port, switch upstream port or switch downstream port.</summary>
    public PciExpressPortType PortType { get; }

    /// <summary>Offset of the PCI Express capability in <see cref="Function"/>.</summary>
    public ushort PciExpressCapabilityOffset => _pcie;

    /// <summary>
    /// True when something is plugged into the link below a root or downstream port and the link is trained: not held
    /// down by Secondary Bus Reset or a slot powered off, and past link training after reset, insertion or power-on
    /// (as of the last configuration access to the port or below it, or <see cref="Update"/>).
    /// </summary>
    public bool IsLinkUp => PortType != PciExpressPortType.SwitchUpstreamPort && _linkUp;

    /// <summary>Creates a root port (PCIe port type 4).</summary>
    public static PciePort CreateRootPort(PciePortOptions options) => new(Require(options), PciExpressPortType.RootPort);

    /// <summary>Creates a switch upstream port (type 5); plug downstream ports into its <see cref="SecondaryBus"/>.</summary>
    public static PciePort CreateSwitchUpstreamPort(PciePortOptions options) => new(Require(options), PciExpressPortType.SwitchUpstreamPort);

    /// <summary>Creates a switch downstream port (type 6).</summary>
    public static PciePort CreateSwitchDownstreamPort(PciePortOptions options) => new(Require(options), PciExpressPortType.SwitchDownstreamPort);

    /// <summary>The port model behind <paramref name="function"/>, when a <see cref="PciePort"/> built it.</summary>
    public static bool TryGet(SimulatedFunction function, [NotNullWhen(true)] out PciePort? port)
    {
        ArgumentNullException.ThrowIfNull(function);
        port = function.Owner as PciePort;
        return port is not null;
    }

    bool IDownstreamLink.PassesRequests => _linkUp;

    void IDownstreamLink.Settle(long now) => Settle(now);

    void IConfigWriteHook.OnConfigWrite(SimulatedFunction function, ushort offset, int width, uint value)
    {
        ushort slotControl = (ushort)(_pcie + PciExpressCapability.SlotControl);
        if (offset <= slotControl + 1 && offset + width > slotControl)
        {
            OnSlotControlWritten();
        }

        // Enabling an event (or HPIE) while its status bit is set, or clearing the last pending event, changes the
        // condition the hot-plug interrupt message is sent on.
        EvaluateInterrupt();
    }

    void IBusOccupancyListener.OnOccupancyChanged(SimulatedBus bus)
    {
        if (_hotPlugging)
        {
            return;
        }

        // Plugged straight into the bus (a machine being built): present and trained at once, no events.
        _presence = bus.Count > 0;
        _togglesLeft = 0;
        _trainingPending = false;
        Refresh(raiseEvents: false);
    }

    void IFunctionResetListener.OnFunctionReset(SimulatedFunction function)
    {
        if (PortType == PciExpressPortType.SwitchUpstreamPort)
        {
            return;
        }

        OnPortReset();
    }

    void IFunctionResetListener.OnLinkStateChanged(SimulatedFunction function)
    {
        if (PortType == PciExpressPortType.SwitchUpstreamPort)
        {
            return;
        }

        OnSecondaryResetChanged();

        // PCIe Base §7.5.3.11: Data Link Layer State Changed is set whenever DLL Link Active changes.
        Refresh(raiseEvents: true);
    }

    private static PciePortOptions Require(PciePortOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PciExpressCapabilityOffset == 0)
        {
            throw new ArgumentException("A PCIe port needs its PCI Express capability; give it an offset.", nameof(options));
        }

        return options;
    }

    private static ushort AddCapabilities(FunctionBuilder builder, PciePortOptions options, PciExpressPortType type)
    {
        bool downstream = type != PciExpressPortType.SwitchUpstreamPort;
        bool hotPlug = downstream && options.SlotImplemented && options.HotPlugCapable;
        ushort pcie = 0;

        // The list is linked in offset order, as the parts we model lay it out.
        ushort[] offsets = [options.PciExpressCapabilityOffset, options.MsiCapabilityOffset, options.SubsystemCapabilityOffset, options.PowerManagementCapabilityOffset];
        Array.Sort(offsets);
        foreach (ushort offset in offsets)
        {
            if (offset == 0)
            {
                continue;
            }

            if (offset == options.PciExpressCapabilityOffset)
            {
                pcie = builder.AddPciExpress(
                    new PciExpressCapabilityOptions
                    {
                        PortType = type,
                        AriForwardingSupported = downstream && options.AriForwardingSupported,
                        SlotImplemented = downstream && options.SlotImplemented,
                        MaxLinkSpeed = options.MaxLinkSpeed,
                        MaxLinkWidth = options.MaxLinkWidth,
                        PortNumber = options.PortNumber,
                        DataLinkLayerActiveReporting = downstream && options.DataLinkLayerActiveReporting,
                        LinkUp = !downstream,
                        HotPlugCapable = hotPlug,
                        HotPlugSurprise = hotPlug && options.HotPlugSurprise,
                        AttentionButtonPresent = options.AttentionButtonPresent,
                        PowerControllerPresent = options.PowerControllerPresent,
                        AttentionIndicatorPresent = options.AttentionIndicatorPresent ?? hotPlug,
                        PowerIndicatorPresent = options.PowerIndicatorPresent ?? hotPlug,
                        NoCommandCompletedSupport = options.NoCommandCompletedSupport,
                        PhysicalSlotNumber = options.PhysicalSlotNumber,
                    },
                    offset);
            }
            else if (offset == options.MsiCapabilityOffset)
            {
                builder.AddMsi(is64Bit: true, multipleMessageCapableLog2: 0, offset);
            }
            else if (offset == options.SubsystemCapabilityOffset)
            {
                builder.AddBridgeSubsystem(options.SubsystemVendorId, options.SubsystemId, offset);
            }
            else
            {
                builder.AddPowerManagement(offset);
            }
        }

        if (options.AdvancedErrorReporting)
        {
            builder.AddAdvancedErrorReporting(rootPort: type == PciExpressPortType.RootPort);
        }

        if (options.DownstreamPortContainment && downstream)
        {
            builder.AddDownstreamPortContainment();
        }

        return pcie;
    }

    /// <summary>
    /// Recomputes Link Status and Presence Detect State from the slot's state: the link is up when a card is present,
    /// presence has settled, the slot is powered, training after insertion or power-on is over and Secondary Bus Reset
    /// neither holds it nor is still training it. With <paramref name="raiseEvents"/>, a change of DLL Link Active sets
    /// Data Link Layer State Changed on a slot that reports it (and may send the hot-plug interrupt).
    /// </summary>
    private void Refresh(bool raiseEvents)
    {
        bool present = SecondaryBus.Count > 0;
        bool powered = IsSlotPowered;
        bool up = present && powered && !_trainingPending && Function.SecondaryLinkUp;
        ushort linkStatusOffset = (ushort)(_pcie + PciExpressCapability.LinkStatus);
        uint linkStatus = Function.Read16(linkStatusOffset) & ~(PciExpressLink.WidthMask | PciExpressCapability.DataLinkLayerLinkActive | PciExpressLink.LinkTraining);
        if (up)
        {
            linkStatus |= _linkSpeedAndWidth | (_reportsLinkActive ? PciExpressCapability.DataLinkLayerLinkActive : 0u);
        }
        else if (present && powered && _togglesLeft == 0 && !Function.IsSecondaryResetAsserted)
        {
            // The card's presence has settled and nothing holds the link down: the LTSSM is training (Link Status bit 11).
            linkStatus |= PciExpressLink.LinkTraining;
        }

        Function.Set16(linkStatusOffset, (ushort)linkStatus);
        if (_hasSlot)
        {
            ushort slotStatusOffset = (ushort)(_pcie + PciExpressCapability.SlotStatus);
            uint slotStatus = Function.Read16(slotStatusOffset) & ~(uint)PciExpressSlot.PresenceDetectState;
            Function.Set16(slotStatusOffset, (ushort)(slotStatus | (_presence ? PciExpressSlot.PresenceDetectState : 0u)));
        }

        bool changed = up != _linkUp;
        _linkUp = up;
        if (changed && raiseEvents && _hasSlot && _reportsLinkActive)
        {
            SetSlotEvent(PciExpressSlot.DataLinkLayerStateChanged);
        }
    }

    private void RequireLink()
    {
        if (PortType == PciExpressPortType.SwitchUpstreamPort)
        {
            throw new InvalidOperationException("An upstream port's secondary bus is the switch's internal bus; hot-plug happens at its downstream ports.");
        }
    }
}
