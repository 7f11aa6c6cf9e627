using System;
using System.Buffers.Binary;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>An array-backed <see cref="IMmioRegion"/> with a hook run before each 32-bit write.</summary>
public sealed class FakeMmio : IMmioRegion
{
    private readonly byte[] _bytes;

    public FakeMmio(int length) => _bytes = new byte[length];

    public Action<nuint, uint>? BeforeWrite32 { get; set; }

    public int Writes { get; private set; }

    public ulong PhysicalAddress => 0xFE00_0000;

    public nuint Length => (nuint)_bytes.Length;

    public byte Read8(nuint offset) => _bytes[(int)offset];

    public ushort Read16(nuint offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)offset));

    public uint Read32(nuint offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)offset));

    public ulong Read64(nuint offset) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)offset));

    public void Write8(nuint offset, byte value) => throw new NotSupportedException("MSI-X entries are written as dwords.");

    public void Write16(nuint offset, ushort value) => throw new NotSupportedException("MSI-X entries are written as dwords.");

    public void Write32(nuint offset, uint value)
    {
        BeforeWrite32?.Invoke(offset, value);
        Writes++;
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan((int)offset), value);
    }

    public void Write64(nuint offset, ulong value) => throw new NotSupportedException("MSI-X entries are written as dwords.");
}
