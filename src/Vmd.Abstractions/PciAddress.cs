using System;
using System.Globalization;

namespace Vmd;

/// <summary>
/// The address of one PCI function: segment (domain), bus, device and function, printed as lspci
/// prints it (<c>10000:e1:00.0</c>). VMD domains are numbered from 0x10000 up, so the segment is 32 bits.
/// </summary>
/// <remarks>Immutable, allocation-free to compare, hash and format (<see cref="TryFormat"/>).</remarks>
public readonly struct PciAddress : IEquatable<PciAddress>, IComparable<PciAddress>, ISpanFormattable
{
    /// <summary>Highest device number on a bus (5 bits).</summary>
    public const int MaxDevice = 31;

    /// <summary>Highest function number of a device (3 bits; ARI is not modelled in the address).</summary>
    public const int MaxFunction = 7;

    /// <summary>Longest text <see cref="TryFormat"/> can produce: 8 segment digits + ":bb:dd.f".</summary>
    public const int MaxFormattedLength = 8 + 8;

    private readonly uint _segment;
    private readonly ushort _routingId; // bus << 8 | device << 3 | function, as PCIe packs a requester ID

    /// <summary>Creates an address; throws when device or function are out of range (a caller mistake).</summary>
    /// <param name="segment">PCI segment (domain); 0 for the host's first segment, 0x10000 and up for VMD domains.</param>
    /// <param name="bus">Bus number 0–255.</param>
    /// <param name="device">Device number 0–31.</param>
    /// <param name="function">Function number 0–7.</param>
    public PciAddress(uint segment, byte bus, int device, int function)
    {
        if ((uint)device > MaxDevice)
        {
            throw new ArgumentOutOfRangeException(nameof(device), device, "A PCI device number is 0 to 31.");
        }

        if ((uint)function > MaxFunction)
        {
            throw new ArgumentOutOfRangeException(nameof(function), function, "A PCI function number is 0 to 7.");
        }

        _segment = segment;
        _routingId = (ushort)((bus << 8) | (device << 3) | function);
    }

    /// <summary>PCI segment (domain).</summary>
    public uint Segment => _segment;

    /// <summary>Bus number.</summary>
    public byte Bus => (byte)(_routingId >> 8);

    /// <summary>Device number 0–31.</summary>
    public int Device => (_routingId >> 3) & 0x1F;

    /// <summary>Function number 0–7.</summary>
    public int Function => _routingId & 0x7;

    /// <summary>The 16-bit routing ID (bus, device, function) as PCIe packs a requester ID.</summary>
    public ushort RoutingId => _routingId;

    /// <summary>The same device and bus with another function number.</summary>
    public PciAddress WithFunction(int function) => new(_segment, Bus, Device, function);

    /// <summary>The same segment with another bus, device and function.</summary>
    public PciAddress WithBus(byte bus) => new(_segment, bus, Device, Function);

    /// <summary>Parses <c>ssss:bb:dd.f</c> (4 to 8 hex digits of segment) or <c>bb:dd.f</c> (segment 0).</summary>
    /// <exception cref="FormatException">The text is malformed; the message names what was wrong and what is accepted.</exception>
    public static PciAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text.AsSpan(), out PciAddress address, out string? error))
        {
            throw new FormatException(error);
        }

        return address;
    }

    /// <summary>Parses <c>ssss:bb:dd.f</c> or <c>bb:dd.f</c>; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PciAddress address) => TryParse(text, out address, out _);

    /// <summary>Parses <c>ssss:bb:dd.f</c> or <c>bb:dd.f</c>; on failure <paramref name="error"/> says what was wrong.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PciAddress address, out string? error)
    {
        address = default;
        const string Accepted = "expected ssss:bb:dd.f (4-8 hex digits of segment, e.g. 10000:e1:00.0) or bb:dd.f";
        ReadOnlySpan<char> rest = text.Trim();
        if (rest.IsEmpty)
        {
            error = "empty PCI address; " + Accepted;
            return false;
        }

        int dot = rest.LastIndexOf('.');
        if (dot < 0)
        {
            error = $"'{text.ToString()}' has no '.' before the function number; {Accepted}";
            return false;
        }

        ReadOnlySpan<char> functionText = rest[(dot + 1)..];
        ReadOnlySpan<char> head = rest[..dot];
        int lastColon = head.LastIndexOf(':');
        if (lastColon < 0)
        {
            error = $"'{text.ToString()}' has no ':' between bus and device; {Accepted}";
            return false;
        }

        ReadOnlySpan<char> deviceText = head[(lastColon + 1)..];
        head = head[..lastColon];
        int firstColon = head.LastIndexOf(':');
        ReadOnlySpan<char> busText = firstColon < 0 ? head : head[(firstColon + 1)..];
        ReadOnlySpan<char> segmentText = firstColon < 0 ? ReadOnlySpan<char>.Empty : head[..firstColon];

        uint segment = 0;
        if (firstColon >= 0)
        {
            if (segmentText.Length < 4 || segmentText.Length > 8 || !TryHex(segmentText, out segment))
            {
                error = $"segment '{segmentText.ToString()}' in '{text.ToString()}' is not 4 to 8 hex digits; {Accepted}";
                return false;
            }
        }

        if (busText.Length is < 1 or > 2 || !TryHex(busText, out uint bus))
        {
            error = $"bus '{busText.ToString()}' in '{text.ToString()}' is not 1 or 2 hex digits (00-ff); {Accepted}";
            return false;
        }

        if (deviceText.Length is < 1 or > 2 || !TryHex(deviceText, out uint device) || device > MaxDevice)
        {
            error = $"device '{deviceText.ToString()}' in '{text.ToString()}' is not a hex number 00-1f; {Accepted}";
            return false;
        }

        if (functionText.Length != 1 || !TryHex(functionText, out uint function) || function > MaxFunction)
        {
            error = $"function '{functionText.ToString()}' in '{text.ToString()}' is not a digit 0-7; {Accepted}";
            return false;
        }

        address = new PciAddress(segment, (byte)bus, (int)device, (int)function);
        error = null;
        return true;
    }

    private static bool TryHex(ReadOnlySpan<char> text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

    /// <summary>Writes the lspci form (<c>0000:00:0e.0</c>, <c>10000:e1:00.0</c>) without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        int segmentDigits = 4;
        for (uint s = _segment >> 16; s != 0; s >>= 4)
        {
            segmentDigits++;
        }

        int length = segmentDigits + 8;
        if (destination.Length < length)
        {
            return false;
        }

        int at = 0;
        for (int shift = (segmentDigits - 1) * 4; shift >= 0; shift -= 4)
        {
            destination[at++] = HexDigit(_segment >> shift);
        }

        destination[at++] = ':';
        destination[at++] = HexDigit((uint)Bus >> 4);
        destination[at++] = HexDigit(Bus);
        destination[at++] = ':';
        destination[at++] = HexDigit((uint)Device >> 4);
        destination[at++] = HexDigit((uint)Device);
        destination[at++] = '.';
        destination[at++] = HexDigit((uint)Function);
        charsWritten = at;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    private static char HexDigit(uint value) => "0123456789abcdef"[(int)(value & 0xF)];

    /// <summary>The lspci form, e.g. <c>10000:e1:00.0</c>.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        TryFormat(buffer, out int written);
        return new string(buffer[..written]);
    }

    /// <inheritdoc />
    public bool Equals(PciAddress other) => _segment == other._segment && _routingId == other._routingId;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PciAddress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)(_segment * 0x9E3779B1u) ^ _routingId;

    /// <summary>Orders by segment, then bus, device, function (lspci's order).</summary>
    public int CompareTo(PciAddress other)
    {
        int bySegment = _segment.CompareTo(other._segment);
        return bySegment != 0 ? bySegment : _routingId.CompareTo(other._routingId);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(PciAddress left, PciAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PciAddress left, PciAddress right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(PciAddress left, PciAddress right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(PciAddress left, PciAddress right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(PciAddress left, PciAddress right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(PciAddress left, PciAddress right) => left.CompareTo(right) >= 0;
}
