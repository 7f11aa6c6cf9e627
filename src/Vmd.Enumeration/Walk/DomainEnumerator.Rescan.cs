using System;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Walk;

/// <summary>The read-only re-scan: walk the programmed topology into the second record pool, compare, swap.</summary>
public sealed partial class DomainEnumerator
{
    /// <summary>
    /// Walks the domain again without writing, following the bus numbers as programmed, and refreshes
    /// the records. Returns true when the domain is unchanged (same functions, IDs, bus numbers, BARs);
    /// then no allocation happens and <see cref="Fingerprint"/> is the same as before.
    /// </summary>
    public bool Rescan()
    {
        _exclusive?.BeginExclusive();
        try
        {
            return RescanAll();
        }
        finally
        {
            _exclusive?.EndExclusive();
        }
    }

    private bool RescanAll()
    {
        EnsureScratchCapacity(_functions.Length);
        Array.Clear(_visitedBuses);
        int previousCount = _count;
        int found = 0;
        int vanished = 0;
        for (int root = 0; root < _roots.Length; root++)
        {
            _firstBus = _roots[root].FirstBus;
            _lastBus = _roots[root].LastBus;
            RescanBus(_firstBus, null, 0, ref found, ref vanished);
            _rootEnd[root] = found;
        }

        bool unchanged = found == previousCount && vanished == 0;
        for (int i = 0; unchanged && i < found; i++)
        {
            unchanged = SameIdentity(_scratch[i], _functions[i]);
        }

        (_functions, _scratch) = (_scratch, _functions);
        _count = found;
        VanishedFunctions = vanished;
        Sort();
        ComputeFingerprint();
        return unchanged;
    }

    private void RescanBus(int bus, PciFunction? parent, int depth, ref int found, ref int vanished)
    {
        _visitedBuses[bus >> 6] |= 1UL << (bus & 63);
        int first = found;
        bool linkBelow = parent is not null && parent.Express.IsDownstreamPort;
        int lastDevice = linkBelow ? 0 : PciAddress.MaxDevice;
        for (int device = 0; device <= lastDevice; device++)
        {
            var function0 = new PciAddress(_segment, (byte)bus, device, 0);
            uint ids = _config.Read32(function0, PciHeader.VendorId);
            if (IsAbsent(ids))
            {
                continue;
            }

            PciFunction? head = RescanOne(function0, ids, parent, depth, ref found, ref vanished);
            if (head is not null && head.IsMultiFunction)
            {
                for (int function = 1; function <= PciAddress.MaxFunction; function++)
                {
                    PciAddress address = function0.WithFunction(function);
                    uint more = _config.Read32(address, PciHeader.VendorId);
                    if (!IsAbsent(more))
                    {
                        RescanOne(address, more, parent, depth, ref found, ref vanished);
                    }
                }
            }
        }

        // Same order as Enumerate: a bus's own functions first, then what lies below each bridge.
        int last = found;
        for (int i = first; i < last; i++)
        {
            PciFunction bridge = _scratch[i];
            if (!bridge.IsBridge)
            {
                continue;
            }

            int secondary = bridge.Bridge.Secondary;
            bool inside = secondary > bus && secondary <= _lastBus && bridge.Bridge.Subordinate >= secondary;
            if (inside && (_visitedBuses[secondary >> 6] & (1UL << (secondary & 63))) == 0)
            {
                RescanBus(secondary, bridge, depth + 1, ref found, ref vanished);
            }
        }
    }

    private PciFunction? RescanOne(PciAddress address, uint ids, PciFunction? parent, int depth, ref int found, ref int vanished)
    {
        if (found >= _options.MaxFunctions)
        {
            return null;
        }

        EnsureScratchCapacity(found + 1);
        PciFunction record = _scratch[found] ??= new PciFunction();
        if (!FunctionDecoder.TryDecode(_config, address, ids, record, readWindows: true, out _))
        {
            vanished++;
            return null;
        }

        record.Parent = parent;
        record.Depth = depth;
        PciFunction? before = FindPrevious(found, address, ids);
        if (!RefreshBars(record, before))
        {
            vanished++; // gone between its header and its BARs: not listed half-read
            return null;
        }

        found++;
        return record;
    }

    private bool RefreshBars(PciFunction record, PciFunction? before)
    {
        // Sizes come from the full enumeration: sizing writes the BARs, and a re-scan never writes.
        Span<PciBar> bars = record.BarStorage;
        for (int i = 0; i < record.BarCount; i++)
        {
            PciBar old = before is not null && i < before.BarCount ? before.Bars[i] : PciBar.NotImplemented(i);
            if (old.Kind is PciBarKind.None or PciBarKind.Io)
            {
                bars[i] = old;
                continue;
            }

            uint low = _config.Read32(record.Address, PciHeader.BaseAddress(i));
            if (low == uint.MaxValue)
            {
                return false; // a BAR never reads all-ones (reserved type): the function is gone
            }

            uint high = old.Kind == PciBarKind.Memory64 && i + 1 < record.BarCount ? _config.Read32(record.Address, PciHeader.BaseAddress(i + 1)) : 0;
            ulong busAddress = PciBarDecoder.DecodeAddress(old.Kind, low, high);
            ulong cpu = before!.GetBarCpuAddress(i);
            record.SetBarSize(i, old, busAddress, cpu == 0 ? 0 : unchecked(cpu - old.Address + busAddress));
        }

        // Every register was read after the header: a function that went away in between left all-ones in some of them
        // (a bridge's windows, a 64-bit BAR's upper half), which no single value can tell. One Vendor ID read at the end
        // does (fuzz seed 67823: a bridge vanishing after its BARs left all-ones windows).
        if (record.BarCount > 0 && _config.Read32(record.Address, PciHeader.VendorId) == uint.MaxValue)
        {
            return false;
        }

        if (before is null)
        {
            // Not sized, not placed: listing it as unassigned without a reason would hide it from the kernel's checks.
            record.Assigned = false;
            record.Issues |= FunctionIssues.FoundByRescan;
        }
        else
        {
            record.Assigned = before.Assigned;
            record.Issues |= before.Issues & ~(FunctionIssues.MalformedCapabilities | FunctionIssues.MalformedExtendedCapabilities);
            record.ExpansionRom = before.ExpansionRom;
        }

        return true;
    }

    private PciFunction? FindPrevious(int index, PciAddress address, uint ids)
    {
        if (index < _count && Matches(_functions[index], address, ids))
        {
            return _functions[index];
        }

        for (int i = 0; i < _count; i++)
        {
            if (Matches(_functions[i], address, ids))
            {
                return _functions[i];
            }
        }

        return null;
    }

    private static bool Matches(PciFunction function, PciAddress address, uint ids) =>
        function.Address == address && function.VendorId == (ushort)ids && function.DeviceId == (ushort)(ids >> 16);

    private static bool SameIdentity(PciFunction now, PciFunction before)
    {
        if (now.Address != before.Address || now.VendorId != before.VendorId || now.DeviceId != before.DeviceId
            || now.ClassCode != before.ClassCode || now.HeaderType != before.HeaderType || now.BarCount != before.BarCount)
        {
            return false;
        }

        if (now.IsBridge && (now.Bridge.Secondary != before.Bridge.Secondary || now.Bridge.Subordinate != before.Bridge.Subordinate))
        {
            return false;
        }

        ReadOnlySpan<PciBar> a = now.Bars;
        ReadOnlySpan<PciBar> b = before.Bars;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }
}
