using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Capabilities;
using Vmd.Enumeration.Functions;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>
/// The <c>vmd lspci</c> report: every function of the host and of each VMD domain, one line each in
/// lspci's style (<c>-nn</c>), a tree (<c>-t</c>), BARs, windows and capabilities (<c>-v</c>), or JSON.
/// </summary>
public static class LspciReport
{
    /// <summary>One line per function; with <paramref name="verbose"/> its BARs, bridge windows, link and capabilities.</summary>
    public static void Write(TextWriter writer, PciDeviceList list, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(list);
        foreach (PciFunction function in list)
        {
            writer.WriteLine(Line(function));
            if (verbose)
            {
                WriteDetails(writer, function);
                writer.WriteLine();
            }
        }
    }

    /// <summary>The lspci -nn line of one function.</summary>
    public static string Line(PciFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ushort classWord = (ushort)(function.ClassCode >> 8);
        string revision = function.Revision != 0 ? $" (rev {function.Revision:x2})" : string.Empty;
        return $"{function.Address} {PciNames.ClassName(classWord)} [{classWord:x4}]: {PciNames.Describe(function.VendorId, function.DeviceId)} [{function.VendorId:x4}:{function.DeviceId:x4}]{revision}";
    }

    /// <summary>A tree per root bus: each bridge with the functions below it.</summary>
    public static void WriteTree(TextWriter writer, PciDeviceList list)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(list);
        for (int i = 0; i < list.Count; i++)
        {
            PciFunction function = list[i];
            if (function.Parent is not null)
            {
                continue;
            }

            if (IsFirstOnRootBus(list, i))
            {
                writer.WriteLine($"[{function.Address.Segment:x4}:{function.Address.Bus:x2}]");
            }

            WriteBranch(writer, list, function, 1);
        }
    }

    private static bool IsFirstOnRootBus(PciDeviceList list, int index)
    {
        PciAddress address = list[index].Address;
        for (int i = 0; i < index; i++)
        {
            PciFunction other = list[i];
            if (other.Parent is null && other.Address.Segment == address.Segment && other.Address.Bus == address.Bus)
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteBranch(TextWriter writer, PciDeviceList list, PciFunction function, int depth)
    {
        string indent = new(' ', depth * 2);
        string below = function.IsBridge ? $" -> [{function.Bridge.Secondary:x2}-{function.Bridge.Subordinate:x2}]" : string.Empty;
        writer.WriteLine($"{indent}+-{function.Address.Bus:x2}:{function.Address.Device:x2}.{function.Address.Function} {PciNames.Describe(function.VendorId, function.DeviceId)} [{function.VendorId:x4}:{function.DeviceId:x4}]{below}");
        if (!function.IsBridge || depth > 64)
        {
            return;
        }

        foreach (PciFunction child in list)
        {
            if (child.Parent == function)
            {
                WriteBranch(writer, list, child, depth + 1);
            }
        }
    }

    private static void WriteDetails(TextWriter writer, PciFunction function)
    {
        if (function.Layout == 0)
        {
            writer.WriteLine($"\tSubsystem: [{function.SubsystemVendorId:x4}:{function.SubsystemId:x4}]");
        }

        writer.WriteLine($"\tControl: memory {(OnOff(function.Command, 1 << 1))}, bus master {(OnOff(function.Command, 1 << 2))}");
        for (int i = 0; i < function.BarCount; i++)
        {
            PciBar bar = function.Bars[i];
            if (bar.Kind == PciBarKind.None)
            {
                continue;
            }

            if (bar.Kind == PciBarKind.Io)
            {
                writer.WriteLine(IsBehindVmd(function)
                    ? $"\tRegion {i}: I/O ports [size={Size(bar.Size)}] (not supported behind a VMD)"
                    : $"\tRegion {i}: I/O ports at {Hex(bar.Address)}");
                continue;
            }

            ulong cpu = function.GetBarCpuAddress(i);
            string kind = (bar.Is64Bit ? "64-bit, " : "32-bit, ") + (bar.Prefetchable ? "prefetchable" : "non-prefetchable");
            string size = bar.Size == 0 ? string.Empty : $" [size={Size(bar.Size)}]";
            string busPart = cpu != bar.Address ? $" (bus address {Hex(bar.Address)})" : string.Empty;
            string place = cpu == 0 && bar.Size != 0 ? "<unassigned>" : Hex(cpu);
            writer.WriteLine($"\tRegion {i}: Memory at {place} ({kind}){size}{busPart}");
        }

        if (function.ExpansionRom.Size != 0)
        {
            writer.WriteLine($"\tExpansion ROM [size={Size(function.ExpansionRom.Size)}] (not assigned)");
        }

        if (function.IsBridge)
        {
            BridgeInfo bridge = function.Bridge;
            writer.WriteLine($"\tBus: primary={bridge.Primary:x2}, secondary={bridge.Secondary:x2}, subordinate={bridge.Subordinate:x2}");
            writer.WriteLine($"\tMemory behind bridge: {Window(bridge.Memory)}");
            writer.WriteLine($"\tPrefetchable memory behind bridge: {Window(bridge.Prefetchable)}");
        }

        if (function.Express.IsPresent && function.Express.MaxLinkSpeed != 0)
        {
            PciExpressInfo express = function.Express;
            string slot = express.SlotImplemented ? $", slot {express.PhysicalSlotNumber}{(express.HotPlugCapable ? " hot-plug" : string.Empty)}" : string.Empty;
            writer.WriteLine($"\tLink: {CapabilityNames.PortType(express.PortType)}, speed {PciExpressInfo.SpeedName(express.LinkSpeed)} (max {PciExpressInfo.SpeedName(express.MaxLinkSpeed)}), width x{express.LinkWidth} (max x{express.MaxLinkWidth}){slot}");
        }

        foreach (CapabilityEntry capability in function.Capabilities)
        {
            writer.WriteLine($"\tCapabilities: [{capability.Offset:x2}] {CapabilityNames.Of(capability.Id)}");
        }

        foreach (ExtendedCapabilityEntry capability in function.ExtendedCapabilities)
        {
            writer.WriteLine($"\tCapabilities: [{capability.Offset:x3} v{capability.Version}] {CapabilityNames.Of(capability.Id)}");
        }

        if (!IsBehindVmd(function))
        {
            writer.WriteLine("\tResources: as firmware left them (a host function: read, never written, BARs not sized)");
            return;
        }

        string issues = function.Issues == FunctionIssues.None ? string.Empty : " — " + IssueText.Describe(function.Issues);
        writer.WriteLine($"\tResources: {(function.Assigned ? "assigned" : "not assigned")}{issues}");
    }

    // VMD domains are numbered from 0x10000 up, above every host segment.
    private static bool IsBehindVmd(PciFunction function) => function.Address.Segment >= Detection.VmdDetector.FirstDomain;

    private static string OnOff(ushort command, int bit) => (command & bit) != 0 ? "on" : "off";

    private static string Window(MemoryWindow window) =>
        window.IsEnabled ? $"{Hex(window.Base)}-{Hex(window.Limit)} [size={Size(window.Size)}]" : "[disabled]";

    /// <summary>
    /// Writes <c>{"functions":[{"address","vendorId","deviceId","classCode","headerType","bars":[{"index","address",
    /// "busAddress","size","is64Bit","prefetchable"}],"bridge":{...}|null,"capabilities":[...],"assigned"}],"fingerprint"}</c>.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, PciDeviceList list, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(host);
        json.WriteStartObject();
        json.WriteStartArray("functions");
        foreach (PciFunction function in list)
        {
            json.WriteStartObject();
            json.WriteString("address", function.Address.ToString());
            json.WriteString("vendorId", Hex4(function.VendorId));
            json.WriteString("deviceId", Hex4(function.DeviceId));
            json.WriteString("classCode", function.ClassCode.ToString("x6", CultureInfo.InvariantCulture));
            json.WriteNumber("headerType", function.HeaderType);
            json.WriteStartArray("bars");
            for (int i = 0; i < function.BarCount; i++)
            {
                PciBar bar = function.Bars[i];
                if (bar.Kind == PciBarKind.None)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("type", bar.Kind == PciBarKind.Io ? "io" : "memory");
                json.WriteNumber("address", function.GetBarCpuAddress(i));
                json.WriteNumber("busAddress", bar.Address);
                json.WriteNumber("size", bar.Size);
                json.WriteBoolean("is64Bit", bar.Is64Bit);
                json.WriteBoolean("prefetchable", bar.Prefetchable);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (function.IsBridge)
            {
                BridgeInfo bridge = function.Bridge;
                json.WriteStartObject("bridge");
                json.WriteNumber("primary", bridge.Primary);
                json.WriteNumber("secondary", bridge.Secondary);
                json.WriteNumber("subordinate", bridge.Subordinate);
                WriteWindow(json, "memory", bridge.Memory);
                WriteWindow(json, "prefetchable", bridge.Prefetchable);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("bridge");
            }

            json.WriteStartArray("capabilities");
            foreach (CapabilityEntry capability in function.Capabilities)
            {
                json.WriteStartObject();
                json.WriteNumber("offset", capability.Offset);
                json.WriteString("id", ((byte)capability.Id).ToString("x2", CultureInfo.InvariantCulture));
                json.WriteString("name", CapabilityNames.Of(capability.Id));
                json.WriteEndObject();
            }

            foreach (ExtendedCapabilityEntry capability in function.ExtendedCapabilities)
            {
                json.WriteStartObject();
                json.WriteNumber("offset", capability.Offset);
                json.WriteString("id", ((ushort)capability.Id).ToString("x4", CultureInfo.InvariantCulture));
                json.WriteString("name", CapabilityNames.Of(capability.Id));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (function.Express.IsPresent)
            {
                json.WriteStartObject("link");
                json.WriteString("speed", PciExpressInfo.SpeedName(function.Express.LinkSpeed));
                json.WriteNumber("width", function.Express.LinkWidth);
                json.WriteEndObject();
            }

            json.WriteBoolean("assigned", function.Assigned);
            if (function.Issues != FunctionIssues.None)
            {
                json.WriteString("issues", IssueText.Describe(function.Issues));
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("fingerprints");
        foreach (VmdController vmd in host.Controllers)
        {
            json.WriteStartObject();
            json.WriteString("domain", Hex(vmd.Endpoint.Domain));
            json.WriteString("fingerprint", vmd.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("fingerprint", host.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }

    private static void WriteWindow(Utf8JsonWriter json, string name, MemoryWindow window)
    {
        if (window.IsEnabled)
        {
            json.WriteNumber(name + "Base", window.Base);
            json.WriteNumber(name + "Limit", window.Limit);
        }
        else
        {
            json.WriteNull(name + "Base");
            json.WriteNull(name + "Limit");
        }
    }
}
