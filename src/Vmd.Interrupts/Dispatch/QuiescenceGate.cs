using System;
using System.Threading;

namespace Vmd.Interrupts.Dispatch;

/// <summary>
/// Lets a writer wait until no reader still uses a snapshot it has just replaced, without any lock or allocation on
/// the reader side (a two-slot reader count in the manner of sleepable RCU).
/// </summary>
/// <remarks>
/// <para>Reader (interrupt path): <see cref="Enter"/> reads the epoch's parity and increments that slot, then loads the
/// snapshot; <see cref="Exit"/> decrements the same slot. Writer (serialised by its caller's lock): publishes the new
/// snapshot with a full fence, then <see cref="WaitForReaders"/> flips the epoch and waits for the old slot to
/// drain, twice.</para>
/// <para>Why that suffices: a reader holding the old snapshot incremented its slot before loading it, so before the
/// publication; whichever slot that was, one of the two waits sees the increment and waits for the matching
/// decrement. A reader that increments after the writer looked at its slot does so after the publication (both
/// sides use interlocked, fully fenced operations), so it loads the new snapshot and need not be waited for. New
/// readers go to the other slot once the epoch flips, so steady interrupt traffic cannot starve the writer.</para>
/// </remarks>
internal sealed class QuiescenceGate
{
    private int _epoch;
    private int _readers0;
    private int _readers1;

    /// <summary>Enters the read side; pass the result to <see cref="Exit"/>. No allocation, no lock.</summary>
    public int Enter()
    {
        int slot = Volatile.Read(ref _epoch) & 1;
        Interlocked.Increment(ref Readers(slot));
        return slot;
    }

    /// <summary>Leaves the read side entered with <paramref name="slot"/>.</summary>
    public void Exit(int slot) => Interlocked.Decrement(ref Readers(slot));

    /// <summary>
    /// Waits until every reader that entered before the call has left. The caller published its new snapshot with
    /// an interlocked operation first and holds its writer lock. False when <paramref name="timeout"/> passed first.
    /// </summary>
    public bool WaitForReaders(TimeProvider time, TimeSpan timeout)
    {
        long start = time.GetTimestamp();
        for (int flip = 0; flip < 2; flip++)
        {
            int old = (Interlocked.Increment(ref _epoch) - 1) & 1;
            var spin = default(SpinWait);
            while (Volatile.Read(ref Readers(old)) != 0)
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

    private ref int Readers(int slot)
    {
        if (slot == 0)
        {
            return ref _readers0;
        }

        return ref _readers1;
    }
}
