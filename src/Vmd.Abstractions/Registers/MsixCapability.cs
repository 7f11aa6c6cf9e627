namespace Vmd.Registers;

/// <summary>Offsets and bits of the MSI-X capability (ID 0x11), PCIe Base §7.7.2.</summary>
public static class MsixCapability
{
    /// <summary>Message Control (16 bits): bits 10:0 table size − 1, bit 14 function mask, bit 15 enable.</summary>
    public const ushort MessageControl = 0x02;

    /// <summary>Table Offset / Table BIR (32 bits): bits 2:0 BAR indicator, bits 31:3 offset.</summary>
    public const ushort TableOffset = 0x04;

    /// <summary>PBA Offset / PBA BIR (32 bits).</summary>
    public const ushort PbaOffset = 0x08;

    /// <summary>Length of the capability structure in bytes (header, Message Control, Table and PBA registers).</summary>
    public const ushort Length = 0x0C;

    /// <summary>Message Control bits 10:0: table size minus one.</summary>
    public const ushort TableSizeMask = 0x07FF;

    /// <summary>Message Control bit 14: Function Mask.</summary>
    public const ushort FunctionMask = 1 << 14;

    /// <summary>Message Control bit 15: MSI-X Enable.</summary>
    public const ushort Enable = 1 << 15;

    /// <summary>Table/PBA register bits 2:0: BAR indicator register.</summary>
    public const uint BirMask = 0x7;

    /// <summary>Table/PBA register bits 31:3: QWORD-aligned offset into the BAR.</summary>
    public const uint OffsetMask = 0xFFFF_FFF8;

    /// <summary>Size of one table entry in bytes.</summary>
    public const int EntrySize = 16;

    /// <summary>Entry: Message Address (low 32 bits).</summary>
    public const int EntryAddressLow = 0x0;

    /// <summary>Entry: Message Upper Address.</summary>
    public const int EntryAddressHigh = 0x4;

    /// <summary>Entry: Message Data.</summary>
    public const int EntryData = 0x8;

    /// <summary>Entry: Vector Control; bit 0 masks the entry.</summary>
    public const int EntryVectorControl = 0xC;

    /// <summary>Vector Control bit 0: Mask Bit.</summary>
    public const uint EntryMasked = 0x1;
}
