using System;

namespace Vmd.Simulation.Faults;

/// <summary>Kinds of port call a <see cref="FaultInjector"/> counts; a <see cref="FaultPlan"/> names the ones its trigger counts.</summary>
[Flags]
public enum FaultAccessClasses
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>A read through the wrapped <see cref="IConfigSpace"/>.</summary>
    ConfigRead = 1 << 0,

    /// <summary>A write through the wrapped <see cref="IConfigSpace"/>.</summary>
    ConfigWrite = 1 << 1,

    /// <summary>A read through a region the wrapped mapper returned (CFGBAR accesses to the VMD's domain are these).</summary>
    MmioRead = 1 << 2,

    /// <summary>A write through a region the wrapped mapper returned.</summary>
    MmioWrite = 1 << 3,

    /// <summary><see cref="IMmioMapper.TryMap"/>.</summary>
    Map = 1 << 4,

    /// <summary><see cref="IMmioMapper.Unmap"/>.</summary>
    Unmap = 1 << 5,

    /// <summary><see cref="IInterruptController.TryAllocate"/>.</summary>
    VectorAllocate = 1 << 6,

    /// <summary><see cref="IInterruptController.ComposeMessage"/>, <see cref="IInterruptController.Attach"/>, <see cref="IInterruptController.Mask"/> and <see cref="IInterruptController.Unmask"/>.</summary>
    VectorCall = 1 << 7,

    /// <summary><see cref="IInterruptController.Detach"/> and <see cref="IInterruptController.Free"/>.</summary>
    VectorRelease = 1 << 8,

    /// <summary>Every read: configuration and MMIO.</summary>
    Reads = ConfigRead | MmioRead,

    /// <summary>Every write: configuration and MMIO.</summary>
    Writes = ConfigWrite | MmioWrite,

    /// <summary>Calls that acquire or use something from the host (mapping, vectors, messages, handlers); releases excluded.</summary>
    HostCalls = Map | VectorAllocate | VectorCall,

    /// <summary>Every class.</summary>
    All = Reads | Writes | HostCalls | Unmap | VectorRelease,
}
