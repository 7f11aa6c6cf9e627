using System.Runtime.CompilerServices;

namespace Vmd.Enumeration.Capabilities;

/// <summary>
/// Which dword offsets of a function's 4 KiB config space were visited: one bit per dword, 1024 bits in
/// 16 inline words, so a walker can carry it by value and detect any cycle without allocating.
/// </summary>
[InlineArray(WordCount)]
internal struct ExtendedOffsetSet
{
    private const int WordCount = 16; // 4096 bytes / 4 per dword / 64 bits per word

    private ulong _word0;

    /// <summary>Marks a dword-aligned <paramref name="offset"/> (0x000–0xFFC); false when it was already marked.</summary>
    public bool Add(ushort offset)
    {
        int dword = (offset >> 2) & 0x3FF;
        ulong bit = 1UL << (dword & 63);
        ref ulong word = ref this[dword >> 6];
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        return true;
    }
}
