using System;
using System.IO;
using System.Text.Json;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Resources;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>The <c>vmd enable</c> report (roadmap step 2): per VMD its domain, bus range, apertures and their bus-address offsets.</summary>
public static class EnableReport
{
    /// <summary>Writes the human-readable report.</summary>
    public static void Write(TextWriter writer, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(host);
        foreach (VmdController vmd in host.Controllers)
        {
            writer.WriteLine($"VMD {vmd.Endpoint.Address} [8086:{Hex4(vmd.Endpoint.Device.DeviceId)}]");
            if (vmd.State < VmdState.Enabled)
            {
                writer.WriteLine($"  not enabled: {(vmd.LastFailure is { } f ? f.ToString() : "Enable has not run")}");
                continue;
            }

            writer.WriteLine($"  domain    {Hex(vmd.Endpoint.Domain)}");
            if (vmd.SecondRootBus is null)
            {
                writer.WriteLine($"  buses     {Hex2(vmd.BusRange!.Start)}-{Hex2(vmd.BusRange.End)} (root bus {Hex2(vmd.BusRange.Start)} at relative bus 0 of CFGBAR)");
                WriteAperture(writer, vmd.MemBar1Aperture, "whole BAR");
                WriteAperture(writer, vmd.MemBar2Aperture, $"from +0x{vmd.MemBar2Aperture.CpuBase - vmd.MemBar2!.Address:x}: {Reserved(vmd)} come first");
                continue;
            }

            foreach (VmdRootBus root in vmd.RootBuses)
            {
                writer.WriteLine($"  buses     {RootBusFormat.Describe(root)}");
                WriteAperture(writer, root.MemBar1Aperture, root.Index == 0 ? "up to the MEMBAR1 split" : "from the MEMBAR1 split");
                WriteAperture(writer, root.MemBar2Aperture, root.Index == 0 ? $"from +0x{root.MemBar2Offset:x} ({Reserved(vmd)} come first) up to the MEMBAR2 split" : "from the MEMBAR2 split");
            }
        }
    }

    private static string Reserved(VmdController vmd) =>
        "the VMD's MSI-X table and PBA" + (vmd.MemBar2Aperture.CpuBase - vmd.MemBar2!.Address > 0x2000 ? " and shadow registers" : string.Empty);

    private static void WriteAperture(TextWriter writer, Aperture aperture, string note)
    {
        string offset = aperture.BusOffset == 0
            ? "bus = CPU address"
            : $"bus {Range(aperture.BusBase, aperture.Length)}, offset {Hex(aperture.BusOffset)}";
        writer.WriteLine($"  {aperture.Name,-8}  {Range(aperture.CpuBase, aperture.Length)} ({Size(aperture.Length)}; {note}; {offset})");
    }

    /// <summary>
    /// Writes <c>{"vmds":[{"address","domain","state","busStart","busEnd","apertures":[{"name","rootBus","address","size","busAddress","offset"}]}]}</c>:
    /// two apertures per root bus (MEMBAR1 and MEMBAR2, or their parts with a second root bus, named "MEMBAR1/0" … "MEMBAR2/1").
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(host);
        json.WriteStartObject();
        json.WriteStartArray("vmds");
        foreach (VmdController vmd in host.Controllers)
        {
            json.WriteStartObject();
            json.WriteString("address", vmd.Endpoint.Address.ToString());
            json.WriteString("domain", Hex(vmd.Endpoint.Domain));
            json.WriteString("state", vmd.State.ToString().ToLowerInvariant());
            if (vmd.State >= VmdState.Enabled)
            {
                json.WriteNumber("busStart", vmd.BusRange!.Start);
                json.WriteNumber("busEnd", vmd.BusRange.End);
                json.WriteStartArray("apertures");
                foreach (VmdRootBus root in vmd.RootBuses)
                {
                    foreach (Aperture aperture in (ReadOnlySpan<Aperture>)[root.MemBar1Aperture, root.MemBar2Aperture])
                    {
                        json.WriteStartObject();
                        json.WriteString("name", aperture.Name);
                        json.WriteNumber("rootBus", root.Index);
                        json.WriteNumber("address", aperture.CpuBase);
                        json.WriteNumber("size", aperture.Length);
                        json.WriteNumber("busAddress", aperture.BusBase);
                        json.WriteNumber("offset", unchecked((long)aperture.BusOffset));
                        json.WriteEndObject();
                    }
                }

                json.WriteEndArray();
            }
            else if (vmd.LastFailure is { } failure)
            {
                json.WriteString("error", failure.ToString());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
