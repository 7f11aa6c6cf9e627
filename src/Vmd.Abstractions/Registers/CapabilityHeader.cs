namespace Vmd.Registers;

/// <summary>Layout of capability list entries (PCI Local Bus 3.0 §6.7; PCIe Base §7.6.1).</summary>
public static class CapabilityHeader
{
    /// <summary>Standard capability: byte 0 is the ID.</summary>
    public const ushort Id = 0x00;

    /// <summary>Standard capability: byte 1 is the next pointer (0 ends the list).</summary>
    public const ushort Next = 0x01;

    /// <summary>Low two bits of a standard pointer are reserved and masked off.</summary>
    public const byte PointerMask = 0xFC;

    /// <summary>Most entries a standard list can hold (192 bytes of 4-byte entries); a longer walk is a cycle.</summary>
    public const int MaxStandardEntries = 48;

    /// <summary>First extended capability header.</summary>
    public const ushort FirstExtended = 0x100;

    /// <summary>Extended header bits 15:0: capability ID.</summary>
    public const uint ExtendedIdMask = 0xFFFF;

    /// <summary>Extended header bits 19:16: capability version.</summary>
    public const int ExtendedVersionShift = 16;

    /// <summary>Extended header bits 31:20: next offset (0 ends the list; low two bits reserved).</summary>
    public const int ExtendedNextShift = 20;

    /// <summary>Extended header version field after <see cref="ExtendedVersionShift"/>: 4 bits.</summary>
    public const uint ExtendedVersionMask = 0xF;

    /// <summary>Extended next offset after <see cref="ExtendedNextShift"/>, reserved low two bits cleared as software must.</summary>
    public const uint ExtendedNextMask = 0xFFC;

    /// <summary>Most entries the extended space can hold (3840 bytes of 4-byte headers); a longer walk is a cycle.</summary>
    public const int MaxExtendedEntries = 960;
}
