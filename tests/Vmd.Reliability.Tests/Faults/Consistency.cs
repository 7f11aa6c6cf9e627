using System.Text;
using Vmd.Core;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>What an enumerated domain must satisfy even when a fault changed what the library saw.</summary>
internal static class Consistency
{
    /// <summary>Null when every listed function has valid IDs and every assigned BAR lies inside its root bus's apertures.</summary>
    public static string? Check(VmdController vmd)
    {
        var problems = new StringBuilder();
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.VendorId is 0xFFFF or 0x0000)
            {
                problems.Append(function.Address.ToString()).Append(" listed with Vendor ID ").Append(function.VendorId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)).Append("; ");
            }

            VmdRootBus? root = null;
            foreach (VmdRootBus candidate in vmd.RootBuses)
            {
                if (candidate.Contains(function.Address.Bus))
                {
                    root = candidate;
                }
            }

            if (root is null)
            {
                problems.Append(function.Address.ToString()).Append(" outside every root bus; ");
                continue;
            }

            if (!function.Assigned)
            {
                continue;
            }

            for (int i = 0; i < function.BarCount; i++)
            {
                PciBar bar = function.Bars[i];
                ulong cpu = function.GetBarCpuAddress(i);
                if (bar.Kind is PciBarKind.None or PciBarKind.Io || cpu == 0)
                {
                    continue;
                }

                if (!Inside(root.MemBar1Aperture, cpu, bar.Size) && !Inside(root.MemBar2Aperture, cpu, bar.Size))
                {
                    problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"{function.Address} BAR{i} {cpu:x}+{bar.Size:x} outside the apertures; ");
                }
            }
        }

        return problems.Length == 0 ? null : problems.ToString();
    }

    private static bool Inside(Aperture aperture, ulong cpu, ulong size) =>
        size != 0 && cpu >= aperture.CpuBase && cpu + size - 1 <= aperture.CpuBase + aperture.Length - 1;
}
