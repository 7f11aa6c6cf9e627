namespace Vmd;

/// <summary>
/// A mapped range of physical memory (a BAR or a window) with volatile, ordered, single accesses.
/// </summary>
/// <remarks>
/// Implementers: every call is one access of exactly the named width at <c>offset</c>, not reordered
/// or merged with others (use volatile loads and stores over uncached memory). The library never
/// passes a misaligned offset or one past <see cref="Length"/>. Calls must not allocate or throw:
/// some happen at interrupt time. The library never disposes a region; it hands it back to
/// <see cref="IMmioMapper.Unmap"/>.
/// </remarks>
public interface IMmioRegion
{
    /// <summary>The physical address the region starts at, as the CPU sees it.</summary>
    ulong PhysicalAddress { get; }

    /// <summary>Length of the region in bytes.</summary>
    nuint Length { get; }

    /// <summary>Reads one byte.</summary>
    byte Read8(nuint offset);

    /// <summary>Reads one 16-bit word (2-byte aligned).</summary>
    ushort Read16(nuint offset);

    /// <summary>Reads one 32-bit dword (4-byte aligned).</summary>
    uint Read32(nuint offset);

    /// <summary>Reads one 64-bit qword (8-byte aligned).</summary>
    ulong Read64(nuint offset);

    /// <summary>Writes one byte.</summary>
    void Write8(nuint offset, byte value);

    /// <summary>Writes one 16-bit word (2-byte aligned).</summary>
    void Write16(nuint offset, ushort value);

    /// <summary>Writes one 32-bit dword (4-byte aligned).</summary>
    void Write32(nuint offset, uint value);

    /// <summary>Writes one 64-bit qword (8-byte aligned).</summary>
    void Write64(nuint offset, ulong value);
}
