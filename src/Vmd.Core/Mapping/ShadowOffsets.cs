namespace Vmd.Core.Mapping;

/// <summary>
/// The difference between where this OS sees each MEMBAR and the host-physical address devices must be
/// programmed with. VMD does not translate: bus address = CPU address − offset.
/// </summary>
public sealed class ShadowOffsets
{
    /// <summary>No translation.</summary>
    public static ShadowOffsets None { get; } = new(ShadowSource.None, 0, 0, 0, 0);

    /// <summary>Creates offsets.</summary>
    public ShadowOffsets(ShadowSource source, ulong memBar1HostPhysical, ulong memBar2HostPhysical, ulong memBar1Offset, ulong memBar2Offset)
    {
        Source = source;
        MemBar1HostPhysical = memBar1HostPhysical;
        MemBar2HostPhysical = memBar2HostPhysical;
        MemBar1Offset = memBar1Offset;
        MemBar2Offset = memBar2Offset;
    }

    /// <summary>Where the values came from.</summary>
    public ShadowSource Source { get; }

    /// <summary>Host-physical base of MEMBAR1 (0 when <see cref="Source"/> is None).</summary>
    public ulong MemBar1HostPhysical { get; }

    /// <summary>Host-physical base of MEMBAR2 (0 when <see cref="Source"/> is None).</summary>
    public ulong MemBar2HostPhysical { get; }

    /// <summary>CPU address of MEMBAR1 minus its host-physical address, modulo 2^64.</summary>
    public ulong MemBar1Offset { get; }

    /// <summary>CPU address of MEMBAR2 minus its host-physical address, modulo 2^64.</summary>
    public ulong MemBar2Offset { get; }

    /// <summary>True when either offset is non-zero (a VM guest; bypass of MSI remapping is then forbidden).</summary>
    public bool IsTranslated => MemBar1Offset != 0 || MemBar2Offset != 0;

    /// <summary>The bus address to program for a CPU address inside MEMBAR1.</summary>
    public ulong MemBar1BusAddress(ulong cpuAddress) => unchecked(cpuAddress - MemBar1Offset);

    /// <summary>The bus address to program for a CPU address inside MEMBAR2.</summary>
    public ulong MemBar2BusAddress(ulong cpuAddress) => unchecked(cpuAddress - MemBar2Offset);
}
