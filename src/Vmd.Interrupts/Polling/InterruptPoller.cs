using System;
using System.Threading;
using Vmd.Interrupts.Dispatch;

namespace Vmd.Interrupts.Polling;

/// <summary>
/// Interrupts without MSI: <see cref="Poll"/> asks each registered source whether it has something pending and runs
/// the handlers of those that do. For hosts with no interrupt controller, or as a fallback (SPDK polls, hardware
/// digest §8.5).
/// </summary>
/// <remarks>
/// <para>Typical sources: a child's <see cref="Msix.MsixController"/> with its entries masked (the Pending Bit Array
/// latches what would have been sent; cookie = entry), or the VMD's own MSI-X with Function Mask set and the
/// <see cref="InterruptDispatcher"/> as the sink (cookie = VMD vector index on both sides).</para>
/// <para><see cref="Poll"/> allocates nothing, takes no lock and throws nothing of its own; it may run on any thread,
/// also on several at once (handlers then may run concurrently, as they may for interrupts). Register and
/// unregister from any thread: registrations are a copy-on-write array, and <see cref="Unregister"/> waits (bounded
/// by <see cref="UnregisterTimeout"/>) until no poll that could still run the handler is in progress, so a handler
/// is never called after <see cref="Unregister"/> returns true.</para>
/// </remarks>
public sealed class InterruptPoller
{
    private readonly object _writerGate = new();
    private readonly TimeProvider _time;
    private PollRegistration[] _registrations = Array.Empty<PollRegistration>();
    private long _polls;
    private long _handlersRun;

    /// <summary>Creates an empty poller.</summary>
    /// <param name="timeProvider">Clock for the unregister wait; <see cref="TimeProvider.System"/> when null.</param>
    public InterruptPoller(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Longest wait of <see cref="Unregister"/> for a poll in progress; 1 s unless set.</summary>
    public TimeSpan UnregisterTimeout { get; init; } = InterruptDispatcher.DefaultDetachTimeout;

    /// <summary>Sources registered now.</summary>
    public int RegistrationCount => Volatile.Read(ref _registrations).Length;

    /// <summary>Calls to <see cref="Poll"/>.</summary>
    public long PollCount => Interlocked.Read(ref _polls);

    /// <summary>Handlers run by <see cref="Poll"/> because their source was pending.</summary>
    public long HandlersRun => Interlocked.Read(ref _handlersRun);

    /// <summary>Registers a source; its handler runs on each poll that finds it pending. Not interrupt-safe (allocates).</summary>
    /// <param name="source">Tells whether the source is pending.</param>
    /// <param name="sourceCookie">Passed to <paramref name="source"/> (e.g. the MSI-X entry).</param>
    /// <param name="sink">The handler.</param>
    /// <param name="sinkCookie">Passed to <paramref name="sink"/>.</param>
    /// <exception cref="InvalidOperationException">The same four values are registered already.</exception>
    public void Register(IPendingSource source, uint sourceCookie, IInterruptSink sink, uint sinkCookie)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        lock (_writerGate)
        {
            PollRegistration[] old = _registrations;
            if (IndexOf(old, source, sourceCookie, sink, sinkCookie) >= 0)
            {
                throw new InvalidOperationException("That source and handler are registered already.");
            }

            var updated = new PollRegistration[old.Length + 1];
            Array.Copy(old, updated, old.Length);
            updated[old.Length] = new PollRegistration(source, sourceCookie, sink, sinkCookie);
            Interlocked.Exchange(ref _registrations, updated);
        }
    }

    /// <summary>Unregisters a source and waits until no poll can still run its handler. Never call it from a polled handler.</summary>
    /// <returns>True when it was registered (its handler is never called after this returns); false when it was not.</returns>
    /// <exception cref="TimeoutException">A poll did not finish within <see cref="UnregisterTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">Called from a polled handler (it would wait for its own poll; nothing changed).</exception>
    public bool Unregister(IPendingSource source, uint sourceCookie, IInterruptSink sink, uint sinkCookie)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        ReadSections.ThrowIfInside(this);
        lock (_writerGate)
        {
            PollRegistration[] old = _registrations;
            int at = IndexOf(old, source, sourceCookie, sink, sinkCookie);
            if (at < 0)
            {
                return false;
            }

            PollRegistration[] updated = old.Length == 1 ? Array.Empty<PollRegistration>() : new PollRegistration[old.Length - 1];
            Array.Copy(old, 0, updated, 0, at);
            Array.Copy(old, at + 1, updated, at, old.Length - at - 1);
            Interlocked.Exchange(ref _registrations, updated);
            if (!ReadSections.WaitForReaders(this, _time, UnregisterTimeout))
            {
                throw new TimeoutException("A poll was still running when the unregister wait ended.");
            }

            return true;
        }
    }

    /// <summary>
    /// Checks every registered source once and runs the handler of each pending one. No allocation, no lock, no
    /// throw of its own.
    /// </summary>
    /// <returns>Handlers run.</returns>
    public int Poll()
    {
        ReaderRecord reader = ReadSections.Enter(this);
        int run = 0;
        try
        {
            PollRegistration[] registrations = Volatile.Read(ref _registrations);
            for (int i = 0; i < registrations.Length; i++)
            {
                PollRegistration registration = registrations[i];
                if (registration.Source.IsPending(registration.SourceCookie))
                {
                    registration.Sink.OnInterrupt(registration.SinkCookie);
                    run++;
                }
            }
        }
        finally
        {
            ReadSections.Exit(reader);
            Interlocked.Increment(ref _polls);
            Interlocked.Add(ref _handlersRun, run);
        }

        return run;
    }

    private static int IndexOf(PollRegistration[] registrations, IPendingSource source, uint sourceCookie, IInterruptSink sink, uint sinkCookie)
    {
        for (int i = 0; i < registrations.Length; i++)
        {
            if (registrations[i].Matches(source, sourceCookie, sink, sinkCookie))
            {
                return i;
            }
        }

        return -1;
    }
}
