namespace Vmd.Registers;

/// <summary>Base Address Register encoding, PCI Local Bus 3.0 §6.2.5.1.</summary>
public static class BaseAddressBits
{
    /// <summary>Bit 0: 1 = I/O space BAR, 0 = memory BAR.</summary>
    public const uint IoSpace = 0x1;

    /// <summary>Bits 2:1 of a memory BAR: the locatable type.</summary>
    public const uint TypeMask = 0x6;

    /// <summary>Type 00b: 32-bit memory BAR.</summary>
    public const uint Type32 = 0x0;

    /// <summary>Type 01b: reserved since PCI 2.2 (PCI 2.1: 32-bit, located below 1 MiB).</summary>
    public const uint TypeBelow1MiB = 0x2;

    /// <summary>Type 10b: 64-bit memory BAR; the next BAR holds address bits 63:32.</summary>
    public const uint Type64 = 0x4;

    /// <summary>Type 11b: reserved; a BAR that reports it is malformed.</summary>
    public const uint TypeReserved = 0x6;

    /// <summary>Bit 3 of a memory BAR: prefetchable.</summary>
    public const uint Prefetchable = 0x8;

    /// <summary>Address bits of a memory BAR (31:4).</summary>
    public const uint MemoryAddressMask = 0xFFFF_FFF0;

    /// <summary>Address bits of an I/O BAR (31:2).</summary>
    public const uint IoAddressMask = 0xFFFF_FFFC;

    /// <summary>Value written to a BAR to size it: every writable address bit set, the read-back shows which stick.</summary>
    public const uint SizingPattern = 0xFFFF_FFFF;

    /// <summary>Expansion ROM: bit 0 enables decode.</summary>
    public const uint RomEnable = 0x1;

    /// <summary>Expansion ROM address bits (31:11).</summary>
    public const uint RomAddressMask = 0xFFFF_F800;
}
