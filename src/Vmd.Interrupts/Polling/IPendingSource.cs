namespace Vmd.Interrupts.Polling;

/// <summary>
/// Tells <see cref="InterruptPoller"/> whether an interrupt source has something pending, for hosts that run
/// without MSI. An interface plus a cookie, like <see cref="IInterruptSink"/>: no closures.
/// </summary>
/// <remarks>
/// Implemented by <see cref="Msix.MsixController"/> (cookie = table entry; reads the Pending Bit Array) and
/// <see cref="Msi.MsiController"/> (cookie = message number; reads Pending Bits). A host can supply its own
/// (e.g. an NVMe completion-queue phase check).
/// </remarks>
public interface IPendingSource
{
    /// <summary>True when the source named by <paramref name="cookie"/> has an interrupt pending.</summary>
    /// <remarks>Called from <see cref="InterruptPoller.Poll"/>: must not allocate, block or throw.</remarks>
    bool IsPending(uint cookie);
}
