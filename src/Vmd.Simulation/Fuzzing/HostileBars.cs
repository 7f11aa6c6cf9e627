using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Fuzzing;

/// <summary>
/// BARs of any size and type. Well-formed ones go through <see cref="FunctionBuilder"/> (they size and decode like
/// hardware); the malformed ones a builder refuses (a 64-bit BAR in the last slot, a BAR whose type bits are writable,
/// a size mask with holes) are raw registers with raw write masks, which is all sizing ever sees of them.
/// </summary>
internal static class HostileBars
{
    public static void Define(FuzzContext c, FunctionBuilder builder, int slots)
    {
        for (int i = 0; i < slots; i++)
        {
            bool hostile = c.Hostile();
            bool prefetchable = c.OneIn(3);
            switch (c.Random.Next(hostile ? 8 : 5))
            {
                case 0:
                case 1:
                    break; // not implemented
                case 2:
                {
                    ulong size = c.PowerOfTwo(4, hostile ? 31 : 24);
                    builder.MemoryBar(i, size, is64Bit: false, prefetchable, FirmwareAddress(c, size, 32));
                    Prefetchable(c, prefetchable);
                    break;
                }

                case 3:
                {
                    ulong size = c.PowerOfTwo(4, hostile ? 63 : 32);
                    if (i + 1 < slots)
                    {
                        builder.MemoryBar(i, size, is64Bit: true, prefetchable, FirmwareAddress(c, size, 64));
                        i++;
                    }
                    else
                    {
                        // No slot left for the upper dword: what follows the BAR (CardBus CIS, or a bridge's bus numbers) is read as it.
                        uint flags = BaseAddressBits.Type64 | (prefetchable ? BaseAddressBits.Prefetchable : 0);
                        builder.Function.DefineRegister(PciHeader.BaseAddress(i), 4, flags, (uint)~(size - 1) & BaseAddressBits.MemoryAddressMask);
                        c.Mark(FuzzFeatures.Bar64InLastSlot);
                    }

                    if (size >= 1UL << 40)
                    {
                        c.Mark(FuzzFeatures.OversizedBar);
                    }

                    Prefetchable(c, prefetchable);
                    break;
                }

                case 4:
                {
                    uint size = (uint)c.PowerOfTwo(2, 8);
                    builder.IoBar(i, size, (uint)c.Random.Next(0x10000) & ~(size - 1));
                    c.Mark(FuzzFeatures.IoBar);
                    break;
                }

                case 5:
                {
                    // Everything writable, type bits included: sizing reads back all-ones, a "1-byte" BAR of unknown type.
                    uint mask = c.OneIn(2) ? 0xFFFF_FFFF : c.NextUInt32();
                    builder.Function.DefineRegister(PciHeader.BaseAddress(i), 4, c.NextUInt32(), mask);
                    c.Mark(FuzzFeatures.MalformedBarMask);
                    break;
                }

                case 6 when i + 1 < slots:
                {
                    ulong size = c.PowerOfTwo(40, 63);
                    builder.MemoryBar(i, size, is64Bit: true, prefetchable, c.OneIn(2) ? 0 : size);
                    i++;
                    c.Mark(FuzzFeatures.OversizedBar);
                    break;
                }

                default:
                    builder.Function.DefineRegister(PciHeader.BaseAddress(i), 4, c.NextUInt32(), c.NextUInt32() & BaseAddressBits.MemoryAddressMask);
                    c.Mark(FuzzFeatures.MalformedBarMask);
                    break;
            }
        }
    }

    private static ulong FirmwareAddress(FuzzContext c, ulong size, int bits)
    {
        if (c.OneIn(2))
        {
            return 0;
        }

        ulong address = bits == 32 ? c.NextUInt32() : c.NextUInt64();
        return address & ~(size - 1);
    }

    private static void Prefetchable(FuzzContext c, bool prefetchable)
    {
        if (prefetchable)
        {
            c.Mark(FuzzFeatures.PrefetchableBar);
        }
    }
}
