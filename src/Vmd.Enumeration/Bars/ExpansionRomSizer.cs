using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Bars;

/// <summary>
/// Sizes the Expansion ROM Base Address register (PCI Local Bus 3.0 §6.2.5.2): at 0x30 in a type 0
/// header, 0x38 in a type 1 header; address bits 31:11, bit 0 the ROM Enable.
/// </summary>
/// <remarks>
/// Same rules as <see cref="BarSizer"/>: decode off while sizing, the register and Command written back,
/// no allocation, no throw for hardware values. While probing, the sizing pattern is written with ROM
/// Enable clear, so the ROM never decodes at the probe address; the saved value, Enable bit included,
/// is written back afterwards, so the Enable bit is preserved.
/// </remarks>
public static class ExpansionRomSizer
{
    private const uint AllOnes32 = 0xFFFF_FFFF; // bits 10:1 are reserved and read 0: all-ones is a gone function

    /// <summary>Where the ROM register of a header layout lives; false for layouts without one (CardBus, unknown).</summary>
    /// <param name="headerType">The Header Type byte (offset 0x0E) as read; bit 7 (multi-function) is ignored.</param>
    /// <param name="offset">0x30 (type 0) or 0x38 (type 1).</param>
    public static bool TryGetRegisterOffset(byte headerType, out ushort offset)
    {
        switch (headerType & HeaderType.LayoutMask)
        {
            case HeaderType.Endpoint:
                offset = Type0Header.ExpansionRomBaseAddress;
                return true;
            case HeaderType.Bridge:
                offset = Type1Header.ExpansionRomBaseAddress;
                return true;
            default:
                offset = 0;
                return false;
        }
    }

    /// <summary>Sizes the expansion ROM of the function.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="headerType">The Header Type byte as read (selects 0x30 or 0x38).</param>
    /// <param name="rom">
    /// On success a <see cref="PciBarKind.Memory32"/> BAR with <see cref="PciBar.Index"/> =
    /// <see cref="PciBar.ExpansionRomIndex"/> and the programmed address (Enable bit stripped).
    /// </param>
    /// <param name="error">
    /// <see cref="VmdError.Unsupported"/> (layout without a ROM register, nothing accessed),
    /// <see cref="VmdError.AllOnes"/>, <see cref="VmdError.BarNotImplemented"/>; None on success.
    /// </param>
    public static bool TrySize(IConfigSpace config, PciAddress address, byte headerType, out PciBar rom, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        rom = PciBar.NotImplemented(PciBar.ExpansionRomIndex);
        if (!TryGetRegisterOffset(headerType, out ushort offset))
        {
            error = VmdError.Unsupported;
            return false;
        }

        if (!DecodeControl.TryDisable(config, address, out ushort command))
        {
            error = VmdError.AllOnes;
            return false;
        }

        error = SizeRegister(config, address, offset, out rom);
        DecodeControl.Restore(config, address, command);
        return error == VmdError.None;
    }

    internal static VmdError SizeRegister(IConfigSpace config, PciAddress address, ushort offset, out PciBar rom)
    {
        rom = PciBar.NotImplemented(PciBar.ExpansionRomIndex);
        uint saved = config.Read32(address, offset);
        if (saved == AllOnes32)
        {
            return VmdError.AllOnes;
        }

        config.Write32(address, offset, BaseAddressBits.RomAddressMask);
        uint mask = config.Read32(address, offset);
        config.Write32(address, offset, saved);
        if (mask == AllOnes32)
        {
            return VmdError.AllOnes;
        }

        ulong writable = mask & BaseAddressBits.RomAddressMask;
        ulong size = writable & (~writable + 1); // lowest writable address bit, as for BARs
        if (size == 0)
        {
            return VmdError.BarNotImplemented;
        }

        rom = new PciBar(PciBar.ExpansionRomIndex, PciBarKind.Memory32, saved & BaseAddressBits.RomAddressMask, size, false);
        return VmdError.None;
    }
}
