using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Bars;

/// <summary>
/// Stateless decoding of Base Address Register values (PCI Local Bus 3.0 §6.2.5.1), in the manner of
/// <c>BinaryPrimitives</c>: <c>Decode</c> throws on a reserved encoding, <c>TryDecode</c> never throws.
/// </summary>
/// <remarks>Pure functions of their arguments: thread-safe, allocation-free, no port access.</remarks>
public static class PciBarDecoder
{
    /// <summary>Highest BAR slot of any header (type 0 has six BARs).</summary>
    private const int MaxIndex = Type0Header.BarCount - 1;

    /// <summary>Decodes the kind and prefetchable bit from the low dword; false for the reserved memory type 11b.</summary>
    /// <param name="low">The BAR's value as read (any programmed address included; only the flag bits matter).</param>
    /// <param name="kind">The kind; <see cref="PciBarKind.None"/> when false is returned.</param>
    /// <param name="prefetchable">Bit 3 of a memory BAR; false for I/O.</param>
    public static bool TryDecodeKind(uint low, out PciBarKind kind, out bool prefetchable)
    {
        if ((low & BaseAddressBits.IoSpace) != 0)
        {
            kind = PciBarKind.Io;
            prefetchable = false;
            return true;
        }

        prefetchable = (low & BaseAddressBits.Prefetchable) != 0;
        switch (low & BaseAddressBits.TypeMask)
        {
            case BaseAddressBits.Type32:
            case BaseAddressBits.TypeBelow1MiB: // a PCI 2.1 "below 1 MiB" decoder is still a 32-bit decoder
                kind = PciBarKind.Memory32;
                return true;
            case BaseAddressBits.Type64:
                kind = PciBarKind.Memory64;
                return true;
            default: // BaseAddressBits.TypeReserved, 11b
                kind = PciBarKind.None;
                prefetchable = false;
                return false;
        }
    }

    /// <summary>
    /// Decodes a BAR's current programming without sizing it (<see cref="PciBar.Size"/> is 0). Never throws
    /// for hardware values; returns false for the reserved memory type 11b.
    /// </summary>
    /// <param name="index">BAR slot 0–5; a caller mistake otherwise (<see cref="ArgumentOutOfRangeException"/>).</param>
    /// <param name="low">The BAR dword.</param>
    /// <param name="high">The next dword (address bits 63:32); ignored unless the BAR is 64-bit.</param>
    /// <param name="bar">The decoded BAR; <see cref="PciBar.NotImplemented"/> when false is returned.</param>
    public static bool TryDecode(int index, uint low, uint high, out PciBar bar)
    {
        ThrowIfBadIndex(index);
        if (!TryDecodeKind(low, out PciBarKind kind, out bool prefetchable))
        {
            bar = PciBar.NotImplemented(index);
            return false;
        }

        bar = new PciBar(index, kind, DecodeAddress(kind, low, high), 0, prefetchable);
        return true;
    }

    /// <summary>Decodes a BAR known to be well-formed; see <see cref="TryDecode"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="low"/> has the reserved memory type 11b.</exception>
    public static PciBar Decode(int index, uint low, uint high)
    {
        if (!TryDecode(index, low, high, out PciBar bar))
        {
            throw new ArgumentException("The BAR has the reserved memory type 11b; use TryDecode for values read from hardware.", nameof(low));
        }

        return bar;
    }

    /// <summary>The programmed address with the flag bits stripped (64-bit: both halves combined).</summary>
    public static ulong DecodeAddress(PciBarKind kind, uint low, uint high) => kind switch
    {
        PciBarKind.Io => low & BaseAddressBits.IoAddressMask,
        PciBarKind.Memory32 => low & BaseAddressBits.MemoryAddressMask,
        PciBarKind.Memory64 => ((ulong)high << 32) | (low & BaseAddressBits.MemoryAddressMask),
        _ => 0,
    };

    /// <summary>
    /// The size a BAR decodes, from the values read back after writing all-ones (low dword and, for a 64-bit
    /// BAR, the high dword). 0 means not implemented.
    /// </summary>
    /// <remarks>
    /// The size is the lowest writable address bit. For a well-formed mask that equals the specification's
    /// <c>~(mask &amp; ~flags) + 1</c>; unlike that formula it stays right when a device hard-wires high
    /// address bits to 0, as 16-bit I/O decoders (upper 16 bits read 0) and narrow 64-bit decoders do.
    /// </remarks>
    public static ulong DecodeSize(PciBarKind kind, uint maskLow, uint maskHigh)
    {
        ulong writable = DecodeAddress(kind, maskLow, maskHigh);
        return writable & (~writable + 1); // lowest set bit; 0 stays 0
    }

    /// <summary>
    /// True when the writable bits a sizing read returned are one run from the size bit upwards with nothing writable
    /// above a hard-wired zero (no holes), reaching at least bit 31 for a memory BAR (bit 15 for I/O), as the remarks
    /// of <see cref="DecodeSize"/> allow. A mask with holes does not keep the address software writes: it is malformed.
    /// </summary>
    internal static bool HasContiguousMask(PciBarKind kind, uint maskLow, uint maskHigh)
    {
        ulong writable = DecodeAddress(kind, maskLow, maskHigh);
        ulong run = writable | ((writable & (~writable + 1)) - 1);
        if ((run & (run + 1)) != 0)
        {
            return false;
        }

        return kind switch
        {
            PciBarKind.Memory32 or PciBarKind.Memory64 => run >= uint.MaxValue,
            PciBarKind.Io => run >= ushort.MaxValue,
            _ => true,
        };
    }

    private static void ThrowIfBadIndex(int index)
    {
        if ((uint)index > MaxIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "A BAR index is 0 to 5.");
        }
    }
}
