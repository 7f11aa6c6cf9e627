namespace Vmd.Enumeration.Resources;

/// <summary>Policy of <see cref="ResourceAssigner"/>: what to hold back for hot-plug slots.</summary>
/// <remarks>
/// The assigner copies the values when it is constructed; changing an instance afterwards does not affect an
/// existing assigner. Not thread-safe; configure before use.
/// </remarks>
public sealed class ResourceOptions
{
    /// <summary>Default <see cref="HotPlugMemoryReserve"/>: 2 MiB.</summary>
    public const ulong DefaultHotPlugMemoryReserve = 2UL << 20;

    /// <summary>
    /// Minimum size in bytes of the non-prefetchable window of a bridge whose slot is hot-plug capable
    /// (<see cref="Functions.PciExpressInfo.HotPlugCapable"/>), so a drive inserted later can get memory without
    /// moving its neighbours. Rounded up to the 1 MiB window granularity; 0 = no reserve. Default 2 MiB.
    /// </summary>
    public ulong HotPlugMemoryReserve { get; set; } = DefaultHotPlugMemoryReserve;

    /// <summary>
    /// Minimum size in bytes of the prefetchable window of a hot-plug-capable bridge that implements one.
    /// Rounded up to 1 MiB; 0 (the default) = no reserve.
    /// </summary>
    public ulong HotPlugPrefetchableReserve { get; set; }
}
