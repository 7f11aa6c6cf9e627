using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// Programs a bridge's I/O, memory and prefetchable windows without ever passing through an enabled window with
/// wrong values (digest §6.1: a transiently enabled window caused VT-d invalidation time-outs): every window is first
/// disabled keeping base above limit as <see cref="BridgeReset.DisableWindows"/> does, then each goes from disabled to its
/// final value. Exception: a window whose limit lies in the top 4 GiB (or top 64 KiB of I/O) with its base below may pass
/// through a smaller enabled window inside its final one; and a bridge whose upper base registers are read-only keeps a
/// reset-state (0 to 0) window enabled until its low registers are written.
/// </summary>
internal static class BridgeWindows
{
    /// <summary>I/O Base Upper 16 all-ones: the I/O base becomes the highest possible (FFFF_F000), above any limit.</summary>
    private const ushort IoUpperGuard = 0xFFFF;

    /// <summary>I/O Base F0, I/O Limit 00 in one 16-bit write: base above limit.</summary>
    private const ushort DisabledIo = 0x00F0;

    /// <summary>(Prefetchable) Memory Base FFF0, Limit 0000 in one dword: base above limit.</summary>
    private const uint DisabledMemory = 0x0000_FFF0;

    /// <summary>Prefetchable Base Upper 32 all-ones: as <see cref="BridgeReset.DisableWindows"/> leaves it.</summary>
    private const uint PrefetchableUpperGuard = 0xFFFF_FFFF;

    /// <summary>Low byte of I/O Base/Limit: address bits 15:12 in bits 7:4 (bits 3:0 say 16- or 32-bit decode, read-only).</summary>
    private const byte IoAddressMask = 0xF0;

    /// <summary>Low word of (Prefetchable) Memory Base/Limit: address bits 31:20 in bits 15:4.</summary>
    private const ushort MemoryAddressMask = 0xFFF0;

    public static void Restore(
        IConfigSpace config,
        PciAddress bridge,
        byte ioBase,
        byte ioLimit,
        ushort ioBaseUpper,
        ushort ioLimitUpper,
        uint memory,
        ushort prefetchableBase,
        ushort prefetchableLimit,
        uint prefetchableBaseUpper,
        uint prefetchableLimitUpper)
    {
        // Disable, in the spirit of BridgeReset.DisableWindows but raising each window's base first, so that even a
        // window left enabled at 0 by the reset itself (base = limit = 0) is disabled by the first write touching it.
        config.Write16(bridge, Type1Header.IoBaseUpper16, IoUpperGuard); // base FFFF_xx00 > any limit below FFFF_0000
        config.Write16(bridge, Type1Header.IoBase, DisabledIo); // base F0 > limit 00
        config.Write16(bridge, Type1Header.IoLimitUpper16, 0);
        config.Write32(bridge, Type1Header.MemoryBase, DisabledMemory); // base FFF0 > limit 0000
        config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, PrefetchableUpperGuard);
        config.Write32(bridge, Type1Header.PrefetchableMemoryBase, DisabledMemory);
        config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, 0);

        // Memory Base and Limit share one dword: a single write goes from disabled to final.
        config.Write32(bridge, Type1Header.MemoryBase, memory);

        // I/O: the base is at its maximum; set the limit (upper, then low), then the base in the order whose
        // intermediate base is still above the final limit.
        config.Write16(bridge, Type1Header.IoLimitUpper16, ioLimitUpper);
        config.Write8(bridge, Type1Header.IoLimit, ioLimit);
        ulong ioLimitKey = IoKey(ioLimitUpper, ioLimit);
        ulong ioUpperFirst = IoKey(ioBaseUpper, IoAddressMask);
        if (ioUpperFirst > ioLimitKey || ioUpperFirst == IoKey(ioBaseUpper, ioBase))
        {
            config.Write16(bridge, Type1Header.IoBaseUpper16, ioBaseUpper);
            config.Write8(bridge, Type1Header.IoBase, ioBase);
        }
        else
        {
            config.Write8(bridge, Type1Header.IoBase, ioBase);
            config.Write16(bridge, Type1Header.IoBaseUpper16, ioBaseUpper);
        }

        // Prefetchable: the upper base is at its maximum; same order as I/O.
        config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, prefetchableLimitUpper);
        config.Write16(bridge, Type1Header.PrefetchableMemoryLimit, prefetchableLimit);
        ulong limitKey = MemoryKey(prefetchableLimitUpper, prefetchableLimit);
        ulong upperFirst = MemoryKey(prefetchableBaseUpper, MemoryAddressMask);
        if (upperFirst > limitKey || upperFirst == MemoryKey(prefetchableBaseUpper, prefetchableBase))
        {
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, prefetchableBaseUpper);
            config.Write16(bridge, Type1Header.PrefetchableMemoryBase, prefetchableBase);
        }
        else
        {
            // Only for a limit in the top 4 GiB with the base below it: the transient window
            // (FFFFFFFF:base-low .. limit) lies inside the final one.
            config.Write16(bridge, Type1Header.PrefetchableMemoryBase, prefetchableBase);
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, prefetchableBaseUpper);
        }
    }

    // Comparable keys: a window is disabled when the base key is above the limit key.
    private static ulong IoKey(ushort upper, byte low) => ((ulong)upper << 8) | (byte)(low & IoAddressMask);

    private static ulong MemoryKey(uint upper, ushort low) => ((ulong)upper << 16) | (ushort)(low & MemoryAddressMask);
}
