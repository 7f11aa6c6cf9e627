using System;

namespace Vmd.Core.Domain;

/// <summary>
/// The buses of one root bus and where they sit in CFGBAR: bus <see cref="FirstBus"/> is CFGBAR bus
/// <see cref="CfgBarIndex"/> (ECAM offset bits 27:20), the next bus the next index, and so on.
/// </summary>
public readonly struct ConfigWindow
{
    /// <summary>Creates a window.</summary>
    /// <param name="firstBus">The root bus's number.</param>
    /// <param name="lastBus">The last bus number of the window.</param>
    /// <param name="cfgBarIndex">The CFGBAR bus index of <paramref name="firstBus"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is reversed or runs past CFGBAR bus 255.</exception>
    public ConfigWindow(byte firstBus, byte lastBus, int cfgBarIndex)
    {
        if (lastBus < firstBus)
        {
            throw new ArgumentOutOfRangeException(nameof(lastBus), lastBus, "The last bus must not be below the first.");
        }

        if (cfgBarIndex < 0 || cfgBarIndex + (lastBus - firstBus) > 0xFF)
        {
            throw new ArgumentOutOfRangeException(nameof(cfgBarIndex), cfgBarIndex, "CFGBAR holds at most 256 buses (indices 0-255).");
        }

        FirstBus = firstBus;
        LastBus = lastBus;
        CfgBarIndex = cfgBarIndex;
    }

    /// <summary>The root bus's number.</summary>
    public byte FirstBus { get; }

    /// <summary>The last bus number of the window.</summary>
    public byte LastBus { get; }

    /// <summary>The CFGBAR bus index of <see cref="FirstBus"/>.</summary>
    public int CfgBarIndex { get; }

    /// <summary>Number of buses.</summary>
    public int Count => LastBus - FirstBus + 1;
}
