using System.Threading;
using Vmd;

namespace KernelHost.Interrupts;

/// <summary>
/// The handler half of the kernel's IDT: one entry per CPU vector holding an <see cref="IInterruptSink"/> and its
/// cookie. Every device vector's assembly stub ends in <see cref="Dispatch"/> with the vector number.
/// </summary>
/// <remarks>
/// <para>Interrupt path (<see cref="Dispatch"/>): no allocation, no lock, no throw of its own. An entry is published
/// with a volatile store of its sink after its cookie, so a dispatch on another CPU sees both or neither.</para>
/// <para>x86 cannot mask one MSI vector at the local APIC, so masking is done here, in software, as Linux's lazy
/// disable does: a vector firing while masked is latched and run by <see cref="Unmask"/>. That makes
/// <see cref="Mask"/> and <see cref="Unmask"/> interrupt-safe, as <see cref="IInterruptController"/> requires.</para>
/// <para><see cref="Clear"/> waits until no dispatch of the vector is running, which is what
/// <see cref="IInterruptController.Detach"/> promises; it must not be called from that vector's own handler.</para>
/// </remarks>
public sealed class InterruptTable
{
    /// <summary>Entries of an x86 IDT.</summary>
    public const int Size = 256;

    private readonly IInterruptSink?[] _sinks = new IInterruptSink?[Size];
    private readonly uint[] _cookies = new uint[Size];
    private readonly int[] _masked = new int[Size];
    private readonly int[] _pending = new int[Size];
    private readonly int[] _running = new int[Size];
    private readonly long[] _handled = new long[Size];
    private long _spurious;

    /// <summary>Dispatches that found no handler (a vector nobody owns, or one detached meanwhile).</summary>
    public long Spurious => Interlocked.Read(ref _spurious);

    /// <summary>Handler calls made for <paramref name="vector"/>.</summary>
    public long HandledOn(uint vector) => vector < Size ? Interlocked.Read(ref _handled[vector]) : 0;

    /// <summary>
    /// The common IDT stub target: runs the vector's handler, or latches the vector while it is masked. Interrupt context.
    /// </summary>
    public void Dispatch(uint vector)
    {
        if (vector >= Size)
        {
            Interlocked.Increment(ref _spurious);
            return;
        }

        // The running count lets Clear wait for this call; it brackets the whole dispatch, latch included.
        Interlocked.Increment(ref _running[vector]);
        if (Volatile.Read(ref _masked[vector]) != 0)
        {
            Volatile.Write(ref _pending[vector], 1);

            // Unmask may have run between the two lines above and missed the latch: take it back if so.
            if (Volatile.Read(ref _masked[vector]) != 0 || Interlocked.Exchange(ref _pending[vector], 0) == 0)
            {
                Interlocked.Decrement(ref _running[vector]);
                return;
            }
        }

        Run(vector);
        Interlocked.Decrement(ref _running[vector]);
    }

    /// <summary>Installs the handler of <paramref name="vector"/>; the vector stays masked until <see cref="Unmask"/>.</summary>
    public void Set(uint vector, IInterruptSink sink, uint cookie)
    {
        Volatile.Write(ref _cookies[vector], cookie);
        Volatile.Write(ref _sinks[vector], sink);
    }

    /// <summary>Removes the handler of <paramref name="vector"/> and waits until no dispatch of it is running.</summary>
    public void Clear(uint vector)
    {
        Volatile.Write(ref _sinks[vector], null);
        SpinWait spin = default;
        while (Volatile.Read(ref _running[vector]) != 0)
        {
            spin.SpinOnce();
        }

        Volatile.Write(ref _pending[vector], 0);
    }

    /// <summary>Masks the vector (interrupt-safe): later firings are latched.</summary>
    public void Mask(uint vector) => Volatile.Write(ref _masked[vector], 1);

    /// <summary>Unmasks the vector (interrupt-safe) and runs its handler once if it fired while masked.</summary>
    public void Unmask(uint vector)
    {
        Volatile.Write(ref _masked[vector], 0);
        if (Interlocked.Exchange(ref _pending[vector], 0) != 0)
        {
            Interlocked.Increment(ref _running[vector]);
            Run(vector);
            Interlocked.Decrement(ref _running[vector]);
        }
    }

    private void Run(uint vector)
    {
        IInterruptSink? sink = Volatile.Read(ref _sinks[vector]);
        if (sink is null)
        {
            Interlocked.Increment(ref _spurious);
            return;
        }

        Interlocked.Increment(ref _handled[vector]);
        sink.OnInterrupt(Volatile.Read(ref _cookies[vector]));
    }
}
