namespace Vmd.Registers;

/// <summary>Offsets of the Advanced Error Reporting extended capability (ID 0x0001), PCIe Base §7.8.4.</summary>
public static class AdvancedErrorReportingCapability
{
    /// <summary>Uncorrectable Error Status (32 bits, RW1C).</summary>
    public const ushort UncorrectableStatus = 0x04;

    /// <summary>Uncorrectable Error Mask.</summary>
    public const ushort UncorrectableMask = 0x08;

    /// <summary>Uncorrectable Error Severity.</summary>
    public const ushort UncorrectableSeverity = 0x0C;

    /// <summary>Correctable Error Status (32 bits, RW1C).</summary>
    public const ushort CorrectableStatus = 0x10;

    /// <summary>Correctable Error Mask.</summary>
    public const ushort CorrectableMask = 0x14;

    /// <summary>Advanced Error Capabilities and Control: bits 4:0 first error pointer.</summary>
    public const ushort CapabilitiesAndControl = 0x18;

    /// <summary>Header Log (four dwords).</summary>
    public const ushort HeaderLog = 0x1C;

    /// <summary>Root Error Command (root ports).</summary>
    public const ushort RootErrorCommand = 0x2C;

    /// <summary>Root Error Status (root ports, RW1C).</summary>
    public const ushort RootErrorStatus = 0x30;

    /// <summary>Error Source Identification (root ports): bits 15:0 correctable source, 31:16 uncorrectable.</summary>
    public const ushort ErrorSourceId = 0x34;

    /// <summary>Length of an endpoint's AER capability.</summary>
    public const ushort EndpointLength = 0x2C;

    /// <summary>Length of a root port's AER capability.</summary>
    public const ushort RootPortLength = 0x38;
}
