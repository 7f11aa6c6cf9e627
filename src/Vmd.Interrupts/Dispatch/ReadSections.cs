using System;
using System.Threading;

namespace Vmd.Interrupts.Dispatch;

/// <summary>
/// Lets a writer wait until no reader still uses a snapshot it has just replaced, with no atomic operation, lock or
/// allocation on the reader side: an asymmetric fence in the manner of Linux's <c>membarrier</c>-based RCU.
/// </summary>
/// <remarks>
/// <para>Reader (interrupt path): <see cref="Enter"/> marks the calling thread's own <see cref="ReaderRecord"/> as
/// inside a section that guards a given object (plain stores: nobody else writes that record), the caller then loads
/// the snapshot; <see cref="Exit"/> clears the mark. Writer (serialised by its caller's lock): publishes the new
/// snapshot with an interlocked exchange, then <see cref="WaitForReaders"/> runs
/// <see cref="Interlocked.MemoryBarrierProcessWide"/> and waits for every thread whose record shows a section that may
/// hold the old snapshot.</para>
/// <para>Why that suffices: the process-wide barrier puts a full fence into every running thread at some point of its
/// instruction stream. A reader whose mark was stored before that point has it visible to the writer afterwards, and
/// the writer waits for it; a reader that stores its mark after that point loads the snapshot after the fence, so it
/// sees the new snapshot and need not be waited for. The writer pays a few microseconds per wait; the reader pays
/// two plain stores and a thread-static load instead of two interlocked operations (docs/benchmarks.md §3).</para>
/// <para>A thread's record is allocated at its first section (or by <see cref="Prepare"/>) and kept for the thread's
/// life; a record of a thread that has ended is reused, so the registry grows only with threads alive at once.</para>
/// </remarks>
internal static class ReadSections
{
    [ThreadStatic]
    private static ReaderRecord? t_record;

    private static ReaderRecord? s_head;

    /// <summary>Gives the calling thread its record now, so its first section allocates nothing.</summary>
    public static ReaderRecord Prepare() => t_record ?? Register();

    /// <summary>Enters a read section guarding <paramref name="guarded"/>; pass the result to <see cref="Exit"/>. No allocation once prepared.</summary>
    public static ReaderRecord Enter(object guarded)
    {
        ReaderRecord record = t_record ?? Register();
        int depth = record.Depth;
        if (depth == 0 && !ReferenceEquals(record.Outermost, guarded))
        {
            record.Outermost = guarded; // only on a change: a reference store pays the GC's write barrier
        }

        // Release: a writer that sees the depth sees the guarded object with it. No fence here: the writer's
        // process-wide barrier orders this store against the caller's following load of the snapshot.
        Volatile.Write(ref record.Depth, depth + 1);
        return record;
    }

    /// <summary>Leaves the read section entered with <paramref name="record"/>.</summary>
    public static void Exit(ReaderRecord record)
    {
        int depth = record.Depth - 1;
        if (depth == 0)
        {
            Volatile.Write(ref record.Generation, record.Generation + 1);
        }

        Volatile.Write(ref record.Depth, depth);
    }

    /// <summary>
    /// Refuses a writer that runs inside a section that may guard <paramref name="guarded"/> (a handler detaching from
    /// its own vector): it would wait for itself. A handler may detach from another vector: its own section guards
    /// something else. A nested section may guard anything (only the outermost one is known), so it is refused too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The calling thread is inside such a section.</exception>
    public static void ThrowIfInside(object guarded)
    {
        ReaderRecord? own = t_record;
        if (own is not null && own.Depth != 0 && (own.Depth > 1 || ReferenceEquals(own.Outermost, guarded)))
        {
            throw new InvalidOperationException("Called from a handler that may be running under the same vector or poller; it would wait for itself.");
        }
    }

    /// <summary>
    /// Waits until every read section guarding <paramref name="guarded"/> that was entered before the call has been
    /// left. The caller published its new snapshot with an interlocked operation first and holds its writer lock.
    /// </summary>
    /// <returns>False when <paramref name="timeout"/> passed first.</returns>
    /// <remarks>The calling thread's own sections are not waited for; call <see cref="ThrowIfInside"/> before publishing.</remarks>
    public static bool WaitForReaders(object guarded, TimeProvider time, TimeSpan timeout)
    {
        ReaderRecord? own = t_record;
        Interlocked.MemoryBarrierProcessWide();
        long start = time.GetTimestamp();
        for (ReaderRecord? record = Volatile.Read(ref s_head); record is not null; record = record.Next)
        {
            if (ReferenceEquals(record, own))
            {
                continue;
            }

            int depth = Volatile.Read(ref record.Depth);
            if (depth == 0 || (depth == 1 && !ReferenceEquals(Volatile.Read(ref record.Outermost), guarded)))
            {
                continue;
            }

            int generation = Volatile.Read(ref record.Generation);
            var spin = default(SpinWait);
            while (Volatile.Read(ref record.Depth) != 0 && Volatile.Read(ref record.Generation) == generation)
            {
                if (time.GetElapsedTime(start) > timeout)
                {
                    return false;
                }

                spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep: readers are short
            }
        }

        return true;
    }

    /// <summary>Records in the registry (one per thread alive that has entered a section, plus ended ones not yet reused).</summary>
    public static int RecordCount()
    {
        int count = 0;
        for (ReaderRecord? record = Volatile.Read(ref s_head); record is not null; record = record.Next)
        {
            count++;
        }

        return count;
    }

    private static ReaderRecord Register()
    {
        Thread current = Thread.CurrentThread;
        for (ReaderRecord? record = Volatile.Read(ref s_head); record is not null; record = record.Next)
        {
            Thread owner = Volatile.Read(ref record.Owner);
            if (!owner.IsAlive && ReferenceEquals(Interlocked.CompareExchange(ref record.Owner, current, owner), owner))
            {
                t_record = record; // an ended thread left it with depth 0 (Exit runs in finally blocks)
                return record;
            }
        }

        var created = new ReaderRecord(current);
        ReaderRecord? head;
        do
        {
            head = Volatile.Read(ref s_head);
            created.Next = head;
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref s_head, created, head), head));

        t_record = created;
        return created;
    }
}
