using System;
using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Fuzzing;

/// <summary>
/// Capability lists written byte by byte: well-formed chains of common IDs with random bodies, or chains that loop,
/// point into the header, are unaligned, or run past the end of the space. Bodies may get random write masks.
/// </summary>
internal static class HostileCapabilities
{
    private const int StandardSlots = 12; // 0x40, 0x50, ... 0xF0: room for a small body each
    private const int ExtendedSlots = 60; // 0x100, 0x140, ... 0xFC0
    private static readonly byte[] StandardIds = [0x01, 0x05, 0x10, 0x11, 0x09, 0x0D, 0x03];
    private static readonly ushort[] ExtendedIds = [0x0001, 0x0003, 0x0018, 0x001D, 0x000B, 0x0010, 0x0015, 0x000E];

    public static void DefineStandard(FuzzContext c, SimulatedFunction f)
    {
        int count = c.Random.Next(0, 5);
        if (count == 0)
        {
            return;
        }

        Span<byte> offsets = stackalloc byte[count];
        Span<int> slots = stackalloc int[StandardSlots];
        Shuffle(c, slots);
        for (int i = 0; i < count; i++)
        {
            offsets[i] = (byte)(0x40 + (slots[i] * 0x10));
        }

        f.Set16(PciHeader.Status, (ushort)(f.Read16(PciHeader.Status) | (ushort)PciStatus.CapabilitiesList));
        f.Set8(PciHeader.CapabilitiesPointer, offsets[0]);
        for (int i = 0; i < count; i++)
        {
            byte at = offsets[i];
            byte id = c.OneIn(8) ? c.NextByte() : StandardIds[c.Random.Next(StandardIds.Length)];
            f.Set8(at, id);
            f.Set8((ushort)(at + 1), i + 1 < count ? offsets[i + 1] : (byte)0);
            Body(c, f, (ushort)(at + 2), 14);
        }

        if (!c.Hostile())
        {
            return;
        }

        byte last = offsets[count - 1];
        switch (c.Random.Next(5))
        {
            case 0:
                f.Set8((ushort)(last + 1), offsets[c.Random.Next(count)]);
                c.Mark(FuzzFeatures.CapabilityCycle);
                break;
            case 1:
                f.Set8((ushort)(last + 1), (byte)c.Random.Next(1, 0x40));
                c.Mark(FuzzFeatures.CapabilityIntoHeader);
                break;
            case 2:
                f.Set8((ushort)(last + 1), (byte)(offsets[c.Random.Next(count)] | c.Random.Next(1, 4)));
                c.Mark(FuzzFeatures.CapabilityUnaligned);
                break;
            case 3:
                // A PCI Express or MSI-X capability in the last dword: its registers lie past 0xFF.
                f.Set8((ushort)(last + 1), 0xFC);
                f.Set8(0xFC, c.OneIn(2) ? (byte)0x10 : (byte)0x11);
                f.Set8(0xFD, c.OneIn(2) ? (byte)0 : (byte)0xFF);
                c.Mark(FuzzFeatures.CapabilityPastEnd);
                break;
            default:
                f.Set8(PciHeader.CapabilitiesPointer, c.OneIn(2) ? (byte)c.Random.Next(0, 0x40) : (byte)(offsets[0] | 2));
                c.Mark(FuzzFeatures.CapabilityIntoHeader);
                break;
        }
    }

    public static void DefineExtended(FuzzContext c, SimulatedFunction f)
    {
        int count = c.Random.Next(0, 4);
        if (count == 0)
        {
            return;
        }

        Span<ushort> offsets = stackalloc ushort[count];
        Span<int> slots = stackalloc int[ExtendedSlots];
        Shuffle(c, slots[1..]);
        offsets[0] = CapabilityHeader.FirstExtended;
        for (int i = 1; i < count; i++)
        {
            offsets[i] = (ushort)(CapabilityHeader.FirstExtended + (slots[i] * 0x40));
        }

        for (int i = 0; i < count; i++)
        {
            ushort id = c.OneIn(8) ? c.NextUInt16() : ExtendedIds[c.Random.Next(ExtendedIds.Length)];
            uint next = i + 1 < count ? offsets[i + 1] : 0u;
            f.Set32(offsets[i], Header(id, (uint)c.Random.Next(16), next));
            Body(c, f, (ushort)(offsets[i] + 4), 60);
        }

        if (!c.Hostile())
        {
            return;
        }

        ushort last = offsets[count - 1];
        uint lastHeader = f.Read32(last) & 0xF_FFFF;
        uint target = c.Random.Next(5) switch
        {
            0 => offsets[c.Random.Next(count)], // a cycle (possibly onto itself)
            1 => (uint)c.Random.Next(1, 0x40) << 2, // below 0x100
            2 => (uint)(offsets[c.Random.Next(count)] | c.Random.Next(1, 4)), // unaligned
            3 => 0xFFC, // the last dword: a capability whose registers lie past 0xFFF
            _ => 0xFFF,
        };
        f.Set32(last, lastHeader | (target << CapabilityHeader.ExtendedNextShift));
        if (target == 0xFFC)
        {
            f.Set32(0xFFC, Header(ExtendedIds[c.Random.Next(ExtendedIds.Length)], 1, c.OneIn(2) ? 0u : 0xFFCu));
        }

        c.Mark(FuzzFeatures.ExtendedCapabilityBroken);
    }

    private static uint Header(ushort id, uint version, uint next) =>
        id | ((version & CapabilityHeader.ExtendedVersionMask) << CapabilityHeader.ExtendedVersionShift) | ((next & 0xFFF) << CapabilityHeader.ExtendedNextShift);

    // Random register contents; now and then random read-write and write-1-to-clear masks, so writes land in odd ways.
    private static void Body(FuzzContext c, SimulatedFunction f, ushort from, int length)
    {
        bool masks = c.Hostile();
        for (int i = 0; i < length; i++)
        {
            ushort at = (ushort)(from + i);
            f.Set8(at, c.NextByte());
            if (masks)
            {
                f.SetWritable(at, 1, c.NextByte());
                f.SetWriteOneToClear(at, 1, c.OneIn(4) ? c.NextByte() : 0u);
            }
        }

        if (masks)
        {
            c.Mark(FuzzFeatures.RandomRegisters);
        }
    }

    private static void Shuffle(FuzzContext c, Span<int> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i + (values.Length == ExtendedSlots - 1 ? 1 : 0);
        }

        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = c.Random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
