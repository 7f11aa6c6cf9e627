using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Bars;

/// <summary>
/// Sizes Base Address Registers the way the PCI specification describes (PCI Local Bus 3.0 §6.2.5.1):
/// decode off, save, write all-ones, read the mask, restore, decode back on. Both halves of a 64-bit BAR
/// are sized together.
/// </summary>
/// <remarks>
/// Not for interrupt context; the caller serialises access to the function (the BARs hold sizing
/// patterns for a moment). Never throws for values read from hardware and never allocates; throws only
/// for a caller mistake (bad index or count, short destination). Every BAR written is written back with
/// the value read before, and Command is written back only when it was changed.
/// </remarks>
public static class BarSizer
{
    // A BAR never reads all-ones: memory type 11b and I/O bit 1 are both reserved. All-ones is a gone function.
    private const uint AllOnes32 = 0xFFFF_FFFF;

    /// <summary>Sizes BAR <paramref name="index"/> of a type 0 header (six BARs, slot 5 is last).</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="index">BAR slot 0–5.</param>
    /// <param name="bar">The sized BAR; <see cref="PciBar.NotImplemented"/> when false is returned.</param>
    /// <param name="error">
    /// <see cref="VmdError.BarNotImplemented"/> (mask 0), <see cref="VmdError.AllOnes"/> (function gone),
    /// <see cref="VmdError.Malformed"/> (reserved type 11b, or a 64-bit BAR in the last slot); None on success.
    /// </param>
    public static bool TrySizeBar(IConfigSpace config, PciAddress address, int index, out PciBar bar, out VmdError error) =>
        TrySizeBar(config, address, index, Type0Header.BarCount, out bar, out error);

    /// <summary>Sizes BAR <paramref name="index"/> of a header with <paramref name="barCount"/> BARs (6 for type 0, 2 for type 1).</summary>
    /// <remarks>
    /// The count matters for a 64-bit BAR in the last slot: its "upper half" would be the next header register
    /// (a bridge's bus numbers), so that is reported as <see cref="VmdError.Malformed"/> and never written.
    /// </remarks>
    /// <inheritdoc cref="TrySizeBar(IConfigSpace, PciAddress, int, out PciBar, out VmdError)"/>
    public static bool TrySizeBar(IConfigSpace config, PciAddress address, int index, int barCount, out PciBar bar, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowIfBadCount(barCount);
        if ((uint)index >= (uint)barCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "A BAR index is 0 to 5 for a type 0 header, 0 to 1 for a type 1 header.");
        }

        if (!DecodeControl.TryDisable(config, address, out ushort command))
        {
            bar = PciBar.NotImplemented(index);
            error = VmdError.AllOnes;
            return false;
        }

        error = SizeOne(config, address, index, barCount, out bar, out _);
        DecodeControl.Restore(config, address, command);
        return error == VmdError.None;
    }

    /// <summary>
    /// Sizes every BAR of a header with decode turned off once. <paramref name="destination"/> is indexed by
    /// slot: <c>destination[i]</c> is BAR i. The upper slot of a 64-bit BAR is reported as
    /// <see cref="PciBarKind.None"/> (its lower neighbour has <see cref="PciBar.Is64Bit"/>), as is an
    /// unimplemented or malformed slot.
    /// </summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="barCount"><see cref="Type0Header.BarCount"/> (6) or <see cref="Type1Header.BarCount"/> (2).</param>
    /// <param name="destination">At least <paramref name="barCount"/> elements.</param>
    /// <param name="error">
    /// <see cref="VmdError.AllOnes"/> when the function vanished (sizing stopped there);
    /// otherwise the first <see cref="VmdError.Malformed"/> slot, or None. Unimplemented BARs are not an error.
    /// </param>
    /// <returns>Slots written: <paramref name="barCount"/>, fewer only when the function vanished.</returns>
    public static int SizeAll(IConfigSpace config, PciAddress address, int barCount, Span<PciBar> destination, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        return SizeAll(config, address, barCount, destination, config.Read16(address, PciHeader.Command), 0, out _, out error);
    }

    /// <summary>
    /// As <see cref="SizeAll(IConfigSpace, PciAddress, int, Span{PciBar}, out VmdError)"/>, for an enumerator that has
    /// just read Command (<paramref name="command"/>) and wants the expansion ROM sized in the same decode-off window:
    /// one Command read and one disable/restore pair fewer per function. <paramref name="headerType"/> selects the ROM
    /// register (0x30 or 0x38); 0 or a layout without one leaves <paramref name="rom"/> not implemented.
    /// </summary>
    internal static int SizeAll(IConfigSpace config, PciAddress address, int barCount, Span<PciBar> destination, ushort command, byte headerType, out PciBar rom, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowIfBadCount(barCount);
        if (destination.Length < barCount)
        {
            throw new ArgumentException("The destination needs one element per BAR slot.", nameof(destination));
        }

        error = VmdError.None;
        rom = PciBar.NotImplemented(PciBar.ExpansionRomIndex);
        if (!DecodeControl.TryDisable(config, address, command, out command))
        {
            error = VmdError.AllOnes;
            return 0;
        }

        int index = 0;
        while (index < barCount)
        {
            VmdError slotError = SizeOne(config, address, index, barCount, out PciBar bar, out bool pairsWithNext);
            if (slotError == VmdError.AllOnes)
            {
                error = VmdError.AllOnes;
                break;
            }

            if (slotError == VmdError.Malformed && error == VmdError.None)
            {
                error = VmdError.Malformed;
            }

            destination[index++] = bar;
            if (pairsWithNext)
            {
                destination[index] = PciBar.NotImplemented(index);
                index++;
            }
        }

        if (headerType != 0 && error != VmdError.AllOnes && ExpansionRomSizer.TryGetRegisterOffset(headerType, out ushort romOffset)
            && ExpansionRomSizer.SizeRegister(config, address, romOffset, out PciBar sizedRom) == VmdError.None)
        {
            rom = sizedRom;
        }

        DecodeControl.Restore(config, address, command);
        return index;
    }

    /// <summary>
    /// Sizes one BAR with decode already off. Writes to a BAR are always undone before returning.
    /// <c>pairsWithNext</c> is true when the BAR is 64-bit, sized or not: the next slot is its upper half.
    /// </summary>
    private static VmdError SizeOne(IConfigSpace config, PciAddress address, int index, int barCount, out PciBar bar, out bool pairsWithNext)
    {
        bar = PciBar.NotImplemented(index);
        pairsWithNext = false;
        ushort lowOffset = PciHeader.BaseAddress(index);
        uint savedLow = config.Read32(address, lowOffset);
        if (savedLow == AllOnes32)
        {
            return VmdError.AllOnes; // nothing written: there is no value worth restoring
        }

        if (!PciBarDecoder.TryDecodeKind(savedLow, out PciBarKind kind, out bool prefetchable))
        {
            return VmdError.Malformed;
        }

        if (kind == PciBarKind.Memory64 && index + 1 >= barCount)
        {
            return VmdError.Malformed; // the "upper half" would be another register; never write it
        }

        pairsWithNext = kind == PciBarKind.Memory64;

        config.Write32(address, lowOffset, BaseAddressBits.SizingPattern);
        uint maskLow = config.Read32(address, lowOffset);
        if (maskLow == AllOnes32)
        {
            config.Write32(address, lowOffset, savedLow); // read before it vanished, so still the right value

            // Every bit writable, type bits included, also reads all-ones: the function is still there, the BAR is broken.
            return (ushort)config.Read32(address, PciHeader.VendorId) is 0xFFFF or 0x0000 ? VmdError.AllOnes : VmdError.Malformed;
        }

        uint savedHigh = 0;
        uint maskHigh = 0;
        ushort highOffset = 0;
        if (kind == PciBarKind.Memory64)
        {
            highOffset = PciHeader.BaseAddress(index + 1);
            savedHigh = config.Read32(address, highOffset);
            config.Write32(address, highOffset, BaseAddressBits.SizingPattern);
            maskHigh = config.Read32(address, highOffset);
        }

        config.Write32(address, lowOffset, savedLow);
        if (kind == PciBarKind.Memory64)
        {
            config.Write32(address, highOffset, savedHigh);
        }

        ulong size = PciBarDecoder.DecodeSize(kind, maskLow, maskHigh);
        if (size == 0)
        {
            return VmdError.BarNotImplemented;
        }

        if (!PciBarDecoder.HasContiguousMask(kind, maskLow, maskHigh))
        {
            return VmdError.Malformed; // holes in the size mask: an address written there would not read back
        }

        bar = new PciBar(index, kind, PciBarDecoder.DecodeAddress(kind, savedLow, savedHigh), size, prefetchable);
        return VmdError.None;
    }

    private static void ThrowIfBadCount(int barCount)
    {
        if (barCount is not (Type0Header.BarCount or Type1Header.BarCount))
        {
            throw new ArgumentOutOfRangeException(nameof(barCount), barCount, "A header has 6 BARs (type 0) or 2 (type 1).");
        }
    }
}
