namespace Vmd.Enumeration.Resources;

/// <summary>
/// Free bus-address ranges of the apertures, sorted by aperture then address. First fit with natural alignment,
/// so smaller requests placed later fill the padding that larger-aligned ones left. Allocates only in
/// <see cref="Reset"/> when the capacity must grow.
/// </summary>
internal sealed class FreeRangeList
{
    private FreeRange[] _ranges = [];
    private int _count;

    /// <summary>Empties the list and makes room for <paramref name="capacity"/> ranges.</summary>
    public void Reset(int capacity)
    {
        if (_ranges.Length < capacity)
        {
            _ranges = new FreeRange[capacity];
        }

        _count = 0;
    }

    /// <summary>Adds [<paramref name="first"/>, <paramref name="last"/>] of <paramref name="aperture"/>, merging with touching neighbours.</summary>
    public void Add(int aperture, ulong first, ulong last)
    {
        if (first > last || _count == _ranges.Length)
        {
            return; // capacity is sized so this cannot happen; losing a free range is safe, overlapping is not
        }

        int at = 0;
        while (at < _count && (_ranges[at].Aperture < aperture || (_ranges[at].Aperture == aperture && _ranges[at].First < first)))
        {
            at++;
        }

        for (int i = _count; i > at; i--)
        {
            _ranges[i] = _ranges[i - 1];
        }

        _ranges[at] = new FreeRange(aperture, first, last);
        _count++;

        if (at + 1 < _count && Touches(_ranges[at], _ranges[at + 1]))
        {
            _ranges[at] = new FreeRange(aperture, first, System.Math.Max(last, _ranges[at + 1].Last));
            RemoveAt(at + 1);
        }

        if (at > 0 && Touches(_ranges[at - 1], _ranges[at]))
        {
            _ranges[at - 1] = new FreeRange(aperture, _ranges[at - 1].First, System.Math.Max(_ranges[at - 1].Last, _ranges[at].Last));
            RemoveAt(at);
        }
    }

    /// <summary>
    /// Takes <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of two) from the lowest
    /// free range of <paramref name="aperture"/> where they fit entirely at or below <paramref name="highest"/>.
    /// </summary>
    public bool TryAllocate(int aperture, ulong size, ulong alignment, ulong highest, out ulong address)
    {
        for (int i = 0; i < _count; i++)
        {
            FreeRange range = _ranges[i];
            if (range.Aperture != aperture)
            {
                continue;
            }

            if (range.First > highest)
            {
                break;
            }

            if (!ResourceMath.TryAlignUp(range.First, alignment, out ulong start) || start > range.Last || size - 1 > range.Last - start)
            {
                continue;
            }

            ulong last = start + size - 1;
            if (last > highest)
            {
                continue;
            }

            Split(i, start, last);
            address = start;
            return true;
        }

        address = 0;
        return false;
    }

    private void Split(int index, ulong start, ulong last)
    {
        FreeRange range = _ranges[index];
        bool before = start > range.First;
        bool after = last < range.Last;
        if (before && after)
        {
            if (_count == _ranges.Length)
            {
                // Cannot happen with the capacity Reset was given; drop the upper remainder rather than overlap.
                _ranges[index] = new FreeRange(range.Aperture, range.First, start - 1);
                return;
            }

            for (int i = _count; i > index + 1; i--)
            {
                _ranges[i] = _ranges[i - 1];
            }

            _count++;
            _ranges[index] = new FreeRange(range.Aperture, range.First, start - 1);
            _ranges[index + 1] = new FreeRange(range.Aperture, last + 1, range.Last);
        }
        else if (before)
        {
            _ranges[index] = new FreeRange(range.Aperture, range.First, start - 1);
        }
        else if (after)
        {
            _ranges[index] = new FreeRange(range.Aperture, last + 1, range.Last);
        }
        else
        {
            RemoveAt(index);
        }
    }

    private void RemoveAt(int index)
    {
        for (int i = index; i < _count - 1; i++)
        {
            _ranges[i] = _ranges[i + 1];
        }

        _count--;
    }

    private static bool Touches(FreeRange lower, FreeRange upper) =>
        lower.Aperture == upper.Aperture && lower.Last != ulong.MaxValue && lower.Last + 1 >= upper.First;

    private readonly struct FreeRange
    {
        public FreeRange(int aperture, ulong first, ulong last)
        {
            Aperture = aperture;
            First = first;
            Last = last;
        }

        public int Aperture { get; }

        public ulong First { get; }

        public ulong Last { get; }
    }
}
