namespace Vmd.Registers;

/// <summary>
/// Where a VMD tells the host-physical addresses of its MEMBARs (hardware digest §3.1, §3.2): MEMBAR2
/// shadow registers (IDs with the MEMBAR2-shadow feature, valid when VMLOCK bit 1 is set) and the
/// vendor-specific "SHDW" capability a hypervisor presents to a guest.
/// </summary>
public static class VmdShadowRegisters
{
    /// <summary>MEMBAR2 + 0x2000: host-physical base of MEMBAR1 (64-bit).</summary>
    public const ulong MemBar2ShadowMemBar1 = 0x2000;

    /// <summary>MEMBAR2 + 0x2008: host-physical base of MEMBAR2 (64-bit).</summary>
    public const ulong MemBar2ShadowMemBar2 = 0x2008;

    /// <summary>SHDW capability + 0x04: signature dword.</summary>
    public const ushort ShdwSignatureOffset = 0x04;

    /// <summary>
    /// The signature read as a little-endian dword: 0x53484457. Config bytes cap+4…cap+7 are therefore
    /// 57 44 48 53 ('W','D','H','S'); the bytes "SHDW" in order read 0x57444853 and are not a match.
    /// </summary>
    public const uint ShdwSignature = 0x5348_4457;

    /// <summary>SHDW capability + 0x08: MEMBAR1 host-physical address, low 32 bits.</summary>
    public const ushort ShdwMemBar1Low = 0x08;

    /// <summary>SHDW capability + 0x0C: MEMBAR1 host-physical address, high 32 bits.</summary>
    public const ushort ShdwMemBar1High = 0x0C;

    /// <summary>SHDW capability + 0x10: MEMBAR2 host-physical address, low 32 bits.</summary>
    public const ushort ShdwMemBar2Low = 0x10;

    /// <summary>SHDW capability + 0x14: MEMBAR2 host-physical address, high 32 bits.</summary>
    public const ushort ShdwMemBar2High = 0x14;

    /// <summary>Length of the SHDW capability in bytes (through the MEMBAR2 high dword).</summary>
    public const byte ShdwLength = 0x18;
}
