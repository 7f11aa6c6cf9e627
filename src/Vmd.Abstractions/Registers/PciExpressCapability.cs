namespace Vmd.Registers;

/// <summary>Offsets inside the PCI Express capability (ID 0x10), PCIe Base §7.5.3.</summary>
public static class PciExpressCapability
{
    /// <summary>PCI Express Capabilities (16 bits): bits 3:0 version, 7:4 device/port type, bit 8 slot implemented.</summary>
    public const ushort Capabilities = 0x02;

    /// <summary>Device Capabilities (32 bits): bit 28 Function Level Reset capable.</summary>
    public const ushort DeviceCapabilities = 0x04;

    /// <summary>Device Control (16 bits).</summary>
    public const ushort DeviceControl = 0x08;

    /// <summary>Device Status (16 bits; bits 3:0 RW1C).</summary>
    public const ushort DeviceStatus = 0x0A;

    /// <summary>Link Capabilities (32 bits): bits 3:0 max speed, 9:4 max width, bit 20 DLL Link Active Reporting Capable.</summary>
    public const ushort LinkCapabilities = 0x0C;

    /// <summary>Link Control (16 bits).</summary>
    public const ushort LinkControl = 0x10;

    /// <summary>Link Status (16 bits): bits 3:0 speed, 9:4 width, bit 13 Data Link Layer Link Active.</summary>
    public const ushort LinkStatus = 0x12;

    /// <summary>Slot Capabilities (32 bits): bit 6 hot-plug capable, bits 31:19 physical slot number.</summary>
    public const ushort SlotCapabilities = 0x14;

    /// <summary>Slot Control (16 bits): bits 7:6 attention indicator, 9:8 power indicator.</summary>
    public const ushort SlotControl = 0x18;

    /// <summary>Slot Status (16 bits): bit 6 presence detect state; bits 0–4 and 8 RW1C.</summary>
    public const ushort SlotStatus = 0x1A;

    /// <summary>Root Control (16 bits).</summary>
    public const ushort RootControl = 0x1C;

    /// <summary>Root Status (32 bits).</summary>
    public const ushort RootStatus = 0x20;

    /// <summary>Device Capabilities 2 (32 bits).</summary>
    public const ushort DeviceCapabilities2 = 0x24;

    /// <summary>Device Control 2 (16 bits): bit 10 LTR Mechanism Enable.</summary>
    public const ushort DeviceControl2 = 0x28;

    /// <summary>Link Capabilities 2 (32 bits): bits 7:1 supported link speeds vector.</summary>
    public const ushort LinkCapabilities2 = 0x2C;

    /// <summary>Link Control 2 (16 bits).</summary>
    public const ushort LinkControl2 = 0x30;

    /// <summary>Capabilities field: bits 7:4 device/port type (<see cref="PciExpressPortType"/>).</summary>
    public const int PortTypeShift = 4;

    /// <summary>Capabilities field: bit 8 Slot Implemented.</summary>
    public const ushort SlotImplemented = 1 << 8;

    /// <summary>Device Capabilities bit 28: Function Level Reset capable.</summary>
    public const uint FunctionLevelResetCapable = 1U << 28;

    /// <summary>Link Capabilities bit 20: Data Link Layer Link Active Reporting Capable.</summary>
    public const uint DataLinkLayerActiveReportingCapable = 1U << 20;

    /// <summary>Link Status bit 13: Data Link Layer Link Active.</summary>
    public const ushort DataLinkLayerLinkActive = 1 << 13;

    /// <summary>Slot Capabilities bit 6: Hot-Plug Capable.</summary>
    public const uint HotPlugCapable = 1U << 6;

    /// <summary>Device Capabilities 2 bit 5: ARI Forwarding Supported (downstream ports).</summary>
    public const uint AriForwardingSupported = 1U << 5;

    /// <summary>Device Control 2 bit 5: ARI Forwarding Enable — the port passes device numbers other than 0 as ARI function numbers.</summary>
    public const ushort AriForwardingEnable = 1 << 5;

    /// <summary>Slot Status bit 6: Presence Detect State.</summary>
    public const ushort PresenceDetectState = 1 << 6;
}
