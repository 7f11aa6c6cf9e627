namespace Vmd.Registers;

/// <summary>
/// Bits of the Slot Capabilities, Slot Control and Slot Status registers of the PCI Express capability
/// (offsets <see cref="PciExpressCapability.SlotCapabilities"/>, <see cref="PciExpressCapability.SlotControl"/>,
/// <see cref="PciExpressCapability.SlotStatus"/>), PCIe Base §7.5.3.9–§7.5.3.11.
/// </summary>
public static class PciExpressSlot
{
    /// <summary>Slot Capabilities bit 0: Attention Button Present.</summary>
    public const uint AttentionButtonPresent = 1U << 0;

    /// <summary>Slot Capabilities bit 1: Power Controller Present.</summary>
    public const uint PowerControllerPresent = 1U << 1;

    /// <summary>Slot Capabilities bit 2: MRL Sensor Present.</summary>
    public const uint MrlSensorPresent = 1U << 2;

    /// <summary>Slot Capabilities bit 3: Attention Indicator Present.</summary>
    public const uint AttentionIndicatorPresent = 1U << 3;

    /// <summary>Slot Capabilities bit 4: Power Indicator Present.</summary>
    public const uint PowerIndicatorPresent = 1U << 4;

    /// <summary>Slot Capabilities bit 5: Hot-Plug Surprise (removal without notice is allowed).</summary>
    public const uint HotPlugSurprise = 1U << 5;

    /// <summary>Slot Capabilities bit 6: Hot-Plug Capable (same bit as <see cref="PciExpressCapability.HotPlugCapable"/>).</summary>
    public const uint HotPlugCapable = 1U << 6;

    /// <summary>Slot Capabilities bits 14:7: Slot Power Limit Value.</summary>
    public const int SlotPowerLimitValueShift = 7;

    /// <summary>Slot Capabilities bits 16:15: Slot Power Limit Scale.</summary>
    public const int SlotPowerLimitScaleShift = 15;

    /// <summary>Slot Capabilities bit 17: Electromechanical Interlock Present.</summary>
    public const uint ElectromechanicalInterlockPresent = 1U << 17;

    /// <summary>Slot Capabilities bit 18: No Command Completed Support.</summary>
    public const uint NoCommandCompletedSupport = 1U << 18;

    /// <summary>Slot Capabilities bits 31:19: Physical Slot Number.</summary>
    public const int PhysicalSlotNumberShift = 19;

    /// <summary>Largest physical slot number (13 bits).</summary>
    public const uint PhysicalSlotNumberMax = 0x1FFF;

    /// <summary>Slot Control bit 0: Attention Button Pressed Enable.</summary>
    public const ushort AttentionButtonPressedEnable = 1 << 0;

    /// <summary>Slot Control bit 1: Power Fault Detected Enable.</summary>
    public const ushort PowerFaultDetectedEnable = 1 << 1;

    /// <summary>Slot Control bit 2: MRL Sensor Changed Enable.</summary>
    public const ushort MrlSensorChangedEnable = 1 << 2;

    /// <summary>Slot Control bit 3: Presence Detect Changed Enable.</summary>
    public const ushort PresenceDetectChangedEnable = 1 << 3;

    /// <summary>Slot Control bit 4: Command Completed Interrupt Enable.</summary>
    public const ushort CommandCompletedInterruptEnable = 1 << 4;

    /// <summary>Slot Control bit 5: Hot-Plug Interrupt Enable.</summary>
    public const ushort HotPlugInterruptEnable = 1 << 5;

    /// <summary>Slot Control bits 7:6: Attention Indicator Control (01b on, 10b blink, 11b off).</summary>
    public const ushort AttentionIndicatorControlMask = 0x00C0;

    /// <summary>Slot Control bits 9:8: Power Indicator Control (01b on, 10b blink, 11b off).</summary>
    public const ushort PowerIndicatorControlMask = 0x0300;

    /// <summary>Slot Control bit 10: Power Controller Control (1 = power off).</summary>
    public const ushort PowerControllerControl = 1 << 10;

    /// <summary>Slot Control bit 11: Electromechanical Interlock Control (writes toggle the interlock; reads 0).</summary>
    public const ushort ElectromechanicalInterlockControl = 1 << 11;

    /// <summary>Slot Control bit 12: Data Link Layer State Changed Enable.</summary>
    public const ushort DataLinkLayerStateChangedEnable = 1 << 12;

    /// <summary>Slot Status bit 0: Attention Button Pressed (RW1C).</summary>
    public const ushort AttentionButtonPressed = 1 << 0;

    /// <summary>Slot Status bit 1: Power Fault Detected (RW1C).</summary>
    public const ushort PowerFaultDetected = 1 << 1;

    /// <summary>Slot Status bit 2: MRL Sensor Changed (RW1C).</summary>
    public const ushort MrlSensorChanged = 1 << 2;

    /// <summary>Slot Status bit 3: Presence Detect Changed (RW1C).</summary>
    public const ushort PresenceDetectChanged = 1 << 3;

    /// <summary>Slot Status bit 4: Command Completed (RW1C).</summary>
    public const ushort CommandCompleted = 1 << 4;

    /// <summary>Slot Status bit 5: MRL Sensor State.</summary>
    public const ushort MrlSensorState = 1 << 5;

    /// <summary>Slot Status bit 6: Presence Detect State (same bit as <see cref="PciExpressCapability.PresenceDetectState"/>).</summary>
    public const ushort PresenceDetectState = 1 << 6;

    /// <summary>Slot Status bit 7: Electromechanical Interlock Status.</summary>
    public const ushort ElectromechanicalInterlockStatus = 1 << 7;

    /// <summary>Slot Status bit 8: Data Link Layer State Changed (RW1C).</summary>
    public const ushort DataLinkLayerStateChanged = 1 << 8;

    /// <summary>All write-1-to-clear bits of Slot Status (bits 4:0 and 8).</summary>
    public const ushort StatusEventBits = AttentionButtonPressed | PowerFaultDetected | MrlSensorChanged | PresenceDetectChanged | CommandCompleted | DataLinkLayerStateChanged;
}
