using System.Collections.Generic;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>Checks that hold after any assignment, whatever the domain: the properties the assigner promises.</summary>
internal static class AssignmentInvariants
{
    private const ushort Mse = (ushort)PciCommand.MemorySpaceEnable;
    private const ushort Bme = (ushort)PciCommand.BusMasterEnable;

    public static void Check(TestDomain domain, PciFunction[] functions, Aperture[] apertures)
    {
        var ranges = new List<Range>();
        foreach (PciFunction function in functions)
        {
            ushort command = domain.CommandRegister(function);
            Assert.Equal(0, command & (ushort)PciCommand.IoSpaceEnable);
            Assert.Equal(command, function.Command);
            if (function.Assigned)
            {
                Assert.Equal(Mse | Bme, command & (Mse | Bme));
            }
            else if (!function.IsBridge)
            {
                Assert.Equal(0, command & (Mse | Bme));
            }

            CheckBars(domain, function, apertures, ranges);
            if (function.IsBridge)
            {
                CheckWindows(domain, function, ranges);
            }
        }

        foreach (Range range in ranges)
        {
            PciFunction? parent = range.Owner.Parent;
            if (parent is null)
            {
                Assert.True(InsideAnAperture(range, apertures), $"{range} outside every aperture");
                continue;
            }

            MemoryWindow memory = parent.Bridge.Memory;
            MemoryWindow prefetchable = parent.Bridge.Prefetchable;
            bool inMemory = memory.Contains(range.Start, range.Size);
            bool inPrefetchable = prefetchable.Contains(range.Start, range.Size);
            Assert.True(inMemory || (range.Prefetchable && inPrefetchable), $"{range} not inside a window of {parent.Address} that may hold it");
        }

        for (int a = 0; a < ranges.Count; a++)
        {
            for (int b = a + 1; b < ranges.Count; b++)
            {
                Range x = ranges[a];
                Range y = ranges[b];
                if (x.Start + x.Size <= y.Start || y.Start + y.Size <= x.Start)
                {
                    continue;
                }

                bool allowed = (x.IsWindow && IsBelow(y.Owner, x.Owner) && Contains(x, y))
                    || (y.IsWindow && IsBelow(x.Owner, y.Owner) && Contains(y, x));
                Assert.True(allowed, $"{x} overlaps {y}");
            }
        }
    }

    private static void CheckBars(TestDomain domain, PciFunction function, Aperture[] apertures, List<Range> ranges)
    {
        for (int slot = 0; slot < function.BarCount; slot++)
        {
            var bar = function.Bars[slot];
            if (bar.Kind is not (PciBarKind.Memory32 or PciBarKind.Memory64) || bar.Size == 0)
            {
                continue;
            }

            ulong cpu = function.GetBarCpuAddress(slot);
            if (!function.Assigned && !function.IsBridge)
            {
                Assert.Equal(0UL, cpu);
                continue;
            }

            if (cpu == 0)
            {
                Assert.False(function.Assigned); // a bridge whose own BARs could not be placed
                continue;
            }

            Assert.Equal(0UL, bar.Address % bar.Size);
            Assert.Equal(bar.Address, domain.BarRegister(function, slot));
            Assert.Contains(apertures, a => cpu - a.BusOffset == bar.Address && bar.Address >= a.BusBase && bar.Address <= a.BusLimit);
            if (!bar.Is64Bit || function.Parent is not null && !bar.Prefetchable)
            {
                Assert.True(bar.Address + bar.Size - 1 <= uint.MaxValue, $"{function.Address} BAR{slot} above 4 GiB");
            }

            ranges.Add(new Range(function, bar.Address, bar.Size, false, bar.Prefetchable, $"BAR{slot}"));
        }
    }

    private static void CheckWindows(TestDomain domain, PciFunction bridge, List<Range> ranges)
    {
        MemoryWindow memory = bridge.Bridge.Memory;
        if (memory.IsEnabled)
        {
            Assert.Equal(memory.Base, domain.MemoryWindowRegister(bridge).Base);
            Assert.Equal(memory.Limit, domain.MemoryWindowRegister(bridge).Limit);
            Assert.Equal(0UL, memory.Base % Type1Header.MemoryWindowGranularity);
            Assert.Equal(0UL, memory.Size % Type1Header.MemoryWindowGranularity);
            Assert.True(memory.Limit <= uint.MaxValue);
            ranges.Add(new Range(bridge, memory.Base, memory.Size, true, false, "memory window"));
        }
        else
        {
            Assert.False(domain.MemoryWindowRegister(bridge).IsEnabled);
        }

        MemoryWindow prefetchable = bridge.Bridge.Prefetchable;
        if (prefetchable.IsEnabled)
        {
            Assert.Equal(prefetchable.Base, domain.PrefetchableWindowRegister(bridge).Base);
            Assert.Equal(prefetchable.Limit, domain.PrefetchableWindowRegister(bridge).Limit);
            Assert.Equal(0UL, prefetchable.Base % Type1Header.MemoryWindowGranularity);
            ranges.Add(new Range(bridge, prefetchable.Base, prefetchable.Size, true, true, "prefetchable window"));
        }
    }

    private static bool InsideAnAperture(Range range, Aperture[] apertures)
    {
        foreach (Aperture aperture in apertures)
        {
            if (range.Start >= aperture.BusBase && range.Start + range.Size - 1 <= aperture.BusLimit)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBelow(PciFunction function, PciFunction bridge)
    {
        for (PciFunction? up = function.Parent; up is not null; up = up.Parent)
        {
            if (ReferenceEquals(up, bridge))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(Range outer, Range inner) => inner.Start >= outer.Start && inner.Start + inner.Size <= outer.Start + outer.Size;

    private sealed record Range(PciFunction Owner, ulong Start, ulong Size, bool IsWindow, bool Prefetchable, string What)
    {
        public override string ToString() => $"{Owner.Address} {What} [{Start:x}+{Size:x}]";
    }
}
