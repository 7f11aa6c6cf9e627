using Vmd.Registers;

namespace Vmd.Enumeration.Bars;

/// <summary>
/// Turns a function's memory and I/O decode off while its BARs hold sizing patterns, and back on after.
/// A BAR briefly holding all-ones would otherwise claim addresses that belong to someone else.
/// </summary>
internal static class DecodeControl
{
    private const ushort DecodeEnables = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.IoSpaceEnable);

    // Command bits 15:11 are reserved and read 0, so a Command of all-ones means the function is gone.
    private const ushort AllOnes16 = 0xFFFF;

    /// <summary>Reads Command and clears MSE and IO when either is set; false (nothing written) when Command reads all-ones.</summary>
    public static bool TryDisable(IConfigSpace config, PciAddress address, out ushort savedCommand) =>
        TryDisable(config, address, config.Read16(address, PciHeader.Command), out savedCommand);

    /// <summary>As <see cref="TryDisable(IConfigSpace, PciAddress, out ushort)"/>, with Command already read by the caller.</summary>
    public static bool TryDisable(IConfigSpace config, PciAddress address, ushort command, out ushort savedCommand)
    {
        savedCommand = command;
        if (savedCommand == AllOnes16)
        {
            return false;
        }

        if ((savedCommand & DecodeEnables) != 0)
        {
            config.Write16(address, PciHeader.Command, (ushort)(savedCommand & ~DecodeEnables));
        }

        return true;
    }

    /// <summary>Writes the saved Command back when <c>TryDisable</c> changed it. Command has no RW1C bits.</summary>
    public static void Restore(IConfigSpace config, PciAddress address, ushort savedCommand)
    {
        if ((savedCommand & DecodeEnables) != 0)
        {
            config.Write16(address, PciHeader.Command, savedCommand);
        }
    }
}
