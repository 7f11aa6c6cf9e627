using System;
using Vmd.Enumeration.Functions;

namespace Vmd.Enumeration.Resources;

/// <summary>Top-down: root-bus requests into the apertures, everything else into its bridge's windows.</summary>
public sealed partial class ResourceAssigner
{
    /// <summary>Bus range of each aperture, and the largest space one offers below 4 GiB and anywhere.</summary>
    private void MeasureApertures(ReadOnlySpan<Aperture> apertures)
    {
        _largestBelow4GiB = 0;
        _largestAnywhere = 0;
        for (int a = 0; a < apertures.Length; a++)
        {
            Aperture aperture = apertures[a];
            ulong first = aperture.BusBase;
            ulong last = aperture.Length == 0 ? 0 : first + (aperture.Length - 1);
            if (aperture.Length == 0)
            {
                first = 1; // empty: first > last
            }
            else if (last < first)
            {
                last = ulong.MaxValue; // wraps past 2^64: keep what exists
            }

            _apertureFirst[a] = first;
            _apertureLast[a] = last;
            _bytesUsed[a] = 0;
            if (first > last)
            {
                continue;
            }

            ulong length = last - first; // minus one, so a 2^64-byte aperture cannot overflow
            _largestAnywhere = Math.Max(_largestAnywhere, length == ulong.MaxValue ? length : length + 1);
            if (first <= ResourceMath.Highest32BitAddress)
            {
                _largestBelow4GiB = Math.Max(_largestBelow4GiB, Math.Min(last, ResourceMath.Highest32BitAddress) - first + 1);
            }
        }
    }

    /// <summary>
    /// Places root-bus BARs and windows, largest alignment first, first fit. A BAR that does not fit takes its
    /// whole function out (its placed requests are given back, so later requests can use the space); a window
    /// that does not fit stays closed and only what needs it is lost.
    /// </summary>
    private void PlaceOnRootBus(ReadOnlySpan<PciFunction> functions, int apertureCount)
    {
        for (int a = 0; a < apertureCount; a++)
        {
            if (_apertureFirst[a] <= _apertureLast[a])
            {
                _free.Add(a, _apertureFirst[a], _apertureLast[a]);
            }
        }

        int count = 0;
        for (int k = 0; k < _itemCount; k++)
        {
            if (_items[k].Route == ResourceRoute.RootBus && !IsDead(_items[k].Function))
            {
                _order[count++] = k;
            }
        }

        SortByAlignment(count);
        for (int n = 0; n < count; n++)
        {
            int k = _order[n];
            ref ResourceItem item = ref _items[k];
            int owner = item.Function;
            if (IsDead(owner))
            {
                continue; // lost an earlier BAR in this pass
            }

            if (TryPlace(ref item, apertureCount))
            {
                item.State = ResourceState.Placed;
                _bytesUsed[item.Aperture] += item.Size;
                continue;
            }

            functions[owner].Issues |= FunctionIssues.NoApertureSpace;
            item.State = ResourceState.Failed;
            if (item.IsWindow)
            {
                _state[owner] |= item.Slot == ResourceItem.MemoryWindowSlot ? FunctionState.MemoryWindowFailed : FunctionState.PrefetchableWindowFailed;
            }
            else
            {
                _state[owner] |= FunctionState.Dead;
                ReleaseRootItems(owner);
            }
        }
    }

    /// <summary>
    /// Tries the apertures in preference order. A request that may go above 4 GiB tries apertures reaching above
    /// 4 GiB first ("64-bit BARs where they fit, below otherwise"), keeping the scarce 32-bit space for what needs
    /// it; any other request only uses bus addresses below 4 GiB, apertures wholly below first.
    /// </summary>
    private bool TryPlace(ref ResourceItem item, int apertureCount)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            for (int a = 0; a < apertureCount; a++)
            {
                bool reachesAbove = _apertureLast[a] > ResourceMath.Highest32BitAddress;
                bool wanted = item.MayGoAbove4GiB ? reachesAbove == (pass == 0) : reachesAbove == (pass == 1);
                if (!wanted)
                {
                    continue;
                }

                ulong highest = item.MayGoAbove4GiB ? ulong.MaxValue : ResourceMath.Highest32BitAddress;
                if (_free.TryAllocate(a, item.Size, item.Alignment, highest, out ulong bus))
                {
                    item.BusAddress = bus;
                    item.Aperture = a;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Gives back the apertures' space held by <paramref name="function"/>'s placed root-bus requests.</summary>
    private void ReleaseRootItems(int function)
    {
        for (int k = _firstBarItem[function]; k < _firstBarItem[function] + _barItemCount[function]; k++)
        {
            Release(ref _items[k]);
        }

        if (_memoryWindowItem[function] >= 0)
        {
            Release(ref _items[_memoryWindowItem[function]]);
        }

        if (_prefetchableWindowItem[function] >= 0)
        {
            Release(ref _items[_prefetchableWindowItem[function]]);
        }
    }

    private void Release(ref ResourceItem item)
    {
        if (item.State == ResourceState.Placed)
        {
            _free.Add(item.Aperture, item.BusAddress, item.BusAddress + item.Size - 1);
            _bytesUsed[item.Aperture] -= item.Size;
        }

        item.State = ResourceState.Failed;
    }

    /// <summary>
    /// Forward pass (parents before children): each request below a bridge takes the offset fixed when the window
    /// was sized. A function whose parent is down, or whose BAR's window is closed, gets nothing
    /// (<see cref="FunctionIssues.UpstreamUnassigned"/>); a bridge whose window's container is closed keeps that
    /// window closed.
    /// </summary>
    private void PlaceBelowBridges(ReadOnlySpan<PciFunction> functions)
    {
        for (int i = 0; i < functions.Length; i++)
        {
            int parent = _parent[i];
            if (parent < 0 || Has(i, FunctionState.Unsupported))
            {
                continue;
            }

            PciFunction function = functions[i];
            if (!IsDead(i) && IsDead(parent))
            {
                _state[i] |= FunctionState.Dead;
                function.Issues |= FunctionIssues.UpstreamUnassigned;
            }

            if (IsDead(i))
            {
                continue;
            }

            int first = _firstBarItem[i];
            int end = first + _barItemCount[i];
            bool reachable = true;
            for (int k = first; k < end; k++)
            {
                reachable &= Container(parent, _items[k].Route) >= 0;
            }

            if (!reachable)
            {
                _state[i] |= FunctionState.Dead;
                function.Issues |= FunctionIssues.UpstreamUnassigned;
                continue;
            }

            for (int k = first; k < end; k++)
            {
                PlaceInside(ref _items[k], Container(parent, _items[k].Route));
            }

            if (_memoryWindowItem[i] >= 0)
            {
                PlaceWindowInside(function, i, _memoryWindowItem[i], parent, FunctionState.MemoryWindowFailed);
            }

            if (_prefetchableWindowItem[i] >= 0)
            {
                PlaceWindowInside(function, i, _prefetchableWindowItem[i], parent, FunctionState.PrefetchableWindowFailed);
            }
        }
    }

    private void PlaceWindowInside(PciFunction bridge, int index, int item, int parent, FunctionState failed)
    {
        int container = Container(parent, _items[item].Route);
        if (container < 0)
        {
            _items[item].State = ResourceState.Failed;
            _state[index] |= failed;
            bridge.Issues |= FunctionIssues.UpstreamUnassigned;
            return;
        }

        PlaceInside(ref _items[item], container);
    }

    private void PlaceInside(ref ResourceItem item, int container)
    {
        ref ResourceItem window = ref _items[container];
        item.BusAddress = window.BusAddress + item.Offset;
        item.Aperture = window.Aperture;
        item.State = ResourceState.Placed;
    }

    /// <summary>The placed window of <paramref name="bridge"/> that <paramref name="route"/> leads into, or -1.</summary>
    private int Container(int bridge, ResourceRoute route)
    {
        int window = route switch
        {
            ResourceRoute.ParentMemory => _memoryWindowItem[bridge],
            ResourceRoute.ParentPrefetchable => _prefetchableWindowItem[bridge],
            _ => -1,
        };
        return window >= 0 && _items[window].State == ResourceState.Placed ? window : -1;
    }
}
