namespace Vmd.Registers;

/// <summary>
/// The x86 MSI address and data format (Intel SDM Vol. 3 §11.11): address 0xFEEx_xxxx with the
/// destination APIC ID in bits 19:12, data bits 7:0 the vector. A VMD in remap mode reuses bits 19:12
/// of a child's message address as the index of its own MSI-X entry (hardware digest §8.1).
/// </summary>
public static class X86MsiAddress
{
    /// <summary>Base of the MSI address window.</summary>
    public const uint Base = 0xFEE0_0000;

    /// <summary>Bits compared against <see cref="Base"/> to recognise an MSI write (31:20).</summary>
    public const uint WindowMask = 0xFFF0_0000;

    /// <summary>Shift of the destination ID (bits 19:12).</summary>
    public const int DestinationIdShift = 12;

    /// <summary>Destination ID field after shifting (8 bits).</summary>
    public const uint DestinationIdMask = 0xFF;

    /// <summary>Message data bits 7:0: the vector.</summary>
    public const uint DataVectorMask = 0xFF;
}
