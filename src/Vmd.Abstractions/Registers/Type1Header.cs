namespace Vmd.Registers;

/// <summary>Offsets specific to a type 1 (PCI-to-PCI bridge) header (PCI-to-PCI Bridge 1.2 §3.2; PCIe Base §7.5.1.3).</summary>
public static class Type1Header
{
    /// <summary>Number of BARs in a type 1 header.</summary>
    public const int BarCount = 2;

    /// <summary>Primary Bus Number (8 bits); hard-wired on some root ports (0 on client VMD root ports, 0x80 on a second root bus).</summary>
    public const ushort PrimaryBusNumber = 0x18;

    /// <summary>Secondary Bus Number (8 bits).</summary>
    public const ushort SecondaryBusNumber = 0x19;

    /// <summary>Subordinate Bus Number (8 bits): highest bus below the bridge.</summary>
    public const ushort SubordinateBusNumber = 0x1A;

    /// <summary>Secondary Latency Timer (8 bits).</summary>
    public const ushort SecondaryLatencyTimer = 0x1B;

    /// <summary>I/O Base (8 bits): bits 7:4 address bits 15:12, bits 3:0 0 (16-bit) or 1 (32-bit).</summary>
    public const ushort IoBase = 0x1C;

    /// <summary>I/O Limit (8 bits).</summary>
    public const ushort IoLimit = 0x1D;

    /// <summary>Secondary Status (16 bits; error bits RW1C).</summary>
    public const ushort SecondaryStatus = 0x1E;

    /// <summary>Memory Base (16 bits): bits 15:4 address bits 31:20.</summary>
    public const ushort MemoryBase = 0x20;

    /// <summary>Memory Limit (16 bits): bits 15:4 limit bits 31:20 (low 20 bits implied 0xFFFFF).</summary>
    public const ushort MemoryLimit = 0x22;

    /// <summary>Prefetchable Memory Base (16 bits): bits 15:4 address bits 31:20, bits 3:0 1 when 64-bit.</summary>
    public const ushort PrefetchableMemoryBase = 0x24;

    /// <summary>Prefetchable Memory Limit (16 bits).</summary>
    public const ushort PrefetchableMemoryLimit = 0x26;

    /// <summary>Prefetchable Base Upper 32 Bits.</summary>
    public const ushort PrefetchableBaseUpper32 = 0x28;

    /// <summary>Prefetchable Limit Upper 32 Bits.</summary>
    public const ushort PrefetchableLimitUpper32 = 0x2C;

    /// <summary>I/O Base Upper 16 Bits.</summary>
    public const ushort IoBaseUpper16 = 0x30;

    /// <summary>I/O Limit Upper 16 Bits.</summary>
    public const ushort IoLimitUpper16 = 0x32;

    /// <summary>Expansion ROM Base Address of a bridge (32 bits).</summary>
    public const ushort ExpansionRomBaseAddress = 0x38;

    /// <summary>Bridge Control (16 bits, <see cref="BridgeControl"/>).</summary>
    public const ushort BridgeControl = 0x3E;

    /// <summary>Granularity of memory windows: 1 MiB.</summary>
    public const ulong MemoryWindowGranularity = 1UL << 20;

    /// <summary>Granularity of I/O windows: 4 KiB.</summary>
    public const uint IoWindowGranularity = 1U << 12;
}
