using System.Threading;

namespace Vmd.Interrupts.Dispatch;

/// <summary>
/// One thread's read-side state for <see cref="ReadSections"/>. Only the owning thread writes
/// <see cref="Depth"/>, <see cref="Outermost"/> and <see cref="Generation"/>, so the reader needs no atomic operation;
/// writers only read them.
/// </summary>
internal sealed class ReaderRecord
{
    public ReaderRecord(Thread owner) => Owner = owner;

    /// <summary>The thread this record belongs to; a record of a thread that has ended is handed to a new thread.</summary>
    public Thread Owner;

    /// <summary>Read sections the owner is inside now (more than 1 when a handler dispatches or polls again).</summary>
    public int Depth;

    /// <summary>What the owner's outermost read section guards (a vector, a poller); valid while <see cref="Depth"/> is not 0.</summary>
    public object? Outermost;

    /// <summary>Incremented each time the owner leaves its outermost read section, so a writer sees a section end.</summary>
    public int Generation;

    /// <summary>The next record in the registry; set once, before the record is published.</summary>
    public ReaderRecord? Next;
}
