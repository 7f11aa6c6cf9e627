using System;
using System.IO;
using System.Text.Json;
using Vmd.Core.Identification;
using Vmd.Core.Mapping;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>
/// The <c>vmd info</c> report (roadmap step 0): per VMD its address, IDs, platform, features, domain,
/// BARs, MSI-X table and bus range. Lives in the library so a kernel's own shell can print it.
/// </summary>
public static class InfoReport
{
    /// <summary>Writes the human-readable report. Controllers that are not mapped show what is known and why.</summary>
    public static void Write(TextWriter writer, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(host);
        WriteNoVmd(writer, host);

        foreach (var unsupported in host.Detection.Unsupported)
        {
            writer.WriteLine($"{unsupported.Address} [8086:{Hex4(unsupported.DeviceId)}] not supported: {unsupported.Reason}");
        }

        foreach (VmdController vmd in host.Controllers)
        {
            VmdDeviceInfo device = vmd.Endpoint.Device;
            writer.WriteLine($"VMD {vmd.Endpoint.Address} [{Hex4(vmd.Endpoint.VendorId)}:{Hex4(device.DeviceId)}] rev {Hex2(vmd.Endpoint.Revision)}: {device.Name}");
            writer.WriteLine($"  class     {vmd.Endpoint.ClassCode:x6}");
            writer.WriteLine($"  features  {Features(device.Features)}{(device.SuppliedByHost ? " (declared by host)" : string.Empty)}");
            writer.WriteLine($"  domain    {Hex(vmd.Endpoint.Domain)}");
            if (vmd.SecondRootBus is not null)
            {
                foreach (VmdRootBus root in vmd.RootBuses)
                {
                    writer.WriteLine($"  buses     {RootBusFormat.Describe(root)}");
                }
            }
            else if (vmd.BusRange is { } buses)
            {
                writer.WriteLine($"  buses     {Hex2(buses.Start)}-{Hex2(buses.End)} ({buses.Count} buses, first at relative bus 0 of CFGBAR)");
            }

            foreach (VmdBar? bar in (ReadOnlySpan<VmdBar?>)[vmd.CfgBar, vmd.MemBar1, vmd.MemBar2])
            {
                if (bar is not null)
                {
                    writer.WriteLine($"  BAR{bar.Index} {bar.Name,-8} {Range(bar.Address, bar.Size),-27} {Size(bar.Size),-8} {BarKind(bar)}");
                }
            }

            if (vmd.Msix is { } msix)
            {
                writer.WriteLine($"  MSI-X     {msix.Count} vectors, table BAR{msix.TableBar}+0x{msix.TableOffset:x}, PBA BAR{msix.PbaBar}+0x{msix.PbaOffset:x}");
            }
            else if (vmd.State >= VmdState.Mapped)
            {
                writer.WriteLine("  MSI-X     none (child interrupts can only be polled)");
            }

            if (vmd.LastFailure is { } failure)
            {
                writer.WriteLine($"  error     {failure}");
            }
        }
    }

    /// <summary>
    /// Writes <c>{"vmds":[{"address","vendorId","deviceId","name","features":[...],"domain","busStart","busEnd",
    /// "bars":[{"index","role","address","size","is64Bit","prefetchable"}],"msix":{"count","tableBar","tableOffset",
    /// "pbaBar","pbaOffset"},"rootBuses":[{"index","busStart","busEnd","cfgBarBus","busRange","memBar1Offset","memBar1Size",
    /// "memBar2Offset","memBar2Size"}]}]}</c> (rootBuses has two entries with a second root bus, null before mapping); IDs, address and domain as lower-case hex strings, numbers as numbers.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(host);
        json.WriteStartObject();
        json.WriteStartArray("vmds");
        foreach (VmdController vmd in host.Controllers)
        {
            VmdDeviceInfo device = vmd.Endpoint.Device;
            json.WriteStartObject();
            json.WriteString("address", vmd.Endpoint.Address.ToString());
            json.WriteString("vendorId", Hex4(vmd.Endpoint.VendorId));
            json.WriteString("deviceId", Hex4(device.DeviceId));
            json.WriteString("name", device.Name);
            json.WriteStartArray("features");
            for (int bit = 0; bit < 32; bit++)
            {
                var flag = (VmdFeatures)(1u << bit);
                if ((device.Features & flag) != 0)
                {
                    json.WriteStringValue(VmdDeviceTable.FeatureName(flag));
                }
            }

            json.WriteEndArray();
            json.WriteString("domain", Hex(vmd.Endpoint.Domain));
            if (vmd.BusRange is { } buses)
            {
                json.WriteNumber("busStart", buses.Start);
                json.WriteNumber("busEnd", buses.End);
            }
            else
            {
                json.WriteNull("busStart");
                json.WriteNull("busEnd");
            }

            json.WriteStartArray("bars");
            foreach (VmdBar? bar in (ReadOnlySpan<VmdBar?>)[vmd.CfgBar, vmd.MemBar1, vmd.MemBar2])
            {
                if (bar is null)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteNumber("index", bar.Index);
                json.WriteString("role", bar.Name);
                json.WriteNumber("address", bar.Address);
                json.WriteNumber("size", bar.Size);
                json.WriteBoolean("is64Bit", bar.Is64Bit);
                json.WriteBoolean("prefetchable", bar.Prefetchable);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (vmd.Msix is { } msix)
            {
                json.WriteStartObject("msix");
                json.WriteNumber("count", msix.Count);
                json.WriteNumber("tableBar", msix.TableBar);
                json.WriteNumber("tableOffset", msix.TableOffset);
                json.WriteNumber("pbaBar", msix.PbaBar);
                json.WriteNumber("pbaOffset", msix.PbaOffset);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("msix");
            }

            RootBusFormat.WriteJson(json, vmd);

            if (vmd.LastFailure is { } failure)
            {
                json.WriteStartObject("error");
                json.WriteString("step", failure.Step.ToString());
                json.WriteString("kind", failure.Error.ToString());
                json.WriteString("message", failure.Message);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("unsupported");
        foreach (var unsupported in host.Detection.Unsupported)
        {
            json.WriteStartObject();
            json.WriteString("address", unsupported.Address.ToString());
            json.WriteString("deviceId", Hex4(unsupported.DeviceId));
            json.WriteString("reason", unsupported.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
