using System;

namespace Vmd.Interrupts.Dispatch;

/// <summary>The state of one VMD vector in <see cref="InterruptDispatcher"/>: handler snapshot and counters.</summary>
internal sealed class VectorEntry
{
    /// <summary>Copy-on-write snapshot: replaced whole (interlocked) on attach and detach, never changed in place.</summary>
    public AttachedHandler[] Handlers = Array.Empty<AttachedHandler>();

    public long Dispatched;

    public long Spurious;

    public long DummyReads;
}
