using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a version 2 PCI Express capability (ID 0x10, PCIe Base §7.5.3) with the masks each port type has.</summary>
public static class PciExpressCapabilityLayout
{
    // Phantom Functions Enable (bit 9) is RO 0 here: no modelled function supports phantom functions.
    private const ushort DeviceControlWritable = PciExpressDevice.ControlFieldsMask & unchecked((ushort)~(1 << 9));

    private const ushort LinkControlCommon = PciExpressLink.AspmControlMask | PciExpressLink.ReadCompletionBoundary
        | PciExpressLink.CommonClockConfiguration | PciExpressLink.ExtendedSynch | PciExpressLink.HardwareAutonomousWidthDisable;

    private const ushort LinkControlPortOnly = PciExpressLink.LinkDisable | PciExpressLink.BandwidthManagementInterruptEnable
        | PciExpressLink.AutonomousBandwidthInterruptEnable;

    /// <summary>
    /// Adds the capability. Registers the port type does not have (link registers of an integrated endpoint,
    /// slot registers without a slot, root registers off a root port) read 0 and ignore writes.
    /// </summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddPciExpress(this FunctionBuilder builder, PciExpressCapabilityOptions options, ushort offset = 0)
    {
        ushort at = builder.AddCapability(CapabilityId.PciExpress, PciExpressDevice.CapabilityLength, offset);
        SimulatedFunction function = builder.Function;
        PciExpressPortType type = options.PortType;
        bool isPort = type is PciExpressPortType.RootPort or PciExpressPortType.SwitchDownstreamPort;
        bool hasLink = type is not (PciExpressPortType.RootComplexIntegratedEndpoint or PciExpressPortType.RootComplexEventCollector);
        bool hasSlot = isPort && options.SlotImplemented;

        uint capabilities = PciExpressDevice.CapabilityVersion2 | ((uint)type << PciExpressCapability.PortTypeShift)
            | (hasSlot ? PciExpressCapability.SlotImplemented : 0u) | ((uint)(options.InterruptMessageNumber & 0x1F) << 9);
        function.DefineRegister((ushort)(at + PciExpressCapability.Capabilities), 2, capabilities, 0);

        uint deviceCapabilities = (options.MaxPayloadSizeSupported & PciExpressDevice.MaxPayloadSizeSupportedMask)
            | (options.RoleBasedErrorReporting ? PciExpressDevice.RoleBasedErrorReporting : 0u)
            | (options.FunctionLevelReset ? PciExpressCapability.FunctionLevelResetCapable : 0u);
        function.DefineRegister((ushort)(at + PciExpressCapability.DeviceCapabilities), 4, deviceCapabilities, 0);
        function.DefineRegister((ushort)(at + PciExpressCapability.DeviceControl), 2, 0, DeviceControlWritable);
        function.DefineRegister((ushort)(at + PciExpressCapability.DeviceStatus), 2, 0, 0, PciExpressDevice.StatusErrorBits);

        if (hasLink)
        {
            AddLinkRegisters(function, at, options, isPort);
        }

        if (hasSlot)
        {
            AddSlotRegisters(function, at, options);
        }

        if (type == PciExpressPortType.RootPort)
        {
            function.DefineRegister((ushort)(at + PciExpressCapability.RootControl), 2, 0, PciExpressDevice.RootControlEnableBits);
            function.DefineRegister((ushort)(at + PciExpressCapability.RootStatus), 4, 0, 0, PciExpressDevice.RootStatusPmeStatus);
        }

        uint deviceCapabilities2 = PciExpressDevice.CompletionTimeoutRangesMask | PciExpressDevice.CompletionTimeoutDisableSupported
            | (options.LtrSupported ? PciExpressDevice.LtrMechanismSupported : 0u)
            | (options.AriForwardingSupported ? AriRouting.ForwardingEnable : 0u);
        function.DefineRegister((ushort)(at + PciExpressCapability.DeviceCapabilities2), 4, deviceCapabilities2, 0);
        uint deviceControl2 = PciExpressDevice.CompletionTimeoutValueMask | PciExpressDevice.CompletionTimeoutDisable
            | (options.LtrSupported ? PciExpressDevice.LtrMechanismEnable : 0u)
            | (options.AriForwardingSupported ? AriRouting.ForwardingEnable : 0u);
        function.DefineRegister((ushort)(at + PciExpressCapability.DeviceControl2), 2, 0, deviceControl2);
        return at;
    }

    private static void AddLinkRegisters(SimulatedFunction function, ushort at, PciExpressCapabilityOptions options, bool isPort)
    {
        uint speed = options.MaxLinkSpeed & PciExpressLink.SpeedMask;
        uint width = ((uint)options.MaxLinkWidth << PciExpressLink.WidthShift) & PciExpressLink.WidthMask;
        uint linkCapabilities = speed | width | (((uint)options.AspmSupport & 3) << PciExpressLink.AspmSupportShift)
            | ((uint)options.PortNumber << PciExpressLink.PortNumberShift)
            | (options.DataLinkLayerActiveReporting ? PciExpressCapability.DataLinkLayerActiveReportingCapable | PciExpressLink.SurpriseDownErrorReportingCapable : 0u)
            | (isPort ? PciExpressLink.LinkBandwidthNotificationCapable : 0u);
        function.DefineRegister((ushort)(at + PciExpressCapability.LinkCapabilities), 4, linkCapabilities, 0);
        function.DefineRegister((ushort)(at + PciExpressCapability.LinkControl), 2, 0, (uint)(LinkControlCommon | (isPort ? LinkControlPortOnly : 0)));

        uint linkStatus = PciExpressLink.SlotClockConfiguration;
        if (options.LinkUp)
        {
            linkStatus |= speed | width | (options.DataLinkLayerActiveReporting ? PciExpressCapability.DataLinkLayerLinkActive : 0u);
        }

        uint linkStatusEvents = isPort ? (uint)(PciExpressLink.BandwidthManagementStatus | PciExpressLink.AutonomousBandwidthStatus) : 0u;
        function.DefineRegister((ushort)(at + PciExpressCapability.LinkStatus), 2, linkStatus, 0, linkStatusEvents);

        // Supported Link Speeds Vector (bits 7:1): every speed up to the maximum.
        uint supportedSpeeds = ((1u << (int)speed) - 1) << 1;
        function.DefineRegister((ushort)(at + PciExpressCapability.LinkCapabilities2), 4, supportedSpeeds, 0);
        function.DefineRegister((ushort)(at + PciExpressCapability.LinkControl2), 2, speed, PciExpressLink.TargetLinkSpeedMask);
    }

    private static void AddSlotRegisters(SimulatedFunction function, ushort at, PciExpressCapabilityOptions options)
    {
        uint slotCapabilities = (options.AttentionButtonPresent ? PciExpressSlot.AttentionButtonPresent : 0u)
            | (options.PowerControllerPresent ? PciExpressSlot.PowerControllerPresent : 0u)
            | (options.MrlSensorPresent ? PciExpressSlot.MrlSensorPresent : 0u)
            | (options.AttentionIndicatorPresent ? PciExpressSlot.AttentionIndicatorPresent : 0u)
            | (options.PowerIndicatorPresent ? PciExpressSlot.PowerIndicatorPresent : 0u)
            | (options.HotPlugSurprise ? PciExpressSlot.HotPlugSurprise : 0u)
            | (options.HotPlugCapable ? PciExpressSlot.HotPlugCapable : 0u)
            | ((uint)options.SlotPowerLimitValue << PciExpressSlot.SlotPowerLimitValueShift)
            | (((uint)options.SlotPowerLimitScale & 3) << PciExpressSlot.SlotPowerLimitScaleShift)
            | (options.NoCommandCompletedSupport ? PciExpressSlot.NoCommandCompletedSupport : 0u)
            | ((options.PhysicalSlotNumber & PciExpressSlot.PhysicalSlotNumberMax) << PciExpressSlot.PhysicalSlotNumberShift);
        function.DefineRegister((ushort)(at + PciExpressCapability.SlotCapabilities), 4, slotCapabilities, 0);

        // Each enable or control field is writable only when the feature it drives exists.
        uint writable = PciExpressSlot.PresenceDetectChangedEnable
            | (options.AttentionButtonPresent ? PciExpressSlot.AttentionButtonPressedEnable : 0u)
            | (options.PowerControllerPresent ? PciExpressSlot.PowerFaultDetectedEnable | PciExpressSlot.PowerControllerControl : 0u)
            | (options.MrlSensorPresent ? PciExpressSlot.MrlSensorChangedEnable : 0u)
            | (options.HotPlugCapable ? PciExpressSlot.HotPlugInterruptEnable : 0u)
            | (options.HotPlugCapable && !options.NoCommandCompletedSupport ? PciExpressSlot.CommandCompletedInterruptEnable : 0u)
            | (options.AttentionIndicatorPresent ? PciExpressSlot.AttentionIndicatorControlMask : 0u)
            | (options.PowerIndicatorPresent ? PciExpressSlot.PowerIndicatorControlMask : 0u)
            | (options.DataLinkLayerActiveReporting ? PciExpressSlot.DataLinkLayerStateChangedEnable : 0u);

        // Indicators start "off" (11b), as firmware leaves an idle slot.
        uint control = (options.AttentionIndicatorPresent ? PciExpressSlot.AttentionIndicatorControlMask : 0u)
            | (options.PowerIndicatorPresent ? PciExpressSlot.PowerIndicatorControlMask : 0u);
        function.DefineRegister((ushort)(at + PciExpressCapability.SlotControl), 2, control, writable);

        uint status = options.PresenceDetected ? PciExpressSlot.PresenceDetectState : 0u;
        function.DefineRegister((ushort)(at + PciExpressCapability.SlotStatus), 2, status, 0, PciExpressSlot.StatusEventBits);
    }
}
