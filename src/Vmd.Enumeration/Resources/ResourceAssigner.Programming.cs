using System;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Resources;

/// <summary>Writing the outcome into the hardware and the records.</summary>
public sealed partial class ResourceAssigner
{
    private const ushort DecodeBits = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    /// <summary>
    /// Forward pass: turns decode off, then writes each placed BAR and each bridge window. Decode is off first
    /// because a BAR or window rewritten while it decodes claims a half-written range for a moment (and after a
    /// second assignment the old values are live). Nothing outside <paramref name="functions"/> is written.
    /// </summary>
    private void Program(ReadOnlySpan<PciFunction> functions, ReadOnlySpan<Aperture> apertures)
    {
        for (int i = 0; i < functions.Length; i++)
        {
            if (Has(i, FunctionState.Unsupported))
            {
                continue;
            }

            PciFunction function = functions[i];
            PciAddress address = function.Address;

            // I/O Space Enable is cleared with the rest: nothing behind a VMD may decode I/O.
            const ushort quiesce = DecodeBits | (ushort)PciCommand.IoSpaceEnable;
            ushort command = _config.Read16(address, PciHeader.Command);
            if ((command & quiesce) != 0)
            {
                command = _config.Update16(address, PciHeader.Command, quiesce, 0);
            }

            function.Command = command;
            if (!IsDead(i) && _parent[i] >= 0 && IsDead(_parent[i]))
            {
                // The parent lost its resources while being programmed (a BAR that did not keep its address).
                _state[i] |= FunctionState.Dead;
                function.Issues |= FunctionIssues.UpstreamUnassigned;
            }

            if (!IsDead(i))
            {
                WriteBars(function, i, apertures);
            }

            if (function.IsBridge)
            {
                WriteWindows(function, i);
            }
        }
    }

    private void WriteBars(PciFunction function, int index, ReadOnlySpan<Aperture> apertures)
    {
        for (int k = _firstBarItem[index]; k < _firstBarItem[index] + _barItemCount[index]; k++)
        {
            ref ResourceItem item = ref _items[k];
            ulong bus = item.BusAddress;
            ushort offset = PciHeader.BaseAddress(item.Slot);

            // The low four bits are read-only type flags; writing 0 there is ignored. The upper dword of a 64-bit
            // BAR is always written, 0 included: it may hold anything from firmware or an earlier assignment.
            _config.Write32(function.Address, offset, (uint)bus);
            bool is64Bit = function.Bars[item.Slot].Is64Bit;
            if (is64Bit)
            {
                _config.Write32(function.Address, (ushort)(offset + 4), (uint)(bus >> 32));
            }

            // A BAR that does not hold what was written would decode somewhere else once memory decode is on.
            uint low = _config.Read32(function.Address, offset);
            uint high = is64Bit ? _config.Read32(function.Address, (ushort)(offset + 4)) : 0;
            if (PciBarDecoder.DecodeAddress(function.Bars[item.Slot].Kind, low, high) != bus)
            {
                function.Issues |= FunctionIssues.MalformedBar;
                _state[index] |= FunctionState.Dead;
                return;
            }

            function.SetBarAssignment(item.Slot, bus, unchecked(bus + apertures[item.Aperture].BusOffset));
        }
    }

    private void WriteWindows(PciFunction bridge, int index)
    {
        PciAddress address = bridge.Address;
        BridgeInfo info = bridge.Bridge;
        bool up = !IsDead(index);

        MemoryWindow memory = MemoryWindow.Disabled;
        int item = _memoryWindowItem[index];
        if (up && item >= 0 && _items[item].State == ResourceState.Placed)
        {
            memory = WindowOf(item);

            // One dword write sets base and limit together, so the window is never half-programmed.
            _config.Write32(address, Type1Header.MemoryBase, ResourceMath.EncodeWindow(memory.Base, memory.Limit));
        }
        else if (ResourceMath.IsWindowOpen(_config.Read32(address, Type1Header.MemoryBase), 0, 0))
        {
            _config.Write32(address, Type1Header.MemoryBase, ResourceMath.DisabledWindowRegister);
        }

        MemoryWindow prefetchable = MemoryWindow.Disabled;
        item = _prefetchableWindowItem[index];
        if (up && item >= 0 && _items[item].State == ResourceState.Placed)
        {
            prefetchable = WindowOf(item);
            WritePrefetchableWindow(address, info.Prefetchable64, prefetchable);
        }
        else if (Has(index, FunctionState.PrefetchableImplemented))
        {
            ClosePrefetchableWindow(address, info.Prefetchable64);
        }

        bridge.Bridge = new BridgeInfo(info.Primary, info.Secondary, info.Subordinate, memory, prefetchable, info.Prefetchable64, info.HasIoWindow);
    }

    private MemoryWindow WindowOf(int item)
    {
        ref ResourceItem window = ref _items[item];
        return new MemoryWindow(window.BusAddress, window.BusAddress + window.Size - 1);
    }

    /// <summary>
    /// Programs the prefetchable window so that base &gt; limit holds after every single write until the final one:
    /// upper base all-ones first (the window is closed whatever the other registers hold, unless the upper limit is
    /// also all-ones), then base and limit bits 31:20 together, then the upper limit, and the upper base last. A
    /// window that passed through an open state with wrong values has caused IOMMU time-outs (hardware digest §6.1).
    /// A 32-bit window has no upper registers (read-only zero) and takes one dword write.
    /// </summary>
    private void WritePrefetchableWindow(PciAddress bridge, bool is64Bit, MemoryWindow window)
    {
        uint baseLimit = ResourceMath.EncodeWindow(window.Base, window.Limit);
        if (!is64Bit)
        {
            _config.Write32(bridge, Type1Header.PrefetchableMemoryBase, baseLimit);
            return;
        }

        _config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
        _config.Write32(bridge, Type1Header.PrefetchableMemoryBase, baseLimit);
        _config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, (uint)(window.Limit >> 32));
        _config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, (uint)(window.Base >> 32));
    }

    /// <summary>Closes an open prefetchable window (left by an earlier assignment) in the same never-reopening order.</summary>
    private void ClosePrefetchableWindow(PciAddress bridge, bool is64Bit)
    {
        uint baseLimit = _config.Read32(bridge, Type1Header.PrefetchableMemoryBase);
        uint baseUpper = is64Bit ? _config.Read32(bridge, Type1Header.PrefetchableBaseUpper32) : 0;
        uint limitUpper = is64Bit ? _config.Read32(bridge, Type1Header.PrefetchableLimitUpper32) : 0;
        if (!ResourceMath.IsWindowOpen(baseLimit, baseUpper, limitUpper))
        {
            return;
        }

        if (is64Bit)
        {
            _config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
        }

        _config.Write32(bridge, Type1Header.PrefetchableMemoryBase, ResourceMath.DisabledWindowRegister);
        if (is64Bit)
        {
            _config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, 0);
        }
    }

    /// <summary>
    /// Records who got everything, then sets Memory Space and Bus Master Enable on every function that is up: each
    /// endpoint that got all its BARs, and each bridge whose own BARs were placed and whose path is up, so the
    /// functions below it are reached and their DMA and MSI writes are forwarded upstream. Functions that are down
    /// keep both bits clear.
    /// </summary>
    private AssignmentResult Enable(ReadOnlySpan<PciFunction> functions, int apertureCount)
    {
        int assigned = 0;
        for (int i = 0; i < functions.Length; i++)
        {
            PciFunction function = functions[i];
            bool up = !IsDead(i);
            function.Assigned = up && !Has(i, FunctionState.MemoryWindowFailed | FunctionState.PrefetchableWindowFailed);
            if (function.Assigned)
            {
                assigned++;
            }

            if (up)
            {
                function.Command = _config.Update16(function.Address, PciHeader.Command, (ushort)PciCommand.IoSpaceEnable, DecodeBits);
            }
        }

        return new AssignmentResult(assigned, functions.Length - assigned, _bytesUsed, apertureCount);
    }
}
