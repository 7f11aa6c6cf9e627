using System;
using System.Globalization;

namespace Vmd.Enumeration.Bars;

/// <summary>
/// One Base Address Register as decoded and, when it came from <see cref="BarSizer"/>, sized: where the
/// function's resource is programmed now and how large it is.
/// </summary>
/// <remarks>Immutable value; allocation-free except for <see cref="ToString"/>.</remarks>
public readonly struct PciBar : IEquatable<PciBar>
{
    /// <summary>The <see cref="Index"/> given to the expansion ROM BAR (one past the last type 0 BAR).</summary>
    public const int ExpansionRomIndex = 6;

    private readonly ulong _address;
    private readonly ulong _size;
    private readonly byte _index;
    private readonly PciBarKind _kind;
    private readonly bool _prefetchable;

    /// <summary>Creates a BAR value; throws when <paramref name="index"/> is not 0–5 or <see cref="ExpansionRomIndex"/>.</summary>
    /// <param name="index">BAR slot 0–5, or <see cref="ExpansionRomIndex"/>.</param>
    /// <param name="kind">What the BAR decodes.</param>
    /// <param name="address">Programmed address with the flag bits stripped (bus address, bytes).</param>
    /// <param name="size">Size in bytes; 0 when unknown (decoded but not sized) or not implemented.</param>
    /// <param name="prefetchable">The memory BAR's prefetchable bit.</param>
    public PciBar(int index, PciBarKind kind, ulong address, ulong size, bool prefetchable)
    {
        if ((uint)index > ExpansionRomIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "A BAR index is 0 to 5, or 6 for the expansion ROM.");
        }

        _index = (byte)index;
        _kind = kind;
        _address = address;
        _size = size;
        _prefetchable = prefetchable;
    }

    /// <summary>BAR slot 0–5 (config offset 0x10 + 4·index), or <see cref="ExpansionRomIndex"/>.</summary>
    public int Index => _index;

    /// <summary>What the BAR decodes; <see cref="PciBarKind.None"/> when not implemented or the upper half of a 64-bit BAR.</summary>
    public PciBarKind Kind => _kind;

    /// <summary>The programmed address with flag bits stripped (for a 64-bit BAR both halves combined).</summary>
    public ulong Address => _address;

    /// <summary>Size in bytes (a power of two for well-formed hardware); 0 when not sized or not implemented.</summary>
    public ulong Size => _size;

    /// <summary>The memory BAR's prefetchable bit (bit 3); false for I/O BARs and the expansion ROM.</summary>
    public bool Prefetchable => _prefetchable;

    /// <summary>True for a 64-bit memory BAR (type 10b): the next slot holds address bits 63:32.</summary>
    public bool Is64Bit => _kind == PciBarKind.Memory64;

    /// <summary>True when the BAR decodes something (<see cref="Kind"/> is not <see cref="PciBarKind.None"/>).</summary>
    public bool IsImplemented => _kind != PciBarKind.None;

    /// <summary>True for the expansion ROM BAR.</summary>
    public bool IsExpansionRom => _index == ExpansionRomIndex;

    /// <summary>A slot that decodes nothing: not implemented, or the upper half of a 64-bit BAR.</summary>
    public static PciBar NotImplemented(int index) => new(index, PciBarKind.None, 0, 0, false);

    /// <inheritdoc />
    public bool Equals(PciBar other) =>
        _index == other._index && _kind == other._kind && _address == other._address
        && _size == other._size && _prefetchable == other._prefetchable;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PciBar other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_index, _kind, _address, _size, _prefetchable);

    /// <summary>Text close to lspci's "Region" line, e.g. <c>BAR0: Memory at 00000000f0000000 (64-bit, prefetchable) [size=0x100000]</c>.</summary>
    public override string ToString()
    {
        string name = IsExpansionRom ? "ROM" : "BAR" + _index.ToString(CultureInfo.InvariantCulture);
        return _kind switch
        {
            PciBarKind.None => name + ": not implemented",
            PciBarKind.Io => string.Create(CultureInfo.InvariantCulture, $"{name}: I/O ports at {_address:x} [size=0x{_size:x}]"),
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: Memory at {_address:x16} ({(Is64Bit ? "64-bit" : "32-bit")}, {(_prefetchable ? "prefetchable" : "non-prefetchable")}) [size=0x{_size:x}]"),
        };
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(PciBar left, PciBar right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PciBar left, PciBar right) => !left.Equals(right);
}
