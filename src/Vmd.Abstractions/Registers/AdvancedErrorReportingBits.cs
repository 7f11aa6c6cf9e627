namespace Vmd.Registers;

/// <summary>
/// Bit groups of the Advanced Error Reporting registers (offsets in <see cref="AdvancedErrorReportingCapability"/>),
/// PCIe Base §7.8.4.
/// </summary>
public static class AdvancedErrorReportingBits
{
    /// <summary>Uncorrectable bits 4, 5 and 12–22: DL protocol, surprise down, poisoned TLP … uncorrectable internal.</summary>
    public const uint UncorrectableDefined = (1U << 4) | (1U << 5) | 0x07FF_F000;

    /// <summary>Default Uncorrectable Error Severity after reset: DL protocol, surprise down, flow control, receiver overflow, malformed TLP and internal errors are fatal.</summary>
    public const uint UncorrectableSeverityDefault = (1U << 4) | (1U << 5) | (1U << 13) | (1U << 17) | (1U << 18) | (1U << 22);

    /// <summary>Correctable bits 0, 6, 7, 8, 12, 13, 14, 15: receiver error … header log overflow.</summary>
    public const uint CorrectableDefined = (1U << 0) | (1U << 6) | (1U << 7) | (1U << 8) | 0x0000_F000;

    /// <summary>Correctable bit 13: Advisory Non-Fatal Error (masked by default after reset).</summary>
    public const uint AdvisoryNonFatal = 1U << 13;

    /// <summary>Capabilities and Control bits 4:0: First Error Pointer.</summary>
    public const uint FirstErrorPointerMask = 0x1F;

    /// <summary>Root Error Command bits 2:0: correctable, non-fatal and fatal error reporting enables.</summary>
    public const uint RootErrorCommandEnables = 0x7;

    /// <summary>Root Error Status bits 6:0: received/multiple/first-fatal/non-fatal/fatal flags (RW1C).</summary>
    public const uint RootErrorStatusEvents = 0x7F;

    /// <summary>Root Error Status bits 31:27: Advanced Error Interrupt Message Number.</summary>
    public const int RootErrorStatusMessageNumberShift = 27;

    /// <summary>Root Error Status bit 0: ERR_COR Received.</summary>
    public const uint ErrCorReceived = 1U << 0;

    /// <summary>Root Error Status bit 1: Multiple ERR_COR Received.</summary>
    public const uint MultipleErrCorReceived = 1U << 1;

    /// <summary>Root Error Status bit 2: ERR_FATAL/NONFATAL Received.</summary>
    public const uint UncorrectableReceived = 1U << 2;

    /// <summary>Root Error Status bit 3: Multiple ERR_FATAL/NONFATAL Received.</summary>
    public const uint MultipleUncorrectableReceived = 1U << 3;

    /// <summary>Root Error Status bit 4: First Uncorrectable Fatal.</summary>
    public const uint FirstUncorrectableFatal = 1U << 4;

    /// <summary>Root Error Status bit 5: Non-Fatal Error Messages Received.</summary>
    public const uint NonFatalMessagesReceived = 1U << 5;

    /// <summary>Root Error Status bit 6: Fatal Error Messages Received.</summary>
    public const uint FatalMessagesReceived = 1U << 6;

    /// <summary>Root Error Command bit 0: Correctable Error Reporting Enable (the root port's interrupt for ERR_COR).</summary>
    public const uint CorrectableInterruptEnable = 1U << 0;

    /// <summary>Root Error Command bit 1: Non-Fatal Error Reporting Enable.</summary>
    public const uint NonFatalInterruptEnable = 1U << 1;

    /// <summary>Root Error Command bit 2: Fatal Error Reporting Enable.</summary>
    public const uint FatalInterruptEnable = 1U << 2;
}
