namespace Vmd.Simulation.Faults;

/// <summary>What an injected fault does to the access it hits.</summary>
public enum FaultKind
{
    /// <summary>A read returns all-ones (0xFF…), as a completion from a function that is gone or a link that is down does.</summary>
    AllOnesRead,

    /// <summary>A write is silently lost: the call returns, the hardware never sees it.</summary>
    DroppedWrite,

    /// <summary>
    /// The host port fails. A call with a <c>Try</c> shape (<see cref="IMmioMapper.TryMap"/>,
    /// <see cref="IInterruptController.TryAllocate"/>) returns false. A call whose contract allows no failure
    /// (<see cref="IConfigSpace"/>, <see cref="IMmioRegion"/>) finds the hardware gone: from that access on, reads return
    /// all-ones and writes are dropped until <see cref="FaultInjector.Remove"/>. Any other call throws
    /// <see cref="HostPortFailureException"/>.
    /// </summary>
    PortFailure,
}
