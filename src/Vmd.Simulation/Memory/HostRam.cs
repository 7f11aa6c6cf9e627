using System;
using System.Collections.Generic;

namespace Vmd.Simulation.Memory;

/// <summary>
/// The host's RAM that drivers hand to devices for DMA: one range of physical addresses, plain memory that reads
/// back what was written and reads zero where nothing was written. Pages are backed on first write, so a large
/// range costs nothing until it is used. Allocation is a bump pointer: nothing is ever freed.
/// </summary>
/// <remarks>Not thread-safe on its own; callers hold the machine's lock.</remarks>
internal sealed class HostRam
{
    private const int PageShift = 12;
    private const int PageSize = 1 << PageShift;
    private const ulong PageOffsetMask = PageSize - 1;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private ulong _next;

    public HostRam(ulong baseAddress, ulong size)
    {
        Base = baseAddress;
        Size = size;
        _next = baseAddress;
    }

    public ulong Base { get; }

    public ulong Size { get; }

    /// <summary>Bytes handed out so far (alignment padding and skipped ranges included).</summary>
    public ulong Used => _next - Base;

    /// <summary>True when [address, address + length) lies inside the RAM range.</summary>
    public bool Contains(ulong address, ulong length) =>
        address >= Base && length <= Size && address - Base <= Size - length;

    /// <summary>
    /// Reserves <paramref name="length"/> bytes aligned to <paramref name="alignment"/>, skipping ranges for which
    /// <paramref name="isTaken"/> returns true. False when the range is exhausted.
    /// </summary>
    public bool TryAllocate(ulong length, ulong alignment, Func<ulong, ulong, bool> isTaken, out ulong address)
    {
        ulong candidate = AlignUp(_next, alignment);
        while (candidate >= _next && Contains(candidate, length))
        {
            if (!isTaken(candidate, length))
            {
                address = candidate;
                _next = candidate + length;
                return true;
            }

            ulong skipped = AlignUp(candidate + PageSize, alignment);
            if (skipped <= candidate)
            {
                break;
            }

            candidate = skipped;
        }

        address = 0;
        return false;
    }

    public ulong Read(ulong address, int width)
    {
        Span<byte> bytes = stackalloc byte[8];
        Read(address, bytes[..width]);
        return AccessWidth.Read(bytes, width);
    }

    public void Write(ulong address, int width, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        AccessWidth.Write(bytes, width, value);
        Write(address, bytes[..width]);
    }

    /// <summary>Copies RAM into <paramref name="destination"/>; the range must be inside RAM.</summary>
    public void Read(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            int inPage = (int)(at & PageOffsetMask);
            int chunk = Math.Min(PageSize - inPage, destination.Length - done);
            Span<byte> target = destination.Slice(done, chunk);
            if (_pages.TryGetValue(at >> PageShift, out byte[]? page))
            {
                page.AsSpan(inPage, chunk).CopyTo(target);
            }
            else
            {
                target.Clear();
            }

            done += chunk;
        }
    }

    /// <summary>Copies <paramref name="source"/> into RAM; the range must be inside RAM.</summary>
    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        int done = 0;
        while (done < source.Length)
        {
            ulong at = address + (ulong)done;
            int inPage = (int)(at & PageOffsetMask);
            int chunk = Math.Min(PageSize - inPage, source.Length - done);
            ulong number = at >> PageShift;
            if (!_pages.TryGetValue(number, out byte[]? page))
            {
                page = new byte[PageSize];
                _pages.Add(number, page);
            }

            source.Slice(done, chunk).CopyTo(page.AsSpan(inPage, chunk));
            done += chunk;
        }
    }

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
