namespace Vmd.Core.Mapping;

/// <summary>One sized and mapped VMD BAR.</summary>
public sealed class VmdBar
{
    /// <summary>Creates a record of a mapped BAR.</summary>
    public VmdBar(VmdBarRole role, int index, ulong address, ulong size, bool is64Bit, bool prefetchable, ulong mappedLength, IMmioRegion region)
    {
        Role = role;
        Index = index;
        Address = address;
        Size = size;
        Is64Bit = is64Bit;
        Prefetchable = prefetchable;
        MappedLength = mappedLength;
        Region = region;
    }

    /// <summary>Which window this is.</summary>
    public VmdBarRole Role { get; }

    /// <summary>BAR index (0, 2 or 4).</summary>
    public int Index { get; }

    /// <summary>CPU physical address the BAR is programmed with.</summary>
    public ulong Address { get; }

    /// <summary>Size in bytes, from sizing.</summary>
    public ulong Size { get; }

    /// <summary>True for a 64-bit memory BAR.</summary>
    public bool Is64Bit { get; }

    /// <summary>True when the BAR says prefetchable.</summary>
    public bool Prefetchable { get; }

    /// <summary>Bytes mapped (CFGBAR: only the buses the domain can use).</summary>
    public ulong MappedLength { get; }

    /// <summary>The host's mapping of the BAR. Owned by the controller; returned to the mapper by <see cref="VmdController.Unmap"/>.</summary>
    public IMmioRegion Region { get; }

    /// <summary>Short name as the hardware documentation uses it (CFGBAR, MEMBAR1, MEMBAR2).</summary>
    public string Name => RoleName(Role);

    /// <summary>CFGBAR, MEMBAR1 or MEMBAR2.</summary>
    public static string RoleName(VmdBarRole role) => role switch
    {
        VmdBarRole.CfgBar => "CFGBAR",
        VmdBarRole.MemBar1 => "MEMBAR1",
        _ => "MEMBAR2",
    };
}
