using Vmd.Registers;

namespace Vmd.Enumeration.Walk;

/// <summary>
/// Puts a bridge's windows and bus numbers into a known, closed state before enumeration, so numbers and
/// windows left by firmware or an earlier OS cannot route a bus twice or overlap new assignments.
/// </summary>
public static class BridgeReset
{
    /// <summary>
    /// Disables the I/O, memory and prefetchable windows with writes ordered so that base &gt; limit holds
    /// after every single write: a window that passes through an enabled state, even briefly, has caused
    /// IOMMU invalidation time-outs and failed boots (hardware digest §6.1).
    /// </summary>
    public static void DisableWindows(IConfigSpace config, PciAddress bridge)
    {
        config.Write32(bridge, Type1Header.IoBaseUpper16, 0x0000_FFFF); // upper base ffff > upper limit 0
        config.Write16(bridge, Type1Header.IoBase, 0x00F0); // base f0 > limit 00
        config.Write32(bridge, Type1Header.IoBaseUpper16, 0);
        config.Write32(bridge, Type1Header.MemoryBase, 0x0000_FFF0); // base fff0 > limit 0000
        config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, 0);
        config.Write32(bridge, Type1Header.PrefetchableMemoryBase, 0x0000_FFF0);
        config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
    }

    /// <summary>
    /// Sets primary to <paramref name="primary"/> and secondary and subordinate to 0, keeping the secondary
    /// latency timer: the bridge then forwards no configuration request until it is numbered again.
    /// </summary>
    public static void ClearBusNumbers(IConfigSpace config, PciAddress bridge, byte primary, byte secondaryLatency)
    {
        config.Write32(bridge, Type1Header.PrimaryBusNumber, ((uint)secondaryLatency << 24) | primary);
    }
}
