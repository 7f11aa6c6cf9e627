namespace Vmd.Core.Mapping;

/// <summary>The three windows a VMD endpoint provides (hardware digest §2.3).</summary>
public enum VmdBarRole
{
    /// <summary>BAR0: ECAM window of the private domain, 1 MiB per bus.</summary>
    CfgBar = 0,

    /// <summary>BAR2: MMIO aperture handed out whole to devices behind the VMD.</summary>
    MemBar1 = 1,

    /// <summary>BAR4: MMIO aperture whose first 8 KiB hold the VMD's own MSI-X table and PBA.</summary>
    MemBar2 = 2,
}
