using System;
using System.Threading;
using Vmd.Interrupts.Dispatch;

namespace Vmd.Core;

/// <summary>
/// Interrupt counts that survive the dispatcher being replaced (<see cref="Reset"/>, <see cref="Suspend"/> and
/// <see cref="TryResume"/> build a new one): <c>vmd.interrupts</c> is an observable counter, and a counter must not go
/// backwards.
/// </summary>
public sealed partial class VmdController
{
    private InterruptDispatcher? _dispatcher;
    private int _countsEpoch; // odd while a dispatcher's counts are being moved into the retired totals
    private long _retiredInterrupts;
    private long _retiredSpurious;
    private long[] _retiredDispatchedPerVector = [];
    private long[] _retiredSpuriousPerVector = [];

    /// <summary>Demultiplexes each VMD vector to its children's handlers (remapped mode); null otherwise.</summary>
    public InterruptDispatcher? Dispatcher
    {
        get => Volatile.Read(ref _dispatcher);
        private set => Volatile.Write(ref _dispatcher, value);
    }

    /// <summary>Moves the current dispatcher's counts into the retired totals and drops it, as one step for readers. Under the controller's lock.</summary>
    private void RetireDispatcher()
    {
        if (Dispatcher is not { } dispatcher)
        {
            return;
        }

        Interlocked.Increment(ref _countsEpoch);
        if (_retiredDispatchedPerVector.Length < dispatcher.VectorCount)
        {
            Array.Resize(ref _retiredDispatchedPerVector, dispatcher.VectorCount);
            Array.Resize(ref _retiredSpuriousPerVector, dispatcher.VectorCount);
        }

        for (int vector = 0; vector < dispatcher.VectorCount; vector++)
        {
            long dispatched = dispatcher.GetDispatchCount(vector);
            long spurious = dispatcher.GetSpuriousCount(vector);
            Volatile.Write(ref _retiredDispatchedPerVector[vector], _retiredDispatchedPerVector[vector] + dispatched);
            Volatile.Write(ref _retiredSpuriousPerVector[vector], _retiredSpuriousPerVector[vector] + spurious);
            Volatile.Write(ref _retiredInterrupts, _retiredInterrupts + dispatched);
            Volatile.Write(ref _retiredSpurious, _retiredSpurious + spurious);
        }

        Dispatcher = null;
        Interlocked.Increment(ref _countsEpoch);
    }

    /// <summary>All dispatches and spurious ones since the controller was created, whatever dispatchers came and went. Lock-free.</summary>
    private void ReadInterruptTotals(out long interrupts, out long spurious)
    {
        var spin = default(SpinWait);
        while (true)
        {
            int epoch = Volatile.Read(ref _countsEpoch);
            if ((epoch & 1) == 0)
            {
                interrupts = Volatile.Read(ref _retiredInterrupts);
                spurious = Volatile.Read(ref _retiredSpurious);
                if (Dispatcher is { } dispatcher)
                {
                    for (int vector = 0; vector < dispatcher.VectorCount; vector++)
                    {
                        interrupts += dispatcher.GetDispatchCount(vector);
                        spurious += dispatcher.GetSpuriousCount(vector);
                    }
                }

                Interlocked.MemoryBarrier(); // the reads above happen before the epoch is checked again
                if (Volatile.Read(ref _countsEpoch) == epoch)
                {
                    return;
                }
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Per-vector totals (retired plus current); returns how many vectors were copied. Lock-free.</summary>
    private int CopyVectorTotals(Span<long> dispatched, Span<long> spurious)
    {
        var spin = default(SpinWait);
        while (true)
        {
            int epoch = Volatile.Read(ref _countsEpoch);
            if ((epoch & 1) == 0)
            {
                InterruptDispatcher? dispatcher = Dispatcher;
                long[] retiredDispatched = Volatile.Read(ref _retiredDispatchedPerVector);
                long[] retiredSpurious = Volatile.Read(ref _retiredSpuriousPerVector);
                int vectors = dispatcher?.VectorCount ?? 0;
                int count = Math.Min(vectors, Math.Min(dispatched.Length, spurious.Length));
                for (int vector = 0; vector < count; vector++)
                {
                    long d = dispatcher!.GetDispatchCount(vector);
                    long s = dispatcher.GetSpuriousCount(vector);
                    if (vector < retiredDispatched.Length)
                    {
                        d += Volatile.Read(ref retiredDispatched[vector]);
                        s += Volatile.Read(ref retiredSpurious[vector]);
                    }

                    dispatched[vector] = d;
                    spurious[vector] = s;
                }

                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _countsEpoch) == epoch)
                {
                    return count;
                }
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
