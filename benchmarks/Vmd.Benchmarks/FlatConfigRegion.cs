using System.Buffers.Binary;
using Vmd.Simulation.Functions;

namespace Vmd.Benchmarks;

/// <summary>
/// A CFGBAR stand-in for measuring <see cref="Vmd.Core.Domain.VmdConfigSpace"/> alone: the 4 KiB page of one
/// function reads that function's simulated bytes directly (no machine lock, no BAR decode, no routing); every
/// other offset reads all-ones. Read-only: writes are dropped. Benchmark use only.
/// </summary>
internal sealed class FlatConfigRegion : IMmioRegion
{
    private const nuint PageMask = 0xFFF;
    private readonly SimulatedFunction _function;
    private readonly nuint _page;

    public FlatConfigRegion(SimulatedFunction function, nuint page, nuint length)
    {
        _function = function;
        _page = page;
        Length = length;
    }

    public ulong PhysicalAddress => 0;

    public nuint Length { get; }

    public byte Read8(nuint offset) => (offset & ~PageMask) == _page ? _function.ConfigBytes[(int)(offset & PageMask)] : byte.MaxValue;

    public ushort Read16(nuint offset) => (offset & ~PageMask) == _page ? BinaryPrimitives.ReadUInt16LittleEndian(_function.ConfigBytes[(int)(offset & PageMask)..]) : ushort.MaxValue;

    public uint Read32(nuint offset) => (offset & ~PageMask) == _page ? BinaryPrimitives.ReadUInt32LittleEndian(_function.ConfigBytes[(int)(offset & PageMask)..]) : uint.MaxValue;

    public ulong Read64(nuint offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(nuint offset, byte value)
    {
    }

    public void Write16(nuint offset, ushort value)
    {
    }

    public void Write32(nuint offset, uint value)
    {
    }

    public void Write64(nuint offset, ulong value)
    {
    }
}
