namespace Vmd.Enumeration.Errors;

/// <summary>How bad an error is (PCIe Base r6.0 §6.2.2): corrected by hardware, or uncorrectable and non-fatal or fatal.</summary>
public enum PciErrorSeverity
{
    /// <summary>Corrected by hardware; informational.</summary>
    Correctable = 0,

    /// <summary>Uncorrectable, but the link is still reliable: a transaction was lost.</summary>
    NonFatal = 1,

    /// <summary>Uncorrectable and the link (or the device) is unreliable.</summary>
    Fatal = 2,
}
