using Vmd.Registers;

namespace Vmd.Core.Reports;

/// <summary>Capability names as lspci prints them.</summary>
public static class CapabilityNames
{
    /// <summary>Name of a standard capability.</summary>
    public static string Of(CapabilityId id) => id switch
    {
        CapabilityId.PowerManagement => "Power Management",
        CapabilityId.Msi => "MSI",
        CapabilityId.VendorSpecific => "Vendor Specific",
        CapabilityId.BridgeSubsystemVendorId => "Subsystem",
        CapabilityId.PciExpress => "Express",
        CapabilityId.MsiX => "MSI-X",
        CapabilityId.SataConfiguration => "SATA HBA",
        CapabilityId.AdvancedFeatures => "PCI Advanced Features",
        _ => "Capability " + ((byte)id).ToString("x2", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Name of an extended capability.</summary>
    public static string Of(ExtendedCapabilityId id) => id switch
    {
        ExtendedCapabilityId.AdvancedErrorReporting => "Advanced Error Reporting",
        ExtendedCapabilityId.VirtualChannel => "Virtual Channel",
        ExtendedCapabilityId.DeviceSerialNumber => "Device Serial Number",
        ExtendedCapabilityId.VendorSpecific => "Vendor Specific Information",
        ExtendedCapabilityId.AccessControlServices => "Access Control Services",
        ExtendedCapabilityId.AlternativeRoutingId => "Alternative Routing-ID Interpretation (ARI)",
        ExtendedCapabilityId.LatencyToleranceReporting => "Latency Tolerance Reporting",
        ExtendedCapabilityId.SecondaryPciExpress => "Secondary PCI Express",
        ExtendedCapabilityId.DownstreamPortContainment => "Downstream Port Containment",
        ExtendedCapabilityId.L1PmSubstates => "L1 PM Substates",
        _ => "Extended Capability " + ((ushort)id).ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The PCIe device/port type as lspci names it after "Express".</summary>
    public static string PortType(PciExpressPortType type) => type switch
    {
        PciExpressPortType.Endpoint => "Endpoint",
        PciExpressPortType.LegacyEndpoint => "Legacy Endpoint",
        PciExpressPortType.RootPort => "Root Port",
        PciExpressPortType.SwitchUpstreamPort => "Upstream Port",
        PciExpressPortType.SwitchDownstreamPort => "Downstream Port",
        PciExpressPortType.PciExpressToPciBridge => "PCI-Express to PCI/PCI-X Bridge",
        PciExpressPortType.PciToPciExpressBridge => "PCI/PCI-X to PCI-Express Bridge",
        PciExpressPortType.RootComplexIntegratedEndpoint => "Root Complex Integrated Endpoint",
        PciExpressPortType.RootComplexEventCollector => "Root Complex Event Collector",
        _ => "Unknown type",
    };
}
