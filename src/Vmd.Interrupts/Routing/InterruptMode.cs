namespace Vmd.Interrupts.Routing;

/// <summary>How a child function behind a VMD signals its interrupts.</summary>
public enum InterruptMode
{
    /// <summary>No interrupt: the host polls (<see cref="Polling.InterruptPoller"/>).</summary>
    Polling = 0,

    /// <summary>MSI-X (preferred: one table entry per queue, each maskable).</summary>
    Msix,

    /// <summary>MSI (one address for all messages, so one VMD vector per function).</summary>
    Msi,

    /// <summary>Legacy INTx. Never available behind a VMD; asking for it fails with <see cref="VmdError.Unsupported"/>.</summary>
    Intx,

    /// <summary>As a request only: MSI-X when the function has it, else MSI, else polling.</summary>
    Automatic,
}
