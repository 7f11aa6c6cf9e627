namespace Vmd.Simulation.Errors;

/// <summary>
/// An error a simulated function can be made to detect (see <c>SimulatedFunction.InjectError</c>). Each value encodes
/// the register that logs it and the bit: bits 7:0 are the bit position, 0x100 means the AER Correctable Error Status
/// register (PCIe Base §7.8.4.5), 0x200 the Uncorrectable Error Status register (§7.8.4.2), 0x300 the conventional
/// PCI Status register (offset 0x06, RW1C error bits).
/// </summary>
/// <remarks>
/// An uncorrectable error is non-fatal or fatal according to the function's Uncorrectable Error Severity register at
/// the moment it is detected, as hardware decides it; without AER the specified default severity applies.
/// Conventional PCI kinds only set their Status bit: no PCIe error message is sent for them.
/// </remarks>
public enum InjectedError
{
    /// <summary>Correctable bit 0: Receiver Error.</summary>
    ReceiverError = 0x100,

    /// <summary>Correctable bit 6: Bad TLP.</summary>
    BadTlp = 0x106,

    /// <summary>Correctable bit 7: Bad DLLP.</summary>
    BadDllp = 0x107,

    /// <summary>Correctable bit 8: REPLAY_NUM Rollover.</summary>
    ReplayNumberRollover = 0x108,

    /// <summary>Correctable bit 12: Replay Timer Timeout.</summary>
    ReplayTimerTimeout = 0x10C,

    /// <summary>Correctable bit 13: Advisory Non-Fatal Error (masked by default after reset).</summary>
    AdvisoryNonFatal = 0x10D,

    /// <summary>Correctable bit 14: Corrected Internal Error.</summary>
    CorrectedInternal = 0x10E,

    /// <summary>Uncorrectable bit 4: Data Link Protocol Error (fatal by default).</summary>
    DataLinkProtocol = 0x204,

    /// <summary>Uncorrectable bit 5: Surprise Down Error (fatal by default).</summary>
    SurpriseDown = 0x205,

    /// <summary>Uncorrectable bit 12: Poisoned TLP Received (non-fatal by default; also sets Status bit 15, Detected Parity Error).</summary>
    PoisonedTlp = 0x20C,

    /// <summary>Uncorrectable bit 13: Flow Control Protocol Error (fatal by default).</summary>
    FlowControlProtocol = 0x20D,

    /// <summary>Uncorrectable bit 14: Completion Timeout (non-fatal by default).</summary>
    CompletionTimeout = 0x20E,

    /// <summary>Uncorrectable bit 15: Completer Abort (non-fatal by default; also sets Status bit 11, Signaled Target Abort).</summary>
    CompleterAbort = 0x20F,

    /// <summary>Uncorrectable bit 16: Unexpected Completion (non-fatal by default).</summary>
    UnexpectedCompletion = 0x210,

    /// <summary>Uncorrectable bit 17: Receiver Overflow (fatal by default).</summary>
    ReceiverOverflow = 0x211,

    /// <summary>Uncorrectable bit 18: Malformed TLP (fatal by default).</summary>
    MalformedTlp = 0x212,

    /// <summary>Uncorrectable bit 19: ECRC Error (non-fatal by default).</summary>
    Ecrc = 0x213,

    /// <summary>Uncorrectable bit 20: Unsupported Request (non-fatal by default; also sets Device Status bit 3, and its message needs Unsupported Request Reporting Enable).</summary>
    UnsupportedRequest = 0x214,

    /// <summary>Uncorrectable bit 22: Uncorrectable Internal Error (fatal by default).</summary>
    UncorrectableInternal = 0x216,

    /// <summary>Status bit 8: Master Data Parity Error.</summary>
    MasterDataParityError = 0x308,

    /// <summary>Status bit 11: Signaled Target Abort (the function completed a request with Completer Abort).</summary>
    SignaledTargetAbort = 0x30B,

    /// <summary>Status bit 12: Received Target Abort (a completion with Completer Abort status came back).</summary>
    ReceivedTargetAbort = 0x30C,

    /// <summary>Status bit 13: Received Master Abort (a completion with Unsupported Request status came back).</summary>
    ReceivedMasterAbort = 0x30D,

    /// <summary>Status bit 15: Detected Parity Error.</summary>
    DetectedParityError = 0x30F,
}
