namespace Vmd.Simulation.Errors;

/// <summary>What became of the error message (ERR_COR, ERR_NONFATAL, ERR_FATAL) an injected error may send.</summary>
public enum ErrorMessageOutcome
{
    /// <summary>A conventional PCI Status kind: PCIe sends no message for it.</summary>
    NotApplicable,

    /// <summary>The AER Correctable or Uncorrectable Error Mask bit was set: the status bit is set, nothing is logged or sent.</summary>
    Masked,

    /// <summary>
    /// Device Control's reporting enable for the class was clear (and, for an uncorrectable error, Command SERR# Enable
    /// too; an Unsupported Request also needs Unsupported Request Reporting Enable): no message was sent.
    /// </summary>
    ReportingDisabled,

    /// <summary>
    /// The message was sent but did not reach a root port: a switch port above has Bridge Control SERR# Enable clear, or
    /// a link on the way is down.
    /// </summary>
    Blocked,

    /// <summary>The message was sent but no root port lies above the function (a root-bus or host function; no event collector is modelled).</summary>
    NoRootPort,

    /// <summary>The root port above (or the function itself, being a root port) received and logged the message.</summary>
    DeliveredToRootPort,
}
