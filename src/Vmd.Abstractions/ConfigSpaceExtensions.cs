namespace Vmd;

/// <summary>Helpers over <see cref="IConfigSpace"/>: explicit read-modify-write and checked access.</summary>
public static class ConfigSpaceExtensions
{
    /// <summary>Highest configuration offset of a PCIe function (4 KiB of space).</summary>
    public const ushort MaxExtendedOffset = 0xFFF;

    /// <summary>Highest configuration offset a legacy (non-extended) host reaches.</summary>
    public const ushort MaxLegacyOffset = 0xFF;

    /// <summary>
    /// True when an access of <paramref name="width"/> bytes (1, 2 or 4) at <paramref name="offset"/>
    /// is naturally aligned and inside the space the port reaches.
    /// </summary>
    public static bool IsValidAccess(this IConfigSpace config, ushort offset, int width)
    {
        if (width is not (1 or 2 or 4) || (offset & (width - 1)) != 0)
        {
            return false;
        }

        int last = offset + width - 1;
        return last <= (config.HasExtendedSpace ? MaxExtendedOffset : MaxLegacyOffset);
    }

    /// <summary>
    /// The only read-modify-write: reads the 16-bit register, clears <paramref name="clear"/>, sets
    /// <paramref name="set"/>, and writes it back with the same width. Returns the value written.
    /// </summary>
    /// <remarks>Beware RW1C bits: a set bit read from a status register is written back as 1 and clears it.</remarks>
    public static ushort Update16(this IConfigSpace config, PciAddress address, ushort offset, ushort clear, ushort set)
    {
        ushort value = (ushort)((config.Read16(address, offset) & ~clear) | set);
        config.Write16(address, offset, value);
        return value;
    }

    /// <summary>Read-modify-write of a 32-bit register; see <see cref="Update16"/>.</summary>
    public static uint Update32(this IConfigSpace config, PciAddress address, ushort offset, uint clear, uint set)
    {
        uint value = (config.Read32(address, offset) & ~clear) | set;
        config.Write32(address, offset, value);
        return value;
    }

    /// <summary>Reads a 64-bit value as two dwords, low first (64-bit BARs, shadow addresses).</summary>
    public static ulong Read64(this IConfigSpace config, PciAddress address, ushort offset)
    {
        ulong low = config.Read32(address, offset);
        ulong high = config.Read32(address, (ushort)(offset + 4));
        return low | (high << 32);
    }

    /// <summary>True when the function answers: Vendor ID is neither 0xFFFF (absent) nor 0x0000.</summary>
    public static bool IsPresent(this IConfigSpace config, PciAddress address)
    {
        ushort vendor = config.Read16(address, Registers.PciHeader.VendorId);
        return vendor != 0xFFFF && vendor != 0x0000;
    }
}
