using System;
using System.Collections.Generic;
using Vmd.Core;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// What must hold for any enumerated domain, healthy or hostile (adapted from Vmd.Core.Tests' DomainInvariants, which
/// is internal to that project): each function listed once, inside a root bus's range, fully described (Vendor ID not
/// ffff, parent chain consistent, BARs decoded and naturally aligned), assigned BARs inside their own root bus's
/// apertures and not overlapping, every window above a BAR containing it, and an unassigned function saying why.
/// </summary>
internal static class FuzzInvariants
{
    /// <param name="vmd">The controller, enumerated.</param>
    /// <param name="context">The case, for the message.</param>
    /// <param name="resources">False skips the resource checks (apertures, overlap, windows), for a rescan that
    /// reported a change on hardware that aliases one bridge at two addresses: there the rescan shows what the
    /// hardware holds now, and only the next enumeration makes it consistent again.</param>
    public static void Check(VmdController vmd, string context, bool resources = true)
    {
        ReadOnlySpan<PciFunction> functions = vmd.Functions;
        var seen = new HashSet<PciAddress>();
        var listed = new HashSet<PciFunction>(ReferenceEqualityComparer.Instance);
        foreach (PciFunction function in functions)
        {
            listed.Add(function);
        }

        var ranges = new List<(ulong Start, ulong End, PciAddress Owner)>();
        foreach (PciFunction function in functions)
        {
            Require(seen.Add(function.Address), context, $"{function.Address} listed twice");
            Require(function.Address.Segment == vmd.Endpoint.Domain, context, $"{function.Address} outside segment {vmd.Endpoint.Domain:x}");
            VmdRootBus? root = RootOf(vmd, function.Address.Bus);
            Require(root is not null, context, $"{function.Address} outside every root bus's range");
            Require(function.VendorId != 0xFFFF, context, $"{function.Address} listed with Vendor ID ffff");

            if (function.Parent is { } parent)
            {
                Require(listed.Contains(parent), context, $"{function.Address}'s parent {parent.Address} is not listed (half-added or half-removed)");
                Require(function.Address.Bus >= parent.Bridge.Secondary && function.Address.Bus <= parent.Bridge.Subordinate, context,
                    $"{function.Address} outside its parent {parent.Address}'s buses {parent.Bridge.Secondary:x2}-{parent.Bridge.Subordinate:x2}");
                Require(function.Depth == parent.Depth + 1, context, $"{function.Address} depth {function.Depth}, parent's {parent.Depth}");
            }
            else
            {
                Require(function.Address.Bus == root!.FirstBus, context, $"{function.Address} has no parent but is not on root bus {root.FirstBus:x2}");
            }

            Aperture[] apertures = [root!.MemBar1Aperture, root.MemBar2Aperture];
            for (int i = 0; i < function.BarCount; i++)
            {
                PciBar bar = function.Bars[i];
                ulong cpu = function.GetBarCpuAddress(i);
                if (!resources || !function.Assigned || bar.Kind is PciBarKind.None or PciBarKind.Io || cpu == 0)
                {
                    continue;
                }

                Require(bar.Size != 0 && (bar.Size & (bar.Size - 1)) == 0, context, $"{function.Address} BAR{i} assigned with size {bar.Size:x}");
                Require((bar.Address & (bar.Size - 1)) == 0, context, $"{function.Address} BAR{i} {bar.Address:x} not aligned to {bar.Size:x}");
                Require(InsideOne(apertures, cpu, bar.Size), context, $"{function.Address} BAR{i} {cpu:x}+{bar.Size:x} outside the apertures");
                ranges.Add((cpu, cpu + bar.Size - 1, function.Address));
                for (PciFunction? up = function.Parent; up is not null; up = up.Parent)
                {
                    MemoryWindow window = bar.Prefetchable && up.Bridge.Prefetchable.IsEnabled && up.Bridge.Prefetchable.Contains(bar.Address, bar.Size)
                        ? up.Bridge.Prefetchable
                        : up.Bridge.Memory;
                    Require(window.Contains(bar.Address, bar.Size), context, $"{up.Address} window does not contain {function.Address} BAR{i}");
                }
            }

            if (!function.Assigned)
            {
                Require((function.Issues & ~FunctionIssues.Informational) != FunctionIssues.None, context, $"{function.Address} unassigned without a reason");
            }
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            Require(ranges[i].Start > ranges[i - 1].End, context, $"{ranges[i].Owner} overlaps {ranges[i - 1].Owner}");
        }
    }

    public static void Require(bool condition, string context, string problem)
    {
        if (!condition)
        {
            throw new FuzzFailureException($"{context}: {problem}");
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
            if (aperture.Length != 0 && cpu >= aperture.CpuBase && size - 1 <= aperture.CpuBase + aperture.Length - 1 - cpu
                && cpu + size - 1 >= cpu)
            {
                return true;
            }
        }

        return false;
    }
}
