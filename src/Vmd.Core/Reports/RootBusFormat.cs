using System.Globalization;
using System.Text.Json;
using Vmd.Core.Mapping;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>How every report shows a VMD's root buses (one, or two with a second root bus), so they all say the same.</summary>
public static class RootBusFormat
{
    /// <summary>"e0-ef" or, with a second root bus, "e0-ef and 80-8f".</summary>
    public static string Buses(VmdController vmd)
    {
        System.ArgumentNullException.ThrowIfNull(vmd);
        string text = string.Empty;
        foreach (VmdRootBus root in vmd.RootBuses)
        {
            text += (text.Length == 0 ? string.Empty : " and ") + Hex2(root.FirstBus) + "-" + Hex2(root.LastBus);
        }

        return text;
    }

    /// <summary>"root bus 1: buses 80-8f at CFGBAR buses 16-31 (BUSRANGE1 1f10); MEMBAR1 +0x1000000 (16 MiB), MEMBAR2 +0x800000 (8 MiB)".</summary>
    public static string Describe(VmdRootBus root)
    {
        System.ArgumentNullException.ThrowIfNull(root);
        string register = root.BusRangeRegister is { } raw
            ? string.Create(CultureInfo.InvariantCulture, $" (BUSRANGE{root.Index} {raw:x4})")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"root bus {root.Index}: buses {Hex2(root.FirstBus)}-{Hex2(root.LastBus)} at CFGBAR buses {root.CfgBarIndex}-{root.CfgBarIndex + root.Count - 1}{register}; MEMBAR1 +0x{root.MemBar1Offset:x} ({Size(root.MemBar1Length)}), MEMBAR2 +0x{root.MemBar2Offset:x} ({Size(root.MemBar2Length)})");
    }

    /// <summary>
    /// Writes <c>"rootBuses":[{"index","busStart","busEnd","cfgBarBus","busRange","memBar1Offset","memBar1Size","memBar2Offset","memBar2Size"}]</c>
    /// (<c>busRange</c> is the BUSRANGE register as read, null with one root bus), or null before mapping.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, VmdController vmd)
    {
        System.ArgumentNullException.ThrowIfNull(json);
        System.ArgumentNullException.ThrowIfNull(vmd);
        if (vmd.RootBuses.IsEmpty)
        {
            json.WriteNull("rootBuses");
            return;
        }

        json.WriteStartArray("rootBuses");
        foreach (VmdRootBus root in vmd.RootBuses)
        {
            json.WriteStartObject();
            json.WriteNumber("index", root.Index);
            json.WriteNumber("busStart", root.FirstBus);
            json.WriteNumber("busEnd", root.LastBus);
            json.WriteNumber("cfgBarBus", root.CfgBarIndex);
            if (root.BusRangeRegister is { } raw)
            {
                json.WriteNumber("busRange", raw);
            }
            else
            {
                json.WriteNull("busRange");
            }

            json.WriteNumber("memBar1Offset", root.MemBar1Offset);
            json.WriteNumber("memBar1Size", root.MemBar1Length);
            json.WriteNumber("memBar2Offset", root.MemBar2Offset);
            json.WriteNumber("memBar2Size", root.MemBar2Length);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
