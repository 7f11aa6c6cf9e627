namespace Vmd.Registers;

/// <summary>Offsets specific to a type 0 (endpoint) header (PCI Local Bus 3.0 §6.1; PCIe Base §7.5.1.2).</summary>
public static class Type0Header
{
    /// <summary>Number of BARs in a type 0 header.</summary>
    public const int BarCount = 6;

    /// <summary>CardBus CIS Pointer (32 bits).</summary>
    public const ushort CardBusCisPointer = 0x28;

    /// <summary>Subsystem Vendor ID (16 bits).</summary>
    public const ushort SubsystemVendorId = 0x2C;

    /// <summary>Subsystem ID (16 bits).</summary>
    public const ushort SubsystemId = 0x2E;

    /// <summary>Expansion ROM Base Address (32 bits; bit 0 enable, bits 31:11 address).</summary>
    public const ushort ExpansionRomBaseAddress = 0x30;

    /// <summary>Min_Gnt (8 bits).</summary>
    public const ushort MinGnt = 0x3E;

    /// <summary>Max_Lat (8 bits).</summary>
    public const ushort MaxLat = 0x3F;
}
