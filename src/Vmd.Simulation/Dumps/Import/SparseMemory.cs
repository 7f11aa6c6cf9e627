using System.Collections.Generic;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>
/// Memory behind an imported function's BAR: reads 0 until written, keeps what is written (4 KiB pages allocated on
/// first write), so a driver can program registers it knows nothing about without the BAR reading all-ones.
/// </summary>
internal sealed class SparseMemory : IMemoryTarget
{
    private const int PageShift = 12;
    private const ulong PageMask = (1UL << PageShift) - 1;

    private readonly Dictionary<ulong, byte[]> _pages = [];

    public ulong Read(ulong offset, int width)
    {
        if (!_pages.TryGetValue(offset >> PageShift, out byte[]? page))
        {
            return 0;
        }

        int at = (int)(offset & PageMask);
        ulong value = 0;
        for (int i = 0; i < width; i++)
        {
            value |= (ulong)page[at + i] << (8 * i);
        }

        return value;
    }

    public void Write(ulong offset, int width, ulong value)
    {
        ulong key = offset >> PageShift;
        if (!_pages.TryGetValue(key, out byte[]? page))
        {
            page = new byte[1 << PageShift];
            _pages.Add(key, page);
        }

        int at = (int)(offset & PageMask);
        for (int i = 0; i < width; i++)
        {
            page[at + i] = (byte)(value >> (8 * i));
        }
    }
}
