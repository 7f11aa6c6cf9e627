using System;
using System.Collections.Generic;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Registers;

namespace Vmd.Core.Tests;

/// <summary>What must hold for any enumerated domain, healthy or hostile.</summary>
internal static class DomainInvariants
{
    public static void Check(VmdController vmd)
    {
        ReadOnlySpan<PciFunction> functions = vmd.Functions;
        var seen = new HashSet<PciAddress>();
        var ranges = new List<(ulong Start, ulong End, PciAddress Owner)>();
        foreach (PciFunction function in functions)
        {
            Assert.True(seen.Add(function.Address), $"{function.Address} listed twice");
            Assert.Equal(vmd.Endpoint.Domain, function.Address.Segment);
            VmdRootBus? root = RootOf(vmd, function.Address.Bus);
            Assert.True(root is not null, $"{function.Address} outside every root bus's range");

            // Each root bus gets resources only inside its own parts of the apertures.
            Aperture[] apertures = [root!.MemBar1Aperture, root.MemBar2Aperture];
            Assert.NotEqual(0xFFFF, function.VendorId);
            if (function.Parent is { } parent)
            {
                Assert.InRange(function.Address.Bus, parent.Bridge.Secondary, parent.Bridge.Subordinate);
            }
            else
            {
                Assert.Equal(root.FirstBus, function.Address.Bus);
            }

            for (int i = 0; i < function.BarCount; i++)
            {
                PciBar bar = function.Bars[i];
                ulong cpu = function.GetBarCpuAddress(i);
                if (!function.Assigned || bar.Kind is PciBarKind.None or PciBarKind.Io || cpu == 0)
                {
                    continue;
                }

                Assert.Equal(0UL, bar.Address & (bar.Size - 1)); // natural alignment of the bus address
                Assert.True(InsideOne(apertures, cpu, bar.Size), $"{function.Address} BAR{i} {cpu:x}+{bar.Size:x} outside the apertures");
                ranges.Add((cpu, cpu + bar.Size - 1, function.Address));
                for (PciFunction? up = function.Parent; up is not null; up = up.Parent)
                {
                    MemoryWindow window = bar.Prefetchable && up.Bridge.Prefetchable.IsEnabled && up.Bridge.Prefetchable.Contains(bar.Address, bar.Size)
                        ? up.Bridge.Prefetchable
                        : up.Bridge.Memory;
                    Assert.True(window.Contains(bar.Address, bar.Size), $"{up.Address} window does not contain {function.Address} BAR{i}");
                }
            }

            if (!function.Assigned)
            {
                Assert.NotEqual(FunctionIssues.None, function.Issues & ~FunctionIssues.Informational);
            }
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i].Start > ranges[i - 1].End, $"{ranges[i].Owner} overlaps {ranges[i - 1].Owner}");
        }
    }

    private static VmdRootBus? RootOf(VmdController vmd, int bus)
    {
        foreach (VmdRootBus root in vmd.RootBuses)
        {
            if (root.Contains(bus))
            {
                return root;
            }
        }

        return null;
    }

    private static bool InsideOne(Aperture[] apertures, ulong cpu, ulong size)
    {
        foreach (Aperture aperture in apertures)
        {
            if (cpu >= aperture.CpuBase && cpu + size - 1 <= aperture.CpuBase + aperture.Length - 1)
            {
                return true;
            }
        }

        return false;
    }

    public static bool Decodes(PciFunction function) =>
        (function.Command & (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable)) == (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);
}
