namespace Vmd.Registers;

/// <summary>PCIe extended capability IDs (PCIe Base §7.6; header bits 15:0 at 0x100 and up).</summary>
public enum ExtendedCapabilityId : ushort
{
    /// <summary>0x0001: Advanced Error Reporting.</summary>
    AdvancedErrorReporting = 0x0001,

    /// <summary>0x0002: Virtual Channel.</summary>
    VirtualChannel = 0x0002,

    /// <summary>0x0003: Device Serial Number.</summary>
    DeviceSerialNumber = 0x0003,

    /// <summary>0x000B: Vendor-Specific Extended Capability.</summary>
    VendorSpecific = 0x000B,

    /// <summary>0x000D: Access Control Services.</summary>
    AccessControlServices = 0x000D,

    /// <summary>0x000E: Alternative Routing-ID Interpretation.</summary>
    AlternativeRoutingId = 0x000E,

    /// <summary>0x0018: Latency Tolerance Reporting.</summary>
    LatencyToleranceReporting = 0x0018,

    /// <summary>0x0019: Secondary PCI Express.</summary>
    SecondaryPciExpress = 0x0019,

    /// <summary>0x001D: Downstream Port Containment.</summary>
    DownstreamPortContainment = 0x001D,

    /// <summary>0x001E: L1 PM Substates.</summary>
    L1PmSubstates = 0x001E,
}
