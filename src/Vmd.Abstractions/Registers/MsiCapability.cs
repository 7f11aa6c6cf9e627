namespace Vmd.Registers;

/// <summary>Offsets and bits of the MSI capability (ID 0x05), PCI Local Bus 3.0 §6.8.1.</summary>
public static class MsiCapability
{
    /// <summary>Message Control (16 bits).</summary>
    public const ushort MessageControl = 0x02;

    /// <summary>Message Address (low 32 bits).</summary>
    public const ushort MessageAddress = 0x04;

    /// <summary>Message Upper Address (64-bit capable functions only).</summary>
    public const ushort MessageUpperAddress = 0x08;

    /// <summary>Message Data of a 32-bit capability.</summary>
    public const ushort MessageData32 = 0x08;

    /// <summary>Message Data of a 64-bit capability.</summary>
    public const ushort MessageData64 = 0x0C;

    /// <summary>Length of a 32-bit capability with per-vector masking (through Pending Bits).</summary>
    public const int Length32 = 0x14;

    /// <summary>Length of a 64-bit capability with per-vector masking (through Pending Bits).</summary>
    public const int Length64 = 0x18;

    /// <summary>Message Control bit 0: MSI Enable.</summary>
    public const ushort Enable = 1 << 0;

    /// <summary>Message Control bits 3:1: Multiple Message Capable (log2 of the count).</summary>
    public const ushort MultipleMessageCapableMask = 0x000E;

    /// <summary>Message Control bits 6:4: Multiple Message Enable.</summary>
    public const ushort MultipleMessageEnableMask = 0x0070;

    /// <summary>Message Control bit 7: 64-bit address capable.</summary>
    public const ushort Address64Capable = 1 << 7;

    /// <summary>Message Control bit 8: per-vector masking capable.</summary>
    public const ushort PerVectorMaskingCapable = 1 << 8;
}
