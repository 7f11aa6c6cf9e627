namespace Vmd.Simulation.Interrupts;

/// <summary>What became of one vector a simulated function signalled (see <c>SimulatedFunction.SignalVector</c>).</summary>
public enum InterruptOutcome
{
    /// <summary>
    /// A message reached the host interrupt controller (which may still find the host vector masked or without a handler).
    /// The controller runs the handler once the machine's lock is released by the port access that raised it.
    /// </summary>
    DeliveredToHost,

    /// <summary>The function's MSI-X entry or Function Mask, or its MSI vector mask, was set: the pending bit is set and the message waits for the unmask.</summary>
    PendingInFunction,

    /// <summary>The VMD remapped the message, but its own MSI-X entry or Function Mask was set: the VMD's PBA bit is set instead.</summary>
    PendingInVmd,

    /// <summary>Neither MSI-X nor MSI was enabled for the vector (or it lies beyond the MSI-X table, or beyond MSI's Multiple Message Enable); nothing was sent. No INTx exists behind a VMD.</summary>
    NotEnabled,

    /// <summary>The VMD remapped the message, but the VMD's own MSI-X is disabled: the interrupt is lost.</summary>
    VmdNotEnabled,

    /// <summary>Bus Master Enable was clear on the function, a bridge above it, or the VMD endpoint: the write was dropped.</summary>
    BusMasterDisabled,

    /// <summary>A VMD in remap mode found an entry index beyond its MSI-X table: the message was dropped.</summary>
    RemapIndexOutOfRange,

    /// <summary>No path to the host: the function is not attached, or a bridge claims the address for its own window.</summary>
    Unroutable,

    /// <summary>The message address was no interrupt address (not 0xFEEx_xxxx): the data went out as an ordinary memory write.</summary>
    MemoryWrite,
}
