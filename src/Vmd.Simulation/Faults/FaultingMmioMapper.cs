using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Vmd.Simulation.Faults;

/// <summary>
/// An <see cref="IMmioMapper"/> that asks a <see cref="FaultInjector"/> before every call and wraps each region it hands
/// out in a <see cref="FaultingMmioRegion"/>. A faulted <see cref="TryMap"/> returns false with nothing mapped; a faulted
/// <see cref="Unmap"/> throws <see cref="HostPortFailureException"/> and keeps the region mapped. It counts what a test
/// needs to see leaks: <see cref="LiveRegions"/> is regions mapped minus regions unmapped.
/// </summary>
/// <remarks>Thread-safe when the wrapped mapper is.</remarks>
public sealed class FaultingMmioMapper : IMmioMapper
{
    private readonly IMmioMapper _inner;
    private readonly FaultInjector _injector;
    private long _maps;
    private long _unmaps;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="injector"/> decides which calls and accesses fail.</summary>
    public FaultingMmioMapper(IMmioMapper inner, FaultInjector injector)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(injector);
        _inner = inner;
        _injector = injector;
    }

    /// <summary>Regions handed out and not yet returned: non-zero after a driver released everything is a leak.</summary>
    public long LiveRegions => Interlocked.Read(ref _maps) - Interlocked.Read(ref _unmaps);

    /// <summary>Successful <see cref="TryMap"/> calls.</summary>
    public long Maps => Interlocked.Read(ref _maps);

    /// <summary>Successful <see cref="Unmap"/> calls.</summary>
    public long Unmaps => Interlocked.Read(ref _unmaps);

    /// <inheritdoc />
    public bool TryMap(ulong physicalAddress, ulong length, [NotNullWhen(true)] out IMmioRegion? region)
    {
        region = null;
        if (_injector.OnAccess(FaultAccessClasses.Map) != FaultAction.None)
        {
            return false;
        }

        if (!_inner.TryMap(physicalAddress, length, out IMmioRegion? mapped))
        {
            return false;
        }

        Interlocked.Increment(ref _maps);
        region = new FaultingMmioRegion(mapped, _injector);
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="region"/> was not handed out by this mapper.</exception>
    /// <exception cref="HostPortFailureException">An injected fault hit the call; the region stays mapped.</exception>
    public void Unmap(IMmioRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (region is not FaultingMmioRegion wrapped)
        {
            throw new ArgumentException("The region was not mapped through this fault-injecting mapper.", nameof(region));
        }

        if (_injector.OnAccess(FaultAccessClasses.Unmap) != FaultAction.None)
        {
            throw new HostPortFailureException($"Injected failure unmapping the region at {region.PhysicalAddress:x}.");
        }

        _inner.Unmap(wrapped.Inner);
        Interlocked.Increment(ref _unmaps);
    }
}
