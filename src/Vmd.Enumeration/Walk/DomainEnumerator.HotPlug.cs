using System;
using Vmd.Enumeration.Functions;

namespace Vmd.Enumeration.Walk;

/// <summary>Hot-plug: enumerate or drop the functions below one bridge without touching the rest of the domain.</summary>
public sealed partial class DomainEnumerator
{
    /// <summary>
    /// Enumerates what is now below <paramref name="bridge"/> (after a hot insertion): the functions on its secondary
    /// bus and below, numbered only inside the bus numbers the bridge already owns (secondary to subordinate, which the
    /// full enumeration reserved for hot-plug slots). Whatever the list held below the bridge is dropped first. The
    /// walk order stays depth-first, so a later <see cref="Rescan"/> compares like with like.
    /// </summary>
    /// <returns>The functions added, in walk order (a slice of <see cref="WalkOrder"/>, valid until the next change).</returns>
    /// <exception cref="ArgumentException"><paramref name="bridge"/> is not a numbered bridge of this domain's list.</exception>
    public ReadOnlySpan<PciFunction> EnumerateBelow(PciFunction bridge)
    {
        int root = RequireBridge(bridge);
        RemoveBelow(bridge);
        int before = _count;
        _firstBus = _roots[root].FirstBus;
        _lastBus = bridge.Bridge.Subordinate;
        _nextBus = bridge.Bridge.Secondary + 1;
        _exclusive?.BeginExclusive();
        try
        {
            ScanBus(bridge.Bridge.Secondary, bridge, bridge.Depth + 1);
        }
        finally
        {
            _exclusive?.EndExclusive();
        }

        int added = _count - before;
        if (added > 0)
        {
            RestoreWalkOrder();
        }

        Sort();
        ComputeFingerprint();
        return Slice(bridge, added);
    }

    /// <summary>
    /// Drops every function below <paramref name="bridge"/> from the list (after a removal), keeping their records for
    /// reuse. Writes nothing to the hardware: the functions may already be gone.
    /// </summary>
    /// <returns>How many functions were dropped.</returns>
    /// <exception cref="ArgumentException"><paramref name="bridge"/> is not a numbered bridge of this domain's list.</exception>
    public int RemoveBelow(PciFunction bridge)
    {
        RequireBridge(bridge);
        int kept = 0;
        int removed = 0;
        Span<int> rootKept = stackalloc int[_roots.Length];
        int root = 0;
        for (int i = 0; i < _count; i++)
        {
            while (root < _roots.Length - 1 && i >= _rootEnd[root])
            {
                root++;
            }

            PciFunction function = _functions[i];
            if (IsBelow(function, bridge))
            {
                removed++;
                continue;
            }

            rootKept[root]++;
            if (kept != i)
            {
                // Move the kept record forward; the dropped one goes to the freed slot so no record is lost.
                (_functions[kept], _functions[i]) = (_functions[i], _functions[kept]);
                (_latency[kept], _latency[i]) = (_latency[i], _latency[kept]);
            }

            kept++;
        }

        if (removed == 0)
        {
            return 0;
        }

        int end = 0;
        for (int r = 0; r < _roots.Length; r++)
        {
            end += rootKept[r];
            _rootEnd[r] = end;
        }

        _count = kept;
        Sort();
        ComputeFingerprint();
        return removed;
    }

    /// <summary>True when <paramref name="ancestor"/> is on <paramref name="function"/>'s chain of parents.</summary>
    public static bool IsBelow(PciFunction function, PciFunction ancestor)
    {
        ArgumentNullException.ThrowIfNull(function);
        int steps = 0;
        for (PciFunction? up = function.Parent; up is not null && steps < 256; up = up.Parent, steps++)
        {
            if (ReferenceEquals(up, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    private int RequireBridge(PciFunction bridge)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        for (int i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_functions[i], bridge))
            {
                if (!bridge.IsBridge || bridge.Bridge.Secondary == 0 || bridge.Bridge.Subordinate < bridge.Bridge.Secondary)
                {
                    break;
                }

                for (int r = 0; r < _roots.Length; r++)
                {
                    if (i < _rootEnd[r])
                    {
                        return r;
                    }
                }
            }
        }

        throw new ArgumentException($"{bridge.Address} is not a numbered bridge in this domain's list.", nameof(bridge));
    }

    private ReadOnlySpan<PciFunction> Slice(PciFunction bridge, int added)
    {
        for (int i = 0; i < _count; i++)
        {
            if (IsBelow(_functions[i], bridge))
            {
                return _functions.AsSpan(i, added);
            }
        }

        return ReadOnlySpan<PciFunction>.Empty;
    }

    /// <summary>
    /// Puts the list back in the order a full walk gives — per root bus: a bus's functions in the order found, then what
    /// lies below each of its bridges — using the parent links only (no hardware access).
    /// </summary>
    private void RestoreWalkOrder()
    {
        var ordered = new PciFunction[_count];
        var latency = new byte[_count];
        int written = 0;
        for (int r = 0; r < _roots.Length; r++)
        {
            Emit(null, _roots[r].FirstBus, ordered, latency, ref written, 0);
            _rootEnd[r] = written;
        }

        // Every record must come out exactly once; a parent cycle (impossible for records this class built) would not.
        if (written != _count)
        {
            throw new InvalidOperationException("The function list does not form a tree.");
        }

        Array.Copy(ordered, _functions, _count);
        Array.Copy(latency, _latency, _count);
    }

    private void Emit(PciFunction? parent, int rootBus, PciFunction[] ordered, byte[] latency, ref int written, int depth)
    {
        if (depth > 256)
        {
            return;
        }

        int first = written;
        for (int i = 0; i < _count; i++)
        {
            PciFunction function = _functions[i];
            if (ReferenceEquals(function.Parent, parent) && (parent is not null || function.Address.Bus == rootBus))
            {
                latency[written] = _latency[i];
                ordered[written++] = _functions[i];
            }
        }

        int last = written;
        for (int k = first; k < last; k++)
        {
            if (ordered[k].IsBridge)
            {
                Emit(ordered[k], rootBus, ordered, latency, ref written, depth + 1);
            }
        }
    }
}
