namespace Vmd.Core.Mapping;

/// <summary>Where the VMD's own MSI-X table lives (its vectors carry every remapped child interrupt).</summary>
public sealed class VmdMsixInfo
{
    /// <summary>Creates a record.</summary>
    public VmdMsixInfo(ushort capabilityOffset, int count, int tableBar, uint tableOffset, int pbaBar, uint pbaOffset)
    {
        CapabilityOffset = capabilityOffset;
        Count = count;
        TableBar = tableBar;
        TableOffset = tableOffset;
        PbaBar = pbaBar;
        PbaOffset = pbaOffset;
    }

    /// <summary>Config offset of the MSI-X capability.</summary>
    public ushort CapabilityOffset { get; }

    /// <summary>Number of table entries (Table Size + 1).</summary>
    public int Count { get; }

    /// <summary>BAR indicator of the table.</summary>
    public int TableBar { get; }

    /// <summary>Offset of the table inside its BAR.</summary>
    public uint TableOffset { get; }

    /// <summary>BAR indicator of the pending-bit array.</summary>
    public int PbaBar { get; }

    /// <summary>Offset of the PBA inside its BAR.</summary>
    public uint PbaOffset { get; }
}
