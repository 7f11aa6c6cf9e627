using System;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Resources;

/// <summary>Bottom-up: what each function asks for and how large each bridge window must be.</summary>
public sealed partial class ResourceAssigner
{
    /// <summary>
    /// Forward pass: resets each record, flags I/O BARs, turns every memory BAR into a request routed to the root bus
    /// or a window of the parent bridge, and drops functions with a BAR no aperture could hold.
    /// </summary>
    private void CollectBars(ReadOnlySpan<PciFunction> functions)
    {
        _itemCount = 0;
        for (int i = 0; i < functions.Length; i++)
        {
            PciFunction function = functions[i];
            function.Issues &= ~OwnedIssues;
            function.Assigned = false;
            function.BarCpuStorage.Clear();
            _firstBarItem[i] = _itemCount;
            _barItemCount[i] = 0;
            _memoryWindowItem[i] = -1;
            _prefetchableWindowItem[i] = -1;
            _state[i] = FunctionState.None;

            if (function.Layout is not (HeaderType.Endpoint or HeaderType.Bridge))
            {
                // CardBus or reserved layouts are listed but never configured.
                _state[i] = FunctionState.Unsupported | FunctionState.Dead;
                continue;
            }

            int parent = _parent[i];
            if (parent >= 0 && IsDead(parent))
            {
                _state[i] |= FunctionState.Dead;
                function.Issues |= FunctionIssues.UpstreamUnassigned;
            }

            if (function.IsBridge)
            {
                ClassifyPrefetchableWindow(function, i, parent);
            }

            CollectBarsOf(function, i, parent);
        }
    }

    private void ClassifyPrefetchableWindow(PciFunction bridge, int index, int parent)
    {
        // The prefetchable window is optional (PCI-to-PCI Bridge 1.2 §3.2.5.9): when absent its registers are
        // read-only zero. The walker left an implemented window closed (base 0xFFF0 > limit 0), which reads
        // non-zero; a 64-bit window is implemented by definition.
        BridgeInfo info = bridge.Bridge;
        bool implemented = info.Prefetchable64 || info.Prefetchable.IsEnabled
            || _config.Read32(bridge.Address, Type1Header.PrefetchableMemoryBase) != 0;
        if (!implemented)
        {
            return;
        }

        _state[index] |= FunctionState.PrefetchableImplemented;
        if (info.Prefetchable64 && (parent < 0 || Has(parent, FunctionState.Prefetchable64Path)))
        {
            _state[index] |= FunctionState.Prefetchable64Path;
        }
    }

    private void CollectBarsOf(PciFunction function, int index, int parent)
    {
        if ((function.Issues & FunctionIssues.MalformedBar) != 0)
        {
            // A BAR that could not be sized still decodes whatever it holds: memory decode must stay off.
            Drop(index);
            return;
        }

        ReadOnlySpan<PciBar> bars = function.Bars;
        for (int slot = 0; slot < bars.Length; slot++)
        {
            PciBar bar = bars[slot];
            if (bar.Kind == PciBarKind.Io)
            {
                // No I/O space is routed behind a VMD: the BAR is never written and I/O decode never enabled.
                function.Issues |= FunctionIssues.IoBarUnsupported;
                continue;
            }

            if (bar.Kind is not (PciBarKind.Memory32 or PciBarKind.Memory64) || bar.Size == 0 || IsDead(index))
            {
                continue;
            }

            if (bar.Is64Bit && slot + 1 >= bars.Length)
            {
                // A 64-bit BAR in the last slot has no upper half to write; writing one would hit the next register.
                function.Issues |= FunctionIssues.MalformedBar;
                Drop(index);
                continue;
            }

            ResourceRoute route = parent < 0 ? ResourceRoute.RootBus
                : bar.Prefetchable && Has(parent, FunctionState.PrefetchableImplemented) ? ResourceRoute.ParentPrefetchable
                : ResourceRoute.ParentMemory; // a prefetchable BAR may always be mapped non-prefetchable

            // Only a 64-bit BAR can take an address above 4 GiB, and only outside a 32-bit NP window.
            bool mayGoAbove = bar.Is64Bit && route != ResourceRoute.ParentMemory;
            bool reachesAbove = mayGoAbove && (route == ResourceRoute.RootBus || Has(parent, FunctionState.Prefetchable64Path));
            if (!ResourceMath.TryRoundUpToPowerOfTwo(bar.Size, out ulong size) || size > (reachesAbove ? _largestAnywhere : _largestBelow4GiB))
            {
                function.Issues |= FunctionIssues.BarLargerThanApertures;
                Drop(index);
                continue;
            }

            AddItem(index, slot, size, size, route, mayGoAbove);
        }

        _barItemCount[index] = _itemCount - _firstBarItem[index];
    }

    /// <summary>All or nothing: a function that cannot have one BAR gets none; its requests are withdrawn.</summary>
    private void Drop(int index)
    {
        _state[index] |= FunctionState.Dead;
        _itemCount = _firstBarItem[index];
    }

    /// <summary>
    /// Reverse pass (children before parents): sizes both windows of every live bridge from its live children and
    /// adds them as requests to the bridge's parent. A window no aperture could hold stays closed, and the children
    /// that need it lose their resources; the other window is then sized again without them.
    /// </summary>
    private void SizeWindows(ReadOnlySpan<PciFunction> functions)
    {
        for (int i = functions.Length - 1; i >= 0; i--)
        {
            PciFunction bridge = functions[i];
            if (!bridge.IsBridge || IsDead(i))
            {
                continue;
            }

            bool hotPlug = bridge.Express.HotPlugCapable;
            bool prefetchable = Has(i, FunctionState.PrefetchableImplemented);
            ulong memoryReserve = hotPlug ? _hotPlugMemoryReserve : 0;
            ulong prefetchableReserve = hotPlug && prefetchable ? _hotPlugPrefetchableReserve : 0;
            bool memoryFailed = false;
            bool prefetchableFailed = false;
            ulong memorySize = 0, memoryAlignment = 0, prefetchableSize = 0, prefetchableAlignment = 0;
            bool prefetchableAbove = false;

            // Each round closes at least one window, so three rounds always settle.
            for (int round = 0; round < 3; round++)
            {
                bool changed = false;
                if (!memoryFailed)
                {
                    Measure(i, ResourceRoute.ParentMemory, memoryReserve, out memorySize, out memoryAlignment, out _);
                    if (memorySize > _largestBelow4GiB)
                    {
                        memoryFailed = changed = true;
                        bridge.Issues |= FunctionIssues.BarLargerThanApertures;
                        KillChildrenRoutedTo(functions, i, ResourceRoute.ParentMemory);
                    }
                }

                if (!prefetchableFailed)
                {
                    Measure(i, ResourceRoute.ParentPrefetchable, prefetchableReserve, out prefetchableSize, out prefetchableAlignment, out bool contentsAbove);
                    prefetchableAbove = contentsAbove && bridge.Bridge.Prefetchable64;
                    bool reachesAbove = prefetchableAbove && Has(i, FunctionState.Prefetchable64Path);
                    if (prefetchableSize > (reachesAbove ? _largestAnywhere : _largestBelow4GiB))
                    {
                        prefetchableFailed = changed = true;
                        bridge.Issues |= FunctionIssues.BarLargerThanApertures;
                        KillChildrenRoutedTo(functions, i, ResourceRoute.ParentPrefetchable);
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            int parent = _parent[i];
            if (memoryFailed)
            {
                _state[i] |= FunctionState.MemoryWindowFailed;
            }
            else if (memorySize != 0)
            {
                // The NP window register is 32-bit: the window and everything in it stay below 4 GiB.
                ResourceRoute route = parent < 0 ? ResourceRoute.RootBus : ResourceRoute.ParentMemory;
                _memoryWindowItem[i] = AddItem(i, ResourceItem.MemoryWindowSlot, memorySize, memoryAlignment, route, false);
            }

            if (prefetchableFailed)
            {
                _state[i] |= FunctionState.PrefetchableWindowFailed;
            }
            else if (prefetchableSize != 0)
            {
                ResourceRoute route = parent < 0 ? ResourceRoute.RootBus
                    : Has(parent, FunctionState.PrefetchableImplemented) ? ResourceRoute.ParentPrefetchable
                    : ResourceRoute.ParentMemory;
                bool mayGoAbove = prefetchableAbove && route != ResourceRoute.ParentMemory;
                _prefetchableWindowItem[i] = AddItem(i, ResourceItem.PrefetchableWindowSlot, prefetchableSize, prefetchableAlignment, route, mayGoAbove);
            }
        }
    }

    /// <summary>
    /// Packs the live children's requests routed to one window of <paramref name="bridge"/>: largest alignment
    /// first, each at the next naturally aligned offset (recorded on the request, so placement later reproduces this
    /// layout exactly), the total rounded up to 1 MiB and raised to <paramref name="reserve"/>. The window's own
    /// alignment is the largest child alignment, at least 1 MiB, so every child offset stays naturally aligned on
    /// the bus. <paramref name="size"/> is <see cref="ulong.MaxValue"/> when the sum overflows.
    /// </summary>
    private void Measure(int bridge, ResourceRoute route, ulong reserve, out ulong size, out ulong alignment, out bool allMayGoAbove)
    {
        int count = 0;
        for (int child = _firstChild[bridge]; child >= 0; child = _nextSibling[child])
        {
            if (IsDead(child))
            {
                continue;
            }

            for (int k = _firstBarItem[child]; k < _firstBarItem[child] + _barItemCount[child]; k++)
            {
                if (_items[k].Route == route)
                {
                    _order[count++] = k;
                }
            }

            if (_memoryWindowItem[child] >= 0 && _items[_memoryWindowItem[child]].Route == route)
            {
                _order[count++] = _memoryWindowItem[child];
            }

            if (_prefetchableWindowItem[child] >= 0 && _items[_prefetchableWindowItem[child]].Route == route)
            {
                _order[count++] = _prefetchableWindowItem[child];
            }
        }

        SortByAlignment(count);
        ulong cursor = 0;
        alignment = WindowGranularity;
        allMayGoAbove = true;
        bool overflow = false;
        for (int n = 0; n < count; n++)
        {
            ref ResourceItem item = ref _items[_order[n]];
            alignment = Math.Max(alignment, item.Alignment);
            allMayGoAbove &= item.MayGoAbove4GiB;
            if (overflow || !ResourceMath.TryAlignUp(cursor, item.Alignment, out ulong offset) || item.Size > ulong.MaxValue - offset)
            {
                overflow = true;
                continue;
            }

            item.Offset = offset;
            cursor = offset + item.Size;
        }

        size = 0;
        if (overflow || !ResourceMath.TryAlignUp(cursor, WindowGranularity, out size) || !ResourceMath.TryAlignUp(reserve, WindowGranularity, out ulong reserved))
        {
            size = ulong.MaxValue;
            return;
        }

        size = Math.Max(size, reserved);
    }

    private void KillChildrenRoutedTo(ReadOnlySpan<PciFunction> functions, int bridge, ResourceRoute route)
    {
        for (int child = _firstChild[bridge]; child >= 0; child = _nextSibling[child])
        {
            if (!IsDead(child) && NeedsRoute(child, route))
            {
                KillSubtree(functions, child);
            }
        }
    }

    private bool NeedsRoute(int function, ResourceRoute route)
    {
        for (int k = _firstBarItem[function]; k < _firstBarItem[function] + _barItemCount[function]; k++)
        {
            if (_items[k].Route == route)
            {
                return true;
            }
        }

        return (_memoryWindowItem[function] >= 0 && _items[_memoryWindowItem[function]].Route == route)
            || (_prefetchableWindowItem[function] >= 0 && _items[_prefetchableWindowItem[function]].Route == route);
    }
}
