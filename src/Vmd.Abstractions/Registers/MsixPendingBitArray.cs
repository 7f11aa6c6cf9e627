namespace Vmd.Registers;

/// <summary>
/// The MSI-X Pending Bit Array, PCIe Base §7.7.2.5: one read-only bit per table entry, packed into QWORDs
/// (entry n is bit n mod 64 of QWORD n / 64). Software may read it with DWORD accesses: entry n is then
/// bit n mod 32 of the DWORD at byte offset 4 · (n / 32).
/// </summary>
public static class MsixPendingBitArray
{
    /// <summary>Size of one PBA element in bytes (a QWORD).</summary>
    public const int QwordSize = 8;

    /// <summary>Pending bits per QWORD.</summary>
    public const int BitsPerQword = 64;

    /// <summary>Pending bits per DWORD, for hosts that read the array 32 bits at a time.</summary>
    public const int BitsPerDword = 32;

    /// <summary>Size of one DWORD in bytes.</summary>
    public const int DwordSize = 4;
}
