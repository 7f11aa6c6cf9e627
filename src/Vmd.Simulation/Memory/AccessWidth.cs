using System;
using System.Buffers.Binary;

namespace Vmd.Simulation.Memory;

/// <summary>Little-endian access helpers shared by the byte-array models.</summary>
internal static class AccessWidth
{
    /// <summary>The value an unclaimed read of <paramref name="width"/> bytes returns (a master abort).</summary>
    public static ulong AllOnes(int width) => width >= 8 ? ulong.MaxValue : (1UL << (width * 8)) - 1;

    public static bool IsValid(int width) => width is 1 or 2 or 4 or 8;

    public static ulong Read(ReadOnlySpan<byte> bytes, int width) => width switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    public static void Write(Span<byte> bytes, int width, ulong value)
    {
        switch (width)
        {
            case 1:
                bytes[0] = (byte)value;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                break;
        }
    }
}
