using System.Diagnostics;
using KernelHost.Platform;
using Vmd;

namespace KernelHost.Memory;

/// <summary>
/// One mapping handed out by <see cref="KernelMmioMapper"/>: a physical range, each access one load or store of the
/// named width on the <see cref="IPhysicalBus"/>.
/// </summary>
/// <remarks>
/// Interrupt-safe: no allocation, no lock, no throw (the library reads Pending Bit Arrays and, on Meteor Lake, a
/// child's BAR0 from interrupt context). Bounds and alignment are the library's promise, so they are only asserted
/// in debug builds; a kernel would page-fault on a stray access instead.
/// </remarks>
public sealed class KernelMmioRegion : IMmioRegion
{
    private readonly IPhysicalBus _bus;

    internal KernelMmioRegion(IPhysicalBus bus, ulong physicalAddress, nuint length)
    {
        _bus = bus;
        PhysicalAddress = physicalAddress;
        Length = length;
    }

    /// <inheritdoc />
    public ulong PhysicalAddress { get; }

    /// <inheritdoc />
    public nuint Length { get; }

    /// <summary>False once the region was given back to the mapper.</summary>
    public bool IsMapped { get; internal set; } = true;

    /// <inheritdoc />
    public byte Read8(nuint offset) => _bus.Load8(At(offset, 1));

    /// <inheritdoc />
    public ushort Read16(nuint offset) => _bus.Load16(At(offset, 2));

    /// <inheritdoc />
    public uint Read32(nuint offset) => _bus.Load32(At(offset, 4));

    /// <inheritdoc />
    public ulong Read64(nuint offset) => _bus.Load64(At(offset, 8));

    /// <inheritdoc />
    public void Write8(nuint offset, byte value) => _bus.Store8(At(offset, 1), value);

    /// <inheritdoc />
    public void Write16(nuint offset, ushort value) => _bus.Store16(At(offset, 2), value);

    /// <inheritdoc />
    public void Write32(nuint offset, uint value) => _bus.Store32(At(offset, 4), value);

    /// <inheritdoc />
    public void Write64(nuint offset, ulong value) => _bus.Store64(At(offset, 8), value);

    private ulong At(nuint offset, uint width)
    {
        Debug.Assert(IsMapped, "access after Unmap");
        Debug.Assert((offset & (width - 1)) == 0 && offset <= Length && Length - offset >= width, "misaligned or outside the region");
        return PhysicalAddress + offset;
    }
}
