using System;
using System.Diagnostics.CodeAnalysis;
using KernelHost.Platform;
using Vmd;

namespace KernelHost.Memory;

/// <summary>
/// The kernel's <c>ioremap</c>: hands out uncached views of physical ranges over the <see cref="IPhysicalBus"/>. With
/// an identity- or direct-mapped kernel there are no page tables to edit, so mapping is bookkeeping: it checks the
/// range and counts what is mapped, so a leak or a double unmap shows.
/// </summary>
/// <remarks>Called at bring-up, reset and hot-plug time only, never at interrupt time; thread-safe.</remarks>
public sealed class KernelMmioMapper : IMmioMapper
{
    private readonly IPhysicalBus _bus;
    private readonly ulong _physicalLimit;
    private int _active;

    /// <summary>Creates a mapper over <paramref name="bus"/> reaching physical addresses below <paramref name="physicalLimit"/>.</summary>
    public KernelMmioMapper(IPhysicalBus bus, ulong physicalLimit = 1UL << 46)
    {
        ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _physicalLimit = physicalLimit;
    }

    /// <summary>Regions mapped and not yet unmapped.</summary>
    public int ActiveMappings => System.Threading.Volatile.Read(ref _active);

    /// <inheritdoc />
    public bool TryMap(ulong physicalAddress, ulong length, [NotNullWhen(true)] out IMmioRegion? region)
    {
        // Refused rather than thrown: the library treats false as "the host cannot map it" and reports the step.
        if (length == 0 || length > nuint.MaxValue || physicalAddress > _physicalLimit || _physicalLimit - physicalAddress < length)
        {
            region = null;
            return false;
        }

        region = new KernelMmioRegion(_bus, physicalAddress, (nuint)length);
        System.Threading.Interlocked.Increment(ref _active);
        return true;
    }

    /// <inheritdoc />
    public void Unmap(IMmioRegion region)
    {
        // A foreign or twice-returned region is a driver bug; a kernel would panic here, the sample throws.
        if (region is not KernelMmioRegion mapped || !mapped.IsMapped)
        {
            throw new InvalidOperationException("Unmap of a region this mapper did not map, or that was already unmapped.");
        }

        mapped.IsMapped = false;
        System.Threading.Interlocked.Decrement(ref _active);
    }
}
