using System.Buffers.Binary;
using Vmd.Simulation.Functions;

namespace Vmd.Benchmarks;

/// <summary>
/// The raw baseline port: a read is an array lookup by routing ID and a little-endian load from the simulated
/// function's own bytes. No segment or bus-range check, no lock, no simulator routing; the only checks are the
/// ones needed not to crash (null slot, span bounds). It counts reads in a plain field, like the library's port.
/// </summary>
/// <remarks>
/// Writes go straight to the function through its write masks (<see cref="SimulatedFunction.Write32"/>), so a full
/// enumeration can run once over this port in setup to give its enumerator the same records (BAR kinds and sizes)
/// as the library's; the benchmarks only time the read-only re-scan over it. Not thread-safe; benchmark use only.
/// </remarks>
internal sealed class RawConfigSpace : IConfigSpace
{
    private readonly SimulatedFunction?[] _functions;

    public RawConfigSpace(FunctionTable table) => _functions = table.Functions;

    /// <summary>Reads so far (plain field, incremented on every read).</summary>
    public long Reads { get; private set; }

    /// <summary>Writes so far.</summary>
    public long Writes { get; private set; }

    public bool HasExtendedSpace => true;

    public byte Read8(PciAddress address, ushort offset)
    {
        Reads++;
        SimulatedFunction? function = _functions[address.RoutingId];
        return function is null ? byte.MaxValue : function.ConfigBytes[offset];
    }

    public ushort Read16(PciAddress address, ushort offset)
    {
        Reads++;
        SimulatedFunction? function = _functions[address.RoutingId];
        return function is null ? ushort.MaxValue : BinaryPrimitives.ReadUInt16LittleEndian(function.ConfigBytes[offset..]);
    }

    public uint Read32(PciAddress address, ushort offset)
    {
        Reads++;
        SimulatedFunction? function = _functions[address.RoutingId];
        return function is null ? uint.MaxValue : BinaryPrimitives.ReadUInt32LittleEndian(function.ConfigBytes[offset..]);
    }

    public void Write8(PciAddress address, ushort offset, byte value)
    {
        Writes++;
        _functions[address.RoutingId]?.Write8(offset, value);
    }

    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        Writes++;
        _functions[address.RoutingId]?.Write16(offset, value);
    }

    public void Write32(PciAddress address, ushort offset, uint value)
    {
        Writes++;
        _functions[address.RoutingId]?.Write32(offset, value);
    }
}
