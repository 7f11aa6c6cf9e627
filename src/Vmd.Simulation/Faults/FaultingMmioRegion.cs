namespace Vmd.Simulation.Faults;

/// <summary>
/// An <see cref="IMmioRegion"/> that asks a <see cref="FaultInjector"/> before every access: a faulted read returns
/// all-ones without reaching the region, a faulted write never reaches it. <see cref="FaultingMmioMapper"/> hands these
/// out; CFGBAR accesses to a VMD's domain go through one.
/// </summary>
/// <remarks>Allocation-free and exception-free as the region contract asks (the wrapped region's own checks aside).</remarks>
public sealed class FaultingMmioRegion : IMmioRegion
{
    private readonly FaultInjector _injector;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="injector"/> decides which accesses fail.</summary>
    public FaultingMmioRegion(IMmioRegion inner, FaultInjector injector)
    {
        System.ArgumentNullException.ThrowIfNull(inner);
        System.ArgumentNullException.ThrowIfNull(injector);
        Inner = inner;
        _injector = injector;
    }

    /// <summary>The wrapped region (what the host's mapper returned).</summary>
    public IMmioRegion Inner { get; }

    /// <inheritdoc />
    public ulong PhysicalAddress => Inner.PhysicalAddress;

    /// <inheritdoc />
    public nuint Length => Inner.Length;

    /// <inheritdoc />
    public byte Read8(nuint offset) => Passes(FaultAccessClasses.MmioRead) ? Inner.Read8(offset) : byte.MaxValue;

    /// <inheritdoc />
    public ushort Read16(nuint offset) => Passes(FaultAccessClasses.MmioRead) ? Inner.Read16(offset) : ushort.MaxValue;

    /// <inheritdoc />
    public uint Read32(nuint offset) => Passes(FaultAccessClasses.MmioRead) ? Inner.Read32(offset) : uint.MaxValue;

    /// <inheritdoc />
    public ulong Read64(nuint offset) => Passes(FaultAccessClasses.MmioRead) ? Inner.Read64(offset) : ulong.MaxValue;

    /// <inheritdoc />
    public void Write8(nuint offset, byte value)
    {
        if (Passes(FaultAccessClasses.MmioWrite))
        {
            Inner.Write8(offset, value);
        }
    }

    /// <inheritdoc />
    public void Write16(nuint offset, ushort value)
    {
        if (Passes(FaultAccessClasses.MmioWrite))
        {
            Inner.Write16(offset, value);
        }
    }

    /// <inheritdoc />
    public void Write32(nuint offset, uint value)
    {
        if (Passes(FaultAccessClasses.MmioWrite))
        {
            Inner.Write32(offset, value);
        }
    }

    /// <inheritdoc />
    public void Write64(nuint offset, ulong value)
    {
        if (Passes(FaultAccessClasses.MmioWrite))
        {
            Inner.Write64(offset, value);
        }
    }

    private bool Passes(FaultAccessClasses access) => _injector.OnAccess(access) == FaultAction.None;
}
