using System;
using System.Threading;
using KernelHost.Platform;

namespace KernelHost.Memory;

/// <summary>
/// The <see cref="IPhysicalBus"/> of a real kernel: volatile loads and stores through a pointer into the kernel's
/// uncached direct map of physical memory (virtual = <c>directMapBase</c> + physical). Not used by the simulated
/// run; it is here so the hardware shape compiles under NativeAOT, and the sample's tests run it over plain memory.
/// </summary>
/// <remarks>
/// <see cref="Volatile"/> keeps the JIT/AOT compiler from caching, merging, splitting or reordering the accesses;
/// the uncached page attributes keep the CPU from doing so. A naturally aligned access of 1–8 bytes is
/// one instruction on x86-64, so it never tears. No allocation, no lock, no throw: interrupt-safe.
/// </remarks>
public sealed unsafe class DirectMappedBus : IPhysicalBus
{
    private readonly byte* _directMap;

    /// <summary>Creates the bus over a direct map starting at <paramref name="directMapBase"/> (0 for identity mapping).</summary>
    public DirectMappedBus(nint directMapBase) => _directMap = (byte*)directMapBase;

    /// <inheritdoc />
    public byte Load8(ulong physicalAddress) => Volatile.Read(ref *At(physicalAddress));

    /// <inheritdoc />
    public ushort Load16(ulong physicalAddress) => Volatile.Read(ref *(ushort*)At(physicalAddress));

    /// <inheritdoc />
    public uint Load32(ulong physicalAddress) => Volatile.Read(ref *(uint*)At(physicalAddress));

    /// <inheritdoc />
    public ulong Load64(ulong physicalAddress) => Volatile.Read(ref *(ulong*)At(physicalAddress));

    /// <inheritdoc />
    public void Store8(ulong physicalAddress, byte value) => Volatile.Write(ref *At(physicalAddress), value);

    /// <inheritdoc />
    public void Store16(ulong physicalAddress, ushort value) => Volatile.Write(ref *(ushort*)At(physicalAddress), value);

    /// <inheritdoc />
    public void Store32(ulong physicalAddress, uint value) => Volatile.Write(ref *(uint*)At(physicalAddress), value);

    /// <inheritdoc />
    public void Store64(ulong physicalAddress, ulong value) => Volatile.Write(ref *(ulong*)At(physicalAddress), value);

    private byte* At(ulong physicalAddress) => _directMap + physicalAddress;
}
