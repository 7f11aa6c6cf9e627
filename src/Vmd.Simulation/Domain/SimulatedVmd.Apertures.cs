using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Domain;

/// <summary>How much of the VMD's apertures the functions behind it decode now (a leak check for tests).</summary>
public sealed partial class SimulatedVmd
{
    /// <summary>
    /// Bytes of memory BARs that functions behind this VMD decode now (Memory Space Enable set, address programmed),
    /// on every root bus, through the bridges attached now. After a device is removed its BARs must stop counting; a
    /// value above the baseline once the driver released a device is aperture space nobody owns.
    /// </summary>
    /// <remarks>Takes the machine's lock.</remarks>
    public ulong DecodedApertureBytes
    {
        get
        {
            lock (Fabric.Sync)
            {
                ulong total = SumBelow(RootBus, 0);
                return SecondRootBus is { } second ? total + SumBelow(second, 0) : total;
            }
        }
    }

    /// <summary>Functions attached behind this VMD now (on every root bus, below every bridge), present or not to configuration.</summary>
    public int AttachedFunctionCount
    {
        get
        {
            lock (Fabric.Sync)
            {
                int count = CountBelow(RootBus, 0);
                return SecondRootBus is { } second ? count + CountBelow(second, 0) : count;
            }
        }
    }

    // Bridges cannot nest deeper than the 256 bus numbers; the bound keeps a cabled loop from recursing forever.
    private const int MaxDepth = 256;

    private static ulong SumBelow(SimulatedBus bus, int depth)
    {
        ulong total = 0;
        for (int i = 0; i < bus.Count && depth < MaxDepth; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            if ((function.Command & (ushort)PciCommand.MemorySpaceEnable) != 0)
            {
                int bars = function.IsBridge ? Type1Header.BarCount : Type0Header.BarCount;
                for (int b = 0; b < bars; b++)
                {
                    if (function.GetBarKind(b) is BarKind.Memory32 or BarKind.Memory64 && function.GetBarAddress(b) != 0)
                    {
                        total += function.GetBarSize(b);
                    }
                }
            }

            if (function.IsBridge && function.SecondaryBus is { } below)
            {
                total += SumBelow(below, depth + 1);
            }
        }

        return total;
    }

    private static int CountBelow(SimulatedBus bus, int depth)
    {
        int count = 0;
        for (int i = 0; i < bus.Count && depth < MaxDepth; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            count++;
            if (function.IsBridge && function.SecondaryBus is { } below)
            {
                count += CountBelow(below, depth + 1);
            }
        }

        return count;
    }
}
