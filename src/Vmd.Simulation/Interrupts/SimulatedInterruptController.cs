using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using Vmd.Registers;

namespace Vmd.Simulation.Interrupts;

/// <summary>
/// A host interrupt controller with a pool of x86 vectors. A vector's MSI message is address
/// 0xFEE00000 | (destination APIC ID &lt;&lt; 12) with data = vector. <see cref="Raise"/> (or an MSI write
/// through <see cref="TryDeliver"/>) calls the attached sink, or latches the vector pending while it is masked;
/// unmasking delivers a pending vector.
/// </summary>
/// <remarks>
/// Thread-safe. State changes take a private lock; sinks are called outside it, on the raising thread.
/// Programming mistakes (attaching to an unallocated vector, freeing twice) throw
/// <see cref="InvalidOperationException"/>; a raise nobody handles is counted, as a spurious interrupt is.
/// </remarks>
public sealed class SimulatedInterruptController : IInterruptController
{
    /// <summary>First vector handed out by default (0x00–0x1F are CPU exceptions; legacy IRQs usually sit at 0x20–0x2F).</summary>
    public const uint DefaultFirstVector = 0x30;

    /// <summary>Default pool size.</summary>
    public const int DefaultVectorCount = 64;

    private const int MaxVector = 0xFF;

    private readonly object _sync = new();
    private readonly bool[] _allocated;
    private readonly IInterruptSink?[] _sinks;
    private readonly uint[] _cookies;
    private readonly bool[] _masked;
    private readonly bool[] _pending;
    private readonly long[] _deliveredPerVector;
    private long _delivered;
    private long _latched;
    private long _unhandled;
    private long _rejectedMessages;

    /// <summary>Creates a controller owning <paramref name="vectorCount"/> vectors from <paramref name="firstVector"/>, on the CPU with APIC ID <paramref name="destinationId"/>.</summary>
    public SimulatedInterruptController(int vectorCount = DefaultVectorCount, uint firstVector = DefaultFirstVector, byte destinationId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vectorCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstVector + (uint)vectorCount - 1, (uint)MaxVector, nameof(vectorCount));
        VectorCount = vectorCount;
        FirstVector = firstVector;
        DestinationId = destinationId;
        _allocated = new bool[vectorCount];
        _sinks = new IInterruptSink?[vectorCount];
        _cookies = new uint[vectorCount];
        _masked = new bool[vectorCount];
        _pending = new bool[vectorCount];
        _deliveredPerVector = new long[vectorCount];
    }

    /// <summary>Size of the vector pool.</summary>
    public int VectorCount { get; }

    /// <summary>Lowest vector of the pool.</summary>
    public uint FirstVector { get; }

    /// <summary>APIC ID messages are addressed to.</summary>
    public byte DestinationId { get; }

    /// <summary>Vectors currently allocated.</summary>
    public int AllocatedCount
    {
        get
        {
            lock (_sync)
            {
                int count = 0;
                foreach (bool allocated in _allocated)
                {
                    count += allocated ? 1 : 0;
                }

                return count;
            }
        }
    }

    /// <summary>Calls made to sinks.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Raises that found their vector masked and latched it pending.</summary>
    public long LatchedWhileMasked => Interlocked.Read(ref _latched);

    /// <summary>Raises of a vector that is not allocated or has no sink (a spurious interrupt to the host).</summary>
    public long Unhandled => Interlocked.Read(ref _unhandled);

    /// <summary>MSI writes that were not an interrupt message for this controller (wrong address window or destination).</summary>
    public long RejectedMessages => Interlocked.Read(ref _rejectedMessages);

    /// <inheritdoc />
    public bool TryAllocate([MaybeNullWhen(false)] out HostVector vector)
    {
        lock (_sync)
        {
            for (int i = 0; i < _allocated.Length; i++)
            {
                if (!_allocated[i])
                {
                    _allocated[i] = true;
                    _masked[i] = false;
                    _pending[i] = false;
                    vector = new HostVector(FirstVector + (uint)i);
                    return true;
                }
            }
        }

        vector = default;
        return false;
    }

    /// <inheritdoc />
    public MsiMessage ComposeMessage(HostVector vector)
    {
        lock (_sync)
        {
            _ = AllocatedIndex(vector);
        }

        return new MsiMessage(X86MsiAddress.Base | ((uint)DestinationId << X86MsiAddress.DestinationIdShift), vector.Value);
    }

    /// <inheritdoc />
    public void Attach(HostVector vector, IInterruptSink sink, uint cookie)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_sync)
        {
            int i = AllocatedIndex(vector);
            if (_sinks[i] is not null)
            {
                throw new InvalidOperationException($"{vector} already has a handler; detach it first.");
            }

            _sinks[i] = sink;
            _cookies[i] = cookie;
        }
    }

    /// <inheritdoc />
    public void Detach(HostVector vector)
    {
        lock (_sync)
        {
            _sinks[AllocatedIndex(vector)] = null;
        }
    }

    /// <inheritdoc />
    public void Mask(HostVector vector)
    {
        lock (_sync)
        {
            _masked[AllocatedIndex(vector)] = true;
        }
    }

    /// <inheritdoc />
    public void Unmask(HostVector vector)
    {
        IInterruptSink? sink = null;
        uint cookie = 0;
        lock (_sync)
        {
            int i = AllocatedIndex(vector);
            _masked[i] = false;
            if (_pending[i] && _sinks[i] is not null)
            {
                _pending[i] = false;
                sink = _sinks[i];
                cookie = _cookies[i];
                _deliveredPerVector[i]++;
            }
        }

        Call(sink, cookie);
    }

    /// <inheritdoc />
    public void Free(HostVector vector)
    {
        lock (_sync)
        {
            int i = AllocatedIndex(vector);
            _allocated[i] = false;
            _sinks[i] = null;
            _masked[i] = false;
            _pending[i] = false;
        }
    }

    /// <summary>True when <paramref name="vector"/> is allocated from this controller.</summary>
    public bool IsAllocated(HostVector vector)
    {
        lock (_sync)
        {
            return TryIndex(vector, out int i) && _allocated[i];
        }
    }

    /// <summary>True when the vector is masked at the host.</summary>
    public bool IsMasked(HostVector vector)
    {
        lock (_sync)
        {
            return TryIndex(vector, out int i) && _masked[i];
        }
    }

    /// <summary>True when the vector fired while masked and waits for <see cref="Unmask"/>.</summary>
    public bool IsPending(HostVector vector)
    {
        lock (_sync)
        {
            return TryIndex(vector, out int i) && _pending[i];
        }
    }

    /// <summary>Calls made to the sink of <paramref name="vector"/>.</summary>
    public long DeliveredTo(HostVector vector)
    {
        lock (_sync)
        {
            return TryIndex(vector, out int i) ? _deliveredPerVector[i] : 0;
        }
    }

    /// <summary>
    /// Fires <paramref name="vector"/>: calls its sink (returns true), or latches it pending while masked, or
    /// counts it as unhandled when it is not allocated or has no sink.
    /// </summary>
    public bool Raise(HostVector vector)
    {
        IInterruptSink? sink;
        uint cookie;
        lock (_sync)
        {
            if (!TryIndex(vector, out int i) || !_allocated[i])
            {
                Interlocked.Increment(ref _unhandled);
                return false;
            }

            if (_masked[i])
            {
                _pending[i] = true;
                Interlocked.Increment(ref _latched);
                return false;
            }

            sink = _sinks[i];
            cookie = _cookies[i];
            if (sink is null)
            {
                Interlocked.Increment(ref _unhandled);
                return false;
            }

            _deliveredPerVector[i]++;
        }

        Call(sink, cookie);
        return true;
    }

    /// <summary>
    /// Accepts an MSI write as the platform would: an address in the 0xFEExxxxx window naming this controller's
    /// destination raises the vector in the data's low byte. Returns true when a sink ran.
    /// </summary>
    public bool TryDeliver(MsiMessage message)
    {
        bool window = (message.Address & X86MsiAddress.WindowMask) == X86MsiAddress.Base && (message.Address >> 32) == 0;
        uint destination = (uint)(message.Address >> X86MsiAddress.DestinationIdShift) & X86MsiAddress.DestinationIdMask;
        if (!window || destination != DestinationId)
        {
            Interlocked.Increment(ref _rejectedMessages);
            return false;
        }

        return Raise(new HostVector(message.Data & X86MsiAddress.DataVectorMask));
    }

    private void Call(IInterruptSink? sink, uint cookie)
    {
        if (sink is not null)
        {
            Interlocked.Increment(ref _delivered);
            sink.OnInterrupt(cookie);
        }
    }

    private bool TryIndex(HostVector vector, out int index)
    {
        index = (int)(vector.Value - FirstVector);
        return vector.Value >= FirstVector && index < VectorCount;
    }

    private int AllocatedIndex(HostVector vector)
    {
        if (!TryIndex(vector, out int index) || !_allocated[index])
        {
            throw new InvalidOperationException($"{vector} is not allocated from this controller.");
        }

        return index;
    }
}
