using System;
using System.Threading;
using Vmd.Registers;

namespace Vmd.Interrupts.Dispatch;

/// <summary>
/// Runs the child handlers of each VMD vector. A VMD cannot tell which child raised a vector (hardware digest §8.1),
/// so <see cref="Dispatch"/> runs every handler attached to it; handlers must accept spurious calls.
/// </summary>
/// <remarks>
/// <para>Wiring: attach the dispatcher itself to each host vector with the VMD vector index as the cookie
/// (<c>host.Attach(hostVector, dispatcher, index)</c>); <see cref="OnInterrupt"/> then dispatches that vector.</para>
/// <para>Interrupt path (<see cref="Dispatch"/>, <see cref="OnInterrupt"/>): no allocation, no lock, no throw of
/// its own, no logging. It counts: every dispatch per vector, dispatches that found no handler (spurious), and
/// erratum reads.</para>
/// <para>Attach and detach may run on any thread, concurrently with dispatch. Each vector's handler list is an
/// immutable array replaced whole with an interlocked exchange (copy-on-write; the only allocation). After
/// publishing the shorter list, <see cref="Detach"/> waits until every dispatch of that vector that might still
/// hold the old list has finished. Dispatch marks itself in a record of its own thread with two plain stores (no
/// interlocked operation, no lock); Detach pays instead, with a process-wide memory barrier
/// (<see cref="Interlocked.MemoryBarrierProcessWide"/>, a few microseconds) before it reads the marks. So once
/// <see cref="Detach"/> returns true, the handler is never called again. The wait is bounded by
/// <see cref="DetachTimeout"/>; a handler stuck longer than that makes Detach throw <see cref="TimeoutException"/>.
/// A handler may detach handlers of other vectors; from a handler of the same vector (or from a nested dispatch)
/// Detach would wait for itself and throws <see cref="InvalidOperationException"/> instead.</para>
/// <para>Each thread that dispatches gets its record (about 40 bytes, kept for the thread's life, reused after it
/// ends) on its first dispatch; call <see cref="PrepareCurrentThread"/> on each interrupt thread (in a kernel: each
/// CPU's interrupt context) at start-up so that no dispatch ever allocates.</para>
/// <para>Erratum MTL016 (Meteor Lake, 0x7D0B; hardware digest §8.6, §16.5): the interrupt can overtake the DMA data
/// of the completion. With <see cref="DummyReadBeforeHandler"/> on, each handler that was attached with a mapped
/// register of its child (the overload with an <see cref="IMmioRegion"/>, which Vmd.Core uses: BAR0 offset 0) is
/// preceded by one 32-bit read of that register, and each handler attached with a configuration port by one 32-bit
/// configuration read of the child (Vendor ID/Device ID dword), so the child's earlier writes are flushed before its
/// handler reads memory. A handler attached with neither gets no read.</para>
/// </remarks>
public sealed class InterruptDispatcher : IInterruptSink
{
    private readonly VectorEntry[] _vectors;
    private readonly object _writerGate = new();
    private readonly TimeProvider _time;
    private long _outOfRange;

    /// <summary>Creates a dispatcher with one entry per VMD vector.</summary>
    /// <param name="vectorCount">Entries of the VMD's MSI-X table (1–2048).</param>
    /// <param name="dummyReadBeforeHandler">True on IDs with erratum MTL016 (0x7D0B): read each child before its handler.</param>
    /// <param name="timeProvider">Clock for the detach wait; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vectorCount"/> is outside 1–2048.</exception>
    public InterruptDispatcher(int vectorCount, bool dummyReadBeforeHandler = false, TimeProvider? timeProvider = null)
    {
        if (vectorCount < 1 || vectorCount > MsixCapability.TableSizeMask + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(vectorCount), vectorCount, "A VMD has 1 to 2048 MSI-X vectors.");
        }

        _vectors = new VectorEntry[vectorCount];
        for (int i = 0; i < vectorCount; i++)
        {
            _vectors[i] = new VectorEntry();
        }

        DummyReadBeforeHandler = dummyReadBeforeHandler;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How long <see cref="Detach"/> waits for running handlers by default: 1 s (handlers take microseconds).</summary>
    public static TimeSpan DefaultDetachTimeout => TimeSpan.FromSeconds(1);

    /// <summary>
    /// Allocates the calling thread's dispatch record now, so that its first <see cref="Dispatch"/> allocates nothing.
    /// Call it once on each thread (in a kernel: each CPU's interrupt context) that will dispatch; it is idempotent.
    /// </summary>
    public static void PrepareCurrentThread() => ReadSections.Prepare();

    /// <summary>Number of VMD vectors.</summary>
    public int VectorCount => _vectors.Length;

    /// <summary>True when each child is read once before its handler runs (erratum MTL016).</summary>
    public bool DummyReadBeforeHandler { get; }

    /// <summary>Longest wait of <see cref="Detach"/> for handlers still running; <see cref="DefaultDetachTimeout"/> unless set.</summary>
    public TimeSpan DetachTimeout { get; init; } = DefaultDetachTimeout;

    /// <summary>Dispatches asked for a vector index outside the table (ignored, counted).</summary>
    public long OutOfRangeCount => Interlocked.Read(ref _outOfRange);

    /// <summary>
    /// Attaches a handler to VMD vector <paramref name="vectorIndex"/>; it runs on the next dispatch of that vector.
    /// Any thread; not interrupt-safe (allocates the new handler list).
    /// </summary>
    /// <param name="vectorIndex">The VMD vector the child's message names.</param>
    /// <param name="sink">The child's handler.</param>
    /// <param name="cookie">Passed back to <paramref name="sink"/>; (sink, cookie) identifies the handler on this vector.</param>
    /// <param name="dummyReadConfig">
    /// Port that reaches the child, for the MTL016 read; null for no read. Ignored unless <see cref="DummyReadBeforeHandler"/>.
    /// </param>
    /// <param name="dummyReadAddress">The child to read before the handler.</param>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    /// <exception cref="InvalidOperationException">The same sink and cookie are attached to that vector already.</exception>
    public void Attach(int vectorIndex, IInterruptSink sink, uint cookie, IConfigSpace? dummyReadConfig = null, PciAddress dummyReadAddress = default) =>
        Attach(vectorIndex, new AttachedHandler(sink ?? throw new ArgumentNullException(nameof(sink)), cookie, dummyReadConfig, dummyReadAddress));

    /// <summary>
    /// Attaches a handler whose MTL016 read is one 32-bit read of a mapped register of the child (for example
    /// its BAR0 at offset 0): PCIe ordering makes the read's completion follow the child's earlier posted
    /// writes, and it needs no config-space lock on the interrupt path.
    /// </summary>
    /// <param name="vectorIndex">The VMD vector the child's message names.</param>
    /// <param name="sink">The child's handler.</param>
    /// <param name="cookie">Passed back to <paramref name="sink"/>.</param>
    /// <param name="dummyReadRegion">A mapped BAR of the child.</param>
    /// <param name="dummyReadOffset">A 4-byte aligned register offset in it that has no read side effect.</param>
    public void Attach(int vectorIndex, IInterruptSink sink, uint cookie, IMmioRegion dummyReadRegion, nuint dummyReadOffset)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(dummyReadRegion);
        Attach(vectorIndex, new AttachedHandler(sink, cookie, null, default, dummyReadRegion, dummyReadOffset));
    }

    private void Attach(int vectorIndex, AttachedHandler handler)
    {
        IInterruptSink sink = handler.Sink;
        uint cookie = handler.Cookie;
        VectorEntry entry = EntryFor(vectorIndex);
        lock (_writerGate)
        {
            AttachedHandler[] old = entry.Handlers;
            if (IndexOf(old, sink, cookie) >= 0)
            {
                throw new InvalidOperationException("That sink and cookie are attached to this vector already.");
            }

            var updated = new AttachedHandler[old.Length + 1];
            Array.Copy(old, updated, old.Length);
            updated[old.Length] = handler;
            Interlocked.Exchange(ref entry.Handlers, updated);
        }
    }

    /// <summary>
    /// Detaches a handler and waits until no dispatch that could still call it is running. Any thread, also a handler
    /// of another vector; not from a handler of the same vector; not interrupt-safe.
    /// </summary>
    /// <returns>True when the handler was attached (it is never called after this returns); false when it was not.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    /// <exception cref="TimeoutException">
    /// A dispatch of the vector did not finish within <see cref="DetachTimeout"/> (a handler hangs). The handler is removed, but may still be running.
    /// </exception>
    /// <exception cref="InvalidOperationException">Called from a handler of the same vector, or from a nested dispatch (nothing changed).</exception>
    public bool Detach(int vectorIndex, IInterruptSink sink, uint cookie)
    {
        ArgumentNullException.ThrowIfNull(sink);
        VectorEntry entry = EntryFor(vectorIndex);
        ReadSections.ThrowIfInside(entry);
        lock (_writerGate)
        {
            AttachedHandler[] old = entry.Handlers;
            int at = IndexOf(old, sink, cookie);
            if (at < 0)
            {
                return false;
            }

            AttachedHandler[] updated = old.Length == 1 ? Array.Empty<AttachedHandler>() : new AttachedHandler[old.Length - 1];
            Array.Copy(old, 0, updated, 0, at);
            Array.Copy(old, at + 1, updated, at, old.Length - at - 1);
            Interlocked.Exchange(ref entry.Handlers, updated); // full fence: publication precedes the gate's reads
            if (!ReadSections.WaitForReaders(entry, _time, DetachTimeout))
            {
                throw new TimeoutException("A handler of this VMD vector was still running when the detach wait ended.");
            }

            return true;
        }
    }

    /// <summary>
    /// Runs every handler of VMD vector <paramref name="vectorIndex"/> (after the MTL016 read of its child when that
    /// workaround is on). Interrupt path: no allocation, no lock, never throws of its own.
    /// </summary>
    /// <returns>False (counted in <see cref="OutOfRangeCount"/>) when the index is outside the table.</returns>
    public bool Dispatch(int vectorIndex)
    {
        VectorEntry[] vectors = _vectors;
        if ((uint)vectorIndex >= (uint)vectors.Length)
        {
            Interlocked.Increment(ref _outOfRange);
            return false;
        }

        VectorEntry entry = vectors[vectorIndex];
        ReaderRecord reader = ReadSections.Enter(entry);
        try
        {
            AttachedHandler[] handlers = Volatile.Read(ref entry.Handlers);
            Interlocked.Increment(ref entry.Dispatched);
            if (handlers.Length == 0)
            {
                Interlocked.Increment(ref entry.Spurious);
                return true;
            }

            bool dummyRead = DummyReadBeforeHandler;
            for (int i = 0; i < handlers.Length; i++)
            {
                ref readonly AttachedHandler handler = ref handlers[i];
                if (dummyRead)
                {
                    // MTL016: a read of the interrupting child before any write, so its DMA data is visible first.
                    if (handler.DummyReadRegion is { } region)
                    {
                        region.Read32(handler.DummyReadOffset);
                        Interlocked.Increment(ref entry.DummyReads);
                    }
                    else if (handler.DummyReadConfig is { } config)
                    {
                        config.Read32(handler.DummyReadAddress, PciHeader.VendorId);
                        Interlocked.Increment(ref entry.DummyReads);
                    }
                }

                handler.Sink.OnInterrupt(handler.Cookie);
            }

            return true;
        }
        finally
        {
            ReadSections.Exit(reader); // even if a handler broke the rules and threw: a detach must not wait forever
        }
    }

    /// <summary><see cref="IInterruptSink"/>: dispatches the VMD vector named by <paramref name="cookie"/>. Interrupt path.</summary>
    public void OnInterrupt(uint cookie)
    {
        if (cookie > int.MaxValue)
        {
            Interlocked.Increment(ref _outOfRange);
            return;
        }

        Dispatch((int)cookie);
    }

    /// <summary>Handlers attached to VMD vector <paramref name="vectorIndex"/> now.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    public int GetHandlerCount(int vectorIndex) => Volatile.Read(ref EntryFor(vectorIndex).Handlers).Length;

    /// <summary>Dispatches of VMD vector <paramref name="vectorIndex"/> (with or without handlers).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    public long GetDispatchCount(int vectorIndex) => Interlocked.Read(ref EntryFor(vectorIndex).Dispatched);

    /// <summary>Dispatches of VMD vector <paramref name="vectorIndex"/> that found no handler.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    public long GetSpuriousCount(int vectorIndex) => Interlocked.Read(ref EntryFor(vectorIndex).Spurious);

    /// <summary>MTL016 reads made before handlers of VMD vector <paramref name="vectorIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The vector index is outside the table.</exception>
    public long GetDummyReadCount(int vectorIndex) => Interlocked.Read(ref EntryFor(vectorIndex).DummyReads);

    private VectorEntry EntryFor(int vectorIndex)
    {
        if ((uint)vectorIndex >= (uint)_vectors.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(vectorIndex), vectorIndex, "The VMD has no such vector.");
        }

        return _vectors[vectorIndex];
    }

    private static int IndexOf(AttachedHandler[] handlers, IInterruptSink sink, uint cookie)
    {
        for (int i = 0; i < handlers.Length; i++)
        {
            if (handlers[i].Matches(sink, cookie))
            {
                return i;
            }
        }

        return -1;
    }
}
