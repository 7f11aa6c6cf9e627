namespace Vmd.Simulation.Faults;

/// <summary>
/// An <see cref="IConfigSpace"/> (a host's configuration port) that asks a <see cref="FaultInjector"/> before every
/// access: a faulted read returns all-ones without reaching the port, a faulted write never reaches it.
/// </summary>
/// <remarks>Allocation-free; thread safety is the wrapped port's plus the injector's (thread-safe).</remarks>
public sealed class FaultingConfigSpace : IConfigSpace
{
    private readonly IConfigSpace _inner;
    private readonly FaultInjector _injector;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="injector"/> decides which accesses fail.</summary>
    public FaultingConfigSpace(IConfigSpace inner, FaultInjector injector)
    {
        System.ArgumentNullException.ThrowIfNull(inner);
        System.ArgumentNullException.ThrowIfNull(injector);
        _inner = inner;
        _injector = injector;
    }

    /// <summary>The wrapped port.</summary>
    public IConfigSpace Inner => _inner;

    /// <inheritdoc />
    public bool HasExtendedSpace => _inner.HasExtendedSpace;

    /// <inheritdoc />
    public byte Read8(PciAddress address, ushort offset) =>
        Passes(FaultAccessClasses.ConfigRead) ? _inner.Read8(address, offset) : byte.MaxValue;

    /// <inheritdoc />
    public ushort Read16(PciAddress address, ushort offset) =>
        Passes(FaultAccessClasses.ConfigRead) ? _inner.Read16(address, offset) : ushort.MaxValue;

    /// <inheritdoc />
    public uint Read32(PciAddress address, ushort offset) =>
        Passes(FaultAccessClasses.ConfigRead) ? _inner.Read32(address, offset) : uint.MaxValue;

    /// <inheritdoc />
    public void Write8(PciAddress address, ushort offset, byte value)
    {
        if (Passes(FaultAccessClasses.ConfigWrite))
        {
            _inner.Write8(address, offset, value);
        }
    }

    /// <inheritdoc />
    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        if (Passes(FaultAccessClasses.ConfigWrite))
        {
            _inner.Write16(address, offset, value);
        }
    }

    /// <inheritdoc />
    public void Write32(PciAddress address, ushort offset, uint value)
    {
        if (Passes(FaultAccessClasses.ConfigWrite))
        {
            _inner.Write32(address, offset, value);
        }
    }

    // The configuration port's contract allows no exception, so a failed call can only read all-ones or drop the write.
    private bool Passes(FaultAccessClasses access) => _injector.OnAccess(access) == FaultAction.None;
}
