using System;
using System.Buffers.Binary;

namespace Vmd.Interrupts.Tests.Fakes;

/// <summary>An <see cref="IMmioRegion"/> over a byte array, little-endian; every access is counted. Allocation-free.</summary>
public sealed class FakeMmioRegion : IMmioRegion
{
    private readonly byte[] _bytes;

    public FakeMmioRegion(int length, ulong physicalAddress = 0xFE00_0000)
    {
        _bytes = new byte[length];
        PhysicalAddress = physicalAddress;
    }

    public ulong PhysicalAddress { get; }

    public nuint Length => (nuint)_bytes.Length;

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    public byte Read8(nuint offset)
    {
        Reads++;
        return _bytes[(int)offset];
    }

    public ushort Read16(nuint offset)
    {
        Reads++;
        return BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)offset));
    }

    public uint Read32(nuint offset)
    {
        Reads++;
        return BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)offset));
    }

    public ulong Read64(nuint offset)
    {
        Reads++;
        return BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)offset));
    }

    public void Write8(nuint offset, byte value)
    {
        Writes++;
        _bytes[(int)offset] = value;
    }

    public void Write16(nuint offset, ushort value)
    {
        Writes++;
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan((int)offset), value);
    }

    public void Write32(nuint offset, uint value)
    {
        Writes++;
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan((int)offset), value);
    }

    public void Write64(nuint offset, ulong value)
    {
        Writes++;
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan((int)offset), value);
    }

    // Test setup and inspection: not counted.
    public FakeMmioRegion Set32(int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public uint Get32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));
}
