namespace Vmd.Registers;

/// <summary>
/// Mask Bits and Pending Bits registers of the MSI capability (ID 0x05), present when Message Control
/// bit 8 (per-vector masking capable) is set, PCI Local Bus 3.0 §6.8.1.7–§6.8.1.8. Bit n masks or reports
/// message n of the function's enabled messages.
/// </summary>
public static class MsiMaskBits
{
    /// <summary>Mask Bits (32 bits) of a capability with a 32-bit Message Address.</summary>
    public const ushort MaskBits32 = 0x0C;

    /// <summary>Pending Bits (32 bits, read-only) of a capability with a 32-bit Message Address.</summary>
    public const ushort PendingBits32 = 0x10;

    /// <summary>Mask Bits (32 bits) of a 64-bit capable capability.</summary>
    public const ushort MaskBits64 = 0x10;

    /// <summary>Pending Bits (32 bits, read-only) of a 64-bit capable capability.</summary>
    public const ushort PendingBits64 = 0x14;
}
