namespace Vmd.Registers;

/// <summary>Offsets of the header fields common to type 0 and type 1 (PCI Local Bus 3.0 §6.1; PCIe Base §7.5.1.1).</summary>
public static class PciHeader
{
    /// <summary>Vendor ID (16 bits); 0xFFFF means no function.</summary>
    public const ushort VendorId = 0x00;

    /// <summary>Device ID (16 bits).</summary>
    public const ushort DeviceId = 0x02;

    /// <summary>Command register (16 bits, <see cref="PciCommand"/>).</summary>
    public const ushort Command = 0x04;

    /// <summary>Status register (16 bits, <see cref="PciStatus"/>; error bits RW1C).</summary>
    public const ushort Status = 0x06;

    /// <summary>Revision ID (8 bits). The dword at this offset shifted right by 8 is the class code.</summary>
    public const ushort RevisionId = 0x08;

    /// <summary>Programming interface, low byte of the class code.</summary>
    public const ushort ProgrammingInterface = 0x09;

    /// <summary>Sub-class code (8 bits); the word here is base class and sub-class (0x0604 for a PCI bridge).</summary>
    public const ushort SubClass = 0x0A;

    /// <summary>Base class code (8 bits).</summary>
    public const ushort BaseClass = 0x0B;

    /// <summary>Cache Line Size (8 bits).</summary>
    public const ushort CacheLineSize = 0x0C;

    /// <summary>Latency Timer (8 bits).</summary>
    public const ushort LatencyTimer = 0x0D;

    /// <summary>Header Type (8 bits, <see cref="HeaderType"/>): bits 6:0 layout, bit 7 multi-function.</summary>
    public const ushort HeaderType = 0x0E;

    /// <summary>BIST (8 bits).</summary>
    public const ushort Bist = 0x0F;

    /// <summary>Base Address Register 0; BAR n is at 0x10 + 4·n (six in type 0, two in type 1).</summary>
    public const ushort BaseAddress0 = 0x10;

    /// <summary>Capabilities Pointer (8 bits, low 2 bits reserved); valid when Status bit 4 is set.</summary>
    public const ushort CapabilitiesPointer = 0x34;

    /// <summary>Interrupt Line (8 bits).</summary>
    public const ushort InterruptLine = 0x3C;

    /// <summary>Interrupt Pin (8 bits); meaningless behind a VMD, which has no INTx.</summary>
    public const ushort InterruptPin = 0x3D;

    /// <summary>Size of the standard header; capabilities live above it.</summary>
    public const ushort Length = 0x40;

    /// <summary>Offset of BAR <paramref name="index"/> (0–5).</summary>
    public static ushort BaseAddress(int index) => (ushort)(BaseAddress0 + (4 * index));
}
