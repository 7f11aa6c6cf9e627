namespace Vmd;

/// <summary>
/// The port through which the library reads and writes PCI configuration space. A host kernel
/// implements it for its own segments (ECAM or legacy 0xCF8/0xCFC); the library implements it
/// again over the VMD's CFGBAR for the private domain.
/// </summary>
/// <remarks>
/// <para>Contract, for implementers:</para>
/// <list type="bullet">
/// <item>Each call is exactly one access of the named width at <c>offset</c>, naturally aligned
/// (the library never passes a misaligned offset or one above 0xFFF; it never passes 0x100 or above
/// when <see cref="HasExtendedSpace"/> is false). Never split a 16/32-bit access into bytes and
/// never widen a byte/word write into a dword read-modify-write: that clears RW1C status bits.</item>
/// <item>A function that does not exist reads all-ones (0xFF, 0xFFFF, 0xFFFFFFFF) and ignores writes.</item>
/// <item>Calls neither allocate nor throw; a write returns once it has reached the device.</item>
/// <item>Thread safety is the implementer's to state; the library serialises its own calls per VMD.</item>
/// </list>
/// </remarks>
public interface IConfigSpace
{
    /// <summary>True when offsets 0x100–0xFFF (PCIe extended space) can be reached; false for legacy port-I/O hosts.</summary>
    bool HasExtendedSpace { get; }

    /// <summary>Reads one byte at <paramref name="offset"/> (0x000–0xFFF).</summary>
    byte Read8(PciAddress address, ushort offset);

    /// <summary>Reads one 16-bit word at a 2-byte aligned <paramref name="offset"/>.</summary>
    ushort Read16(PciAddress address, ushort offset);

    /// <summary>Reads one 32-bit dword at a 4-byte aligned <paramref name="offset"/>.</summary>
    uint Read32(PciAddress address, ushort offset);

    /// <summary>Writes one byte at <paramref name="offset"/>.</summary>
    void Write8(PciAddress address, ushort offset, byte value);

    /// <summary>Writes one 16-bit word at a 2-byte aligned <paramref name="offset"/>.</summary>
    void Write16(PciAddress address, ushort offset, ushort value);

    /// <summary>Writes one 32-bit dword at a 4-byte aligned <paramref name="offset"/>.</summary>
    void Write32(PciAddress address, ushort offset, uint value);
}
