namespace Vmd.Registers;

/// <summary>
/// Fields of the Device Capabilities, Device Control and Device Status registers (and their "2"
/// versions) of the PCI Express capability, PCIe Base §7.5.3.3–§7.5.3.5 and §7.5.3.15–§7.5.3.16.
/// </summary>
public static class PciExpressDevice
{
    /// <summary>PCI Express Capabilities bits 3:0: capability version (2 for every PCIe 2.0 and later function).</summary>
    public const ushort CapabilityVersionMask = 0xF;

    /// <summary>Capability version 2: the register set runs through Slot Status 2 (0x3C bytes).</summary>
    public const ushort CapabilityVersion2 = 2;

    /// <summary>Length of a version 2 PCI Express capability in bytes.</summary>
    public const int CapabilityLength = 0x3C;

    /// <summary>Device Capabilities bits 2:0: Max_Payload_Size Supported (0 = 128 bytes … 5 = 4096 bytes).</summary>
    public const uint MaxPayloadSizeSupportedMask = 0x7;

    /// <summary>Device Capabilities bit 15: Role-Based Error Reporting.</summary>
    public const uint RoleBasedErrorReporting = 1U << 15;

    /// <summary>Device Control bit 0: Correctable Error Reporting Enable.</summary>
    public const ushort CorrectableErrorReportingEnable = 1 << 0;

    /// <summary>Device Control bit 1: Non-Fatal Error Reporting Enable.</summary>
    public const ushort NonFatalErrorReportingEnable = 1 << 1;

    /// <summary>Device Control bit 2: Fatal Error Reporting Enable.</summary>
    public const ushort FatalErrorReportingEnable = 1 << 2;

    /// <summary>Device Control bit 3: Unsupported Request Reporting Enable.</summary>
    public const ushort UnsupportedRequestReportingEnable = 1 << 3;

    /// <summary>Device Control bits 3:0: all four error reporting enables.</summary>
    public const ushort ErrorReportingEnables = 0xF;

    /// <summary>Device Status bit 0: Correctable Error Detected (RW1C).</summary>
    public const ushort CorrectableErrorDetected = 1 << 0;

    /// <summary>Device Status bit 1: Non-Fatal Error Detected (RW1C).</summary>
    public const ushort NonFatalErrorDetected = 1 << 1;

    /// <summary>Device Status bit 2: Fatal Error Detected (RW1C).</summary>
    public const ushort FatalErrorDetected = 1 << 2;

    /// <summary>Device Status bit 3: Unsupported Request Detected (RW1C).</summary>
    public const ushort UnsupportedRequestDetected = 1 << 3;

    /// <summary>Device Control bits 14:0: every control field below Initiate FLR / Bridge Configuration Retry Enable.</summary>
    public const ushort ControlFieldsMask = 0x7FFF;

    /// <summary>Device Control bits 7:5: Max_Payload_Size.</summary>
    public const ushort MaxPayloadSizeMask = 0x00E0;

    /// <summary>Device Control bits 14:12: Max_Read_Request_Size.</summary>
    public const ushort MaxReadRequestSizeMask = 0x7000;

    /// <summary>Device Control bit 15 of an endpoint: Initiate Function Level Reset (always reads 0).</summary>
    public const ushort InitiateFunctionLevelReset = 1 << 15;

    /// <summary>Device Status bits 3:0: correctable, non-fatal, fatal and unsupported-request detected (RW1C).</summary>
    public const ushort StatusErrorBits = 0xF;

    /// <summary>Device Status bit 5: Transactions Pending.</summary>
    public const ushort TransactionsPending = 1 << 5;

    /// <summary>Device Capabilities 2 bits 3:0: Completion Timeout Ranges Supported.</summary>
    public const uint CompletionTimeoutRangesMask = 0xF;

    /// <summary>Device Capabilities 2 bit 4: Completion Timeout Disable Supported.</summary>
    public const uint CompletionTimeoutDisableSupported = 1U << 4;

    /// <summary>Device Capabilities 2 bit 11: LTR Mechanism Supported.</summary>
    public const uint LtrMechanismSupported = 1U << 11;

    /// <summary>Device Control 2 bits 3:0: Completion Timeout Value.</summary>
    public const ushort CompletionTimeoutValueMask = 0xF;

    /// <summary>Device Control 2 bit 4: Completion Timeout Disable.</summary>
    public const ushort CompletionTimeoutDisable = 1 << 4;

    /// <summary>Device Control 2 bit 10: LTR Mechanism Enable.</summary>
    public const ushort LtrMechanismEnable = 1 << 10;

    /// <summary>Root Control bits 3:0: system error on correctable/non-fatal/fatal, PME interrupt enable.</summary>
    public const ushort RootControlEnableBits = 0xF;

    /// <summary>Root Status bit 16: PME Status (RW1C).</summary>
    public const uint RootStatusPmeStatus = 1U << 16;
}
