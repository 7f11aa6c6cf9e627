using System.Buffers.Binary;
using Vmd.Simulation.Functions;

namespace Vmd.Benchmarks;

/// <summary>
/// A CFGBAR stand-in over a <see cref="FunctionTable"/>: ECAM offset → (bus index, device, function, register) →
/// the function's own bytes, with no machine lock, BAR decode or bridge routing. Under the library's
/// <see cref="Vmd.Core.Domain.VmdConfigSpace"/> it isolates the library port's own share of a walk. Writes go to the
/// function through its write masks. Benchmark use only.
/// </summary>
internal sealed class TableConfigRegion : IMmioRegion
{
    private const int PageShift = 12;
    private const int PageMask = 0xFFF;
    private readonly SimulatedFunction?[] _functions;
    private readonly int _firstSlot;

    public TableConfigRegion(FunctionTable table, nuint length)
    {
        _functions = table.Functions;
        _firstSlot = table.FirstBus << 8;
        Length = length;
    }

    public ulong PhysicalAddress => 0;

    public nuint Length { get; }

    public byte Read8(nuint offset)
    {
        SimulatedFunction? function = At(offset);
        return function is null ? byte.MaxValue : function.ConfigBytes[(int)offset & PageMask];
    }

    public ushort Read16(nuint offset)
    {
        SimulatedFunction? function = At(offset);
        return function is null ? ushort.MaxValue : BinaryPrimitives.ReadUInt16LittleEndian(function.ConfigBytes[((int)offset & PageMask)..]);
    }

    public uint Read32(nuint offset)
    {
        SimulatedFunction? function = At(offset);
        return function is null ? uint.MaxValue : BinaryPrimitives.ReadUInt32LittleEndian(function.ConfigBytes[((int)offset & PageMask)..]);
    }

    public ulong Read64(nuint offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(nuint offset, byte value) => At(offset)?.Write8((ushort)((int)offset & PageMask), value);

    public void Write16(nuint offset, ushort value) => At(offset)?.Write16((ushort)((int)offset & PageMask), value);

    public void Write32(nuint offset, uint value) => At(offset)?.Write32((ushort)((int)offset & PageMask), value);

    public void Write64(nuint offset, ulong value)
    {
        Write32(offset, (uint)value);
        Write32(offset + 4, (uint)(value >> 32));
    }

    private SimulatedFunction? At(nuint offset) => _functions[_firstSlot + (int)(offset >> PageShift)];
}
