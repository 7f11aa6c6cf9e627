namespace Vmd.Registers;

/// <summary>Device/Port Type field of the PCI Express Capabilities register (bits 7:4), PCIe Base §7.5.3.2.</summary>
public enum PciExpressPortType : byte
{
    /// <summary>0: PCI Express Endpoint.</summary>
    Endpoint = 0x0,

    /// <summary>1: Legacy PCI Express Endpoint.</summary>
    LegacyEndpoint = 0x1,

    /// <summary>4: Root Port of a Root Complex.</summary>
    RootPort = 0x4,

    /// <summary>5: Upstream Port of a switch.</summary>
    SwitchUpstreamPort = 0x5,

    /// <summary>6: Downstream Port of a switch.</summary>
    SwitchDownstreamPort = 0x6,

    /// <summary>7: PCI Express to PCI/PCI-X bridge.</summary>
    PciExpressToPciBridge = 0x7,

    /// <summary>8: PCI/PCI-X to PCI Express bridge.</summary>
    PciToPciExpressBridge = 0x8,

    /// <summary>9: Root Complex Integrated Endpoint (a VMD endpoint is one).</summary>
    RootComplexIntegratedEndpoint = 0x9,

    /// <summary>0xA: Root Complex Event Collector.</summary>
    RootComplexEventCollector = 0xA,
}
