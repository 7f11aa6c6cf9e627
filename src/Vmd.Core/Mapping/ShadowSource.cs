namespace Vmd.Core.Mapping;

/// <summary>Where the host-physical addresses of the MEMBARs came from (hardware digest §3.1, §3.2, §5).</summary>
public enum ShadowSource
{
    /// <summary>No shadow: bus addresses equal CPU addresses (bare metal).</summary>
    None = 0,

    /// <summary>MEMBAR2 + 0x2000/0x2008 with VMLOCK bit 1 set (IDs with the MEMBAR2-shadow feature).</summary>
    MemBar2Registers = 1,

    /// <summary>The vendor-specific "SHDW" capability a hypervisor presents to a guest.</summary>
    VendorCapability = 2,
}
