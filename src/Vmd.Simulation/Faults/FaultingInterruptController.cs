using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Vmd.Simulation.Faults;

/// <summary>
/// An <see cref="IInterruptController"/> that asks a <see cref="FaultInjector"/> before every call. A faulted
/// <see cref="TryAllocate"/> returns false with nothing allocated; any other faulted call throws
/// <see cref="HostPortFailureException"/> without reaching the host. <see cref="LiveVectors"/> is vectors allocated
/// minus vectors freed, so a test sees a leaked vector.
/// </summary>
/// <remarks>
/// Thread-safe when the wrapped controller is. Messages the devices send still go to the wrapped controller, which
/// calls the sinks attached through this wrapper.
/// </remarks>
public sealed class FaultingInterruptController : IInterruptController
{
    private readonly IInterruptController _inner;
    private readonly FaultInjector _injector;
    private long _allocated;
    private long _freed;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="injector"/> decides which calls fail.</summary>
    public FaultingInterruptController(IInterruptController inner, FaultInjector injector)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(injector);
        _inner = inner;
        _injector = injector;
    }

    /// <summary>Vectors allocated and not yet freed through this wrapper.</summary>
    public long LiveVectors => Interlocked.Read(ref _allocated) - Interlocked.Read(ref _freed);

    /// <summary>Successful <see cref="TryAllocate"/> calls.</summary>
    public long Allocations => Interlocked.Read(ref _allocated);

    /// <summary>Successful <see cref="Free"/> calls.</summary>
    public long Frees => Interlocked.Read(ref _freed);

    /// <inheritdoc />
    public bool TryAllocate([MaybeNullWhen(false)] out HostVector vector)
    {
        if (_injector.OnAccess(FaultAccessClasses.VectorAllocate) != FaultAction.None)
        {
            vector = default;
            return false;
        }

        if (!_inner.TryAllocate(out vector))
        {
            return false;
        }

        Interlocked.Increment(ref _allocated);
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call.</exception>
    public MsiMessage ComposeMessage(HostVector vector)
    {
        Check(FaultAccessClasses.VectorCall, nameof(ComposeMessage), vector);
        return _inner.ComposeMessage(vector);
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call; nothing is attached.</exception>
    public void Attach(HostVector vector, IInterruptSink sink, uint cookie)
    {
        Check(FaultAccessClasses.VectorCall, nameof(Attach), vector);
        _inner.Attach(vector, sink, cookie);
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call; the handler stays attached.</exception>
    public void Detach(HostVector vector)
    {
        Check(FaultAccessClasses.VectorRelease, nameof(Detach), vector);
        _inner.Detach(vector);
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call.</exception>
    public void Mask(HostVector vector)
    {
        Check(FaultAccessClasses.VectorCall, nameof(Mask), vector);
        _inner.Mask(vector);
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call.</exception>
    public void Unmask(HostVector vector)
    {
        Check(FaultAccessClasses.VectorCall, nameof(Unmask), vector);
        _inner.Unmask(vector);
    }

    /// <inheritdoc />
    /// <exception cref="HostPortFailureException">An injected fault hit the call; the vector stays allocated.</exception>
    public void Free(HostVector vector)
    {
        Check(FaultAccessClasses.VectorRelease, nameof(Free), vector);
        _inner.Free(vector);
        Interlocked.Increment(ref _freed);
    }

    private void Check(FaultAccessClasses access, string call, HostVector vector)
    {
        if (_injector.OnAccess(access) != FaultAction.None)
        {
            throw new HostPortFailureException($"Injected failure of {call} on {vector}.");
        }
    }
}
