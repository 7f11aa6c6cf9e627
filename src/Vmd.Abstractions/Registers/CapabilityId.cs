namespace Vmd.Registers;

/// <summary>Standard capability IDs (PCI Code and ID Assignment §2).</summary>
public enum CapabilityId : byte
{
    /// <summary>0x01: PCI Power Management.</summary>
    PowerManagement = 0x01,

    /// <summary>0x05: Message Signaled Interrupts.</summary>
    Msi = 0x05,

    /// <summary>0x09: Vendor-specific (byte 2 is the length). The VMD "SHDW" capability is one.</summary>
    VendorSpecific = 0x09,

    /// <summary>0x0D: PCI Bridge Subsystem Vendor ID.</summary>
    BridgeSubsystemVendorId = 0x0D,

    /// <summary>0x10: PCI Express.</summary>
    PciExpress = 0x10,

    /// <summary>0x11: MSI-X.</summary>
    MsiX = 0x11,

    /// <summary>0x12: SATA data/index configuration.</summary>
    SataConfiguration = 0x12,

    /// <summary>0x13: Advanced Features (conventional PCI FLR).</summary>
    AdvancedFeatures = 0x13,
}
