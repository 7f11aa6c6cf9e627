namespace Vmd.Simulation.Errors;

/// <summary>How an injected error was classified when the function detected it.</summary>
public enum ErrorSeverity
{
    /// <summary>A conventional PCI Status bit only: no PCIe error class, no message.</summary>
    None,

    /// <summary>A correctable error (ERR_COR).</summary>
    Correctable,

    /// <summary>An uncorrectable error whose severity bit is clear (ERR_NONFATAL).</summary>
    NonFatal,

    /// <summary>An uncorrectable error whose severity bit is set (ERR_FATAL).</summary>
    Fatal,
}
