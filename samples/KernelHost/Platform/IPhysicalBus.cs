namespace KernelHost.Platform;

/// <summary>
/// The kernel's lowest layer: one load or store of exactly 1, 2, 4 or 8 bytes at a physical address, naturally
/// aligned, uncached and in program order. On hardware it is a volatile access through the kernel's
/// uncached direct map (<see cref="Memory.DirectMappedBus"/>); in this sample the simulator plays the chipset.
/// </summary>
/// <remarks>
/// Every port of the sample (ECAM config space, MMIO regions, DMA buffers) goes through this interface and nothing
/// else, so swapping the implementation is the whole port to real hardware. Implementations must not allocate or
/// throw: the library reaches them at interrupt time through <see cref="Vmd.IMmioRegion"/>. An address nothing
/// claims reads all-ones and drops writes, as on a PC.
/// </remarks>
public interface IPhysicalBus
{
    /// <summary>Loads one byte.</summary>
    byte Load8(ulong physicalAddress);

    /// <summary>Loads one 16-bit word (2-byte aligned).</summary>
    ushort Load16(ulong physicalAddress);

    /// <summary>Loads one 32-bit dword (4-byte aligned).</summary>
    uint Load32(ulong physicalAddress);

    /// <summary>Loads one 64-bit qword (8-byte aligned).</summary>
    ulong Load64(ulong physicalAddress);

    /// <summary>Stores one byte.</summary>
    void Store8(ulong physicalAddress, byte value);

    /// <summary>Stores one 16-bit word (2-byte aligned).</summary>
    void Store16(ulong physicalAddress, ushort value);

    /// <summary>Stores one 32-bit dword (4-byte aligned).</summary>
    void Store32(ulong physicalAddress, uint value);

    /// <summary>Stores one 64-bit qword (8-byte aligned).</summary>
    void Store64(ulong physicalAddress, ulong value);
}
