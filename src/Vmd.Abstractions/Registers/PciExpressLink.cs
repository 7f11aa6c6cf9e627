namespace Vmd.Registers;

/// <summary>
/// Fields of the Link Capabilities, Link Control and Link Status registers of the PCI Express capability,
/// PCIe Base §7.5.3.6–§7.5.3.8.
/// </summary>
public static class PciExpressLink
{
    /// <summary>Link Capabilities / Link Status bits 3:0: (maximum or current) link speed, an index into the supported speeds (1 = 2.5 GT/s … 5 = 32 GT/s).</summary>
    public const uint SpeedMask = 0xF;

    /// <summary>Link Capabilities / Link Status bits 9:4: (maximum or negotiated) link width.</summary>
    public const uint WidthMask = 0x3F0;

    /// <summary>Shift of the width field.</summary>
    public const int WidthShift = 4;

    /// <summary>Link Capabilities bits 11:10: ASPM support (01b L0s, 10b L1, 11b both).</summary>
    public const uint AspmSupportMask = 0xC00;

    /// <summary>Shift of the ASPM support field.</summary>
    public const int AspmSupportShift = 10;

    /// <summary>Link Capabilities bit 18: Clock Power Management.</summary>
    public const uint ClockPowerManagement = 1U << 18;

    /// <summary>Link Capabilities bit 19: Surprise Down Error Reporting Capable.</summary>
    public const uint SurpriseDownErrorReportingCapable = 1U << 19;

    /// <summary>Link Capabilities bit 21: Link Bandwidth Notification Capability.</summary>
    public const uint LinkBandwidthNotificationCapable = 1U << 21;

    /// <summary>Link Capabilities bits 31:24: Port Number.</summary>
    public const int PortNumberShift = 24;

    /// <summary>Link Control bits 1:0: ASPM Control.</summary>
    public const ushort AspmControlMask = 0x3;

    /// <summary>Link Control bit 3: Read Completion Boundary.</summary>
    public const ushort ReadCompletionBoundary = 1 << 3;

    /// <summary>Link Control bit 4: Link Disable (ports only).</summary>
    public const ushort LinkDisable = 1 << 4;

    /// <summary>Link Control bit 5: Retrain Link (ports only; always reads 0).</summary>
    public const ushort RetrainLink = 1 << 5;

    /// <summary>Link Control bit 6: Common Clock Configuration.</summary>
    public const ushort CommonClockConfiguration = 1 << 6;

    /// <summary>Link Control bit 7: Extended Synch.</summary>
    public const ushort ExtendedSynch = 1 << 7;

    /// <summary>Link Control bit 8: Enable Clock Power Management.</summary>
    public const ushort EnableClockPowerManagement = 1 << 8;

    /// <summary>Link Control bit 9: Hardware Autonomous Width Disable.</summary>
    public const ushort HardwareAutonomousWidthDisable = 1 << 9;

    /// <summary>Link Control bit 10: Link Bandwidth Management Interrupt Enable (ports).</summary>
    public const ushort BandwidthManagementInterruptEnable = 1 << 10;

    /// <summary>Link Control bit 11: Link Autonomous Bandwidth Interrupt Enable (ports).</summary>
    public const ushort AutonomousBandwidthInterruptEnable = 1 << 11;

    /// <summary>Link Status bit 11: Link Training.</summary>
    public const ushort LinkTraining = 1 << 11;

    /// <summary>Link Status bit 12: Slot Clock Configuration.</summary>
    public const ushort SlotClockConfiguration = 1 << 12;

    /// <summary>Link Status bit 14: Link Bandwidth Management Status (RW1C).</summary>
    public const ushort BandwidthManagementStatus = 1 << 14;

    /// <summary>Link Status bit 15: Link Autonomous Bandwidth Status (RW1C).</summary>
    public const ushort AutonomousBandwidthStatus = 1 << 15;

    /// <summary>Link Control 2 bits 3:0: Target Link Speed.</summary>
    public const ushort TargetLinkSpeedMask = 0xF;
}
