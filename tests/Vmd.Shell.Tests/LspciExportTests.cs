using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vmd.Core;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Dumps;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Shell.Tests;

/// <summary>
/// Proof with the real pciutils: every built-in machine, before bring-up and after the library's bring-up through
/// enumeration, is written by <see cref="LspciDumpWriter"/>, read back by <c>lspci -F FILE -D -nn -vv</c> and <c>-t</c>, and
/// what lspci decodes (addresses, IDs, class codes, bus numbers, memory windows, BARs) is compared with what the simulator
/// holds (before) and what <c>vmd --json lspci</c> and the library's <see cref="PciDeviceList"/> report (after).
/// </summary>
public sealed class LspciExportTests
{
    public static IEnumerable<object[]> Cases() =>
        Shell.AllMachines.SelectMany(m => new[] { new object[] { m, false }, new object[] { m, true } });

    [LspciTheory]
    [MemberData(nameof(Cases))]
    public void Lspci_reads_back_what_the_simulator_and_the_library_hold(string name, bool afterBringup)
    {
        var clock = Shell.NewClock();
        SimulatedMachine machine = MachineCatalog.Create(name, clock);
        List<string>? libraryAddresses = null;
        VmdHost? host = null;
        string dump;
        try
        {
            if (afterBringup)
            {
                host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = clock });
                foreach (VmdController vmd in host.Controllers)
                {
                    // A refused VMD (arrowlake-s-nofeature) stops at the map step; its domain stays as firmware left it.
                    _ = vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate();
                }

                libraryAddresses = new PciDeviceList(host).Select(f => f.Address.ToString()).Order(StringComparer.Ordinal).ToList();
            }

            dump = LspciDumpWriter.ToText(machine);
        }
        finally
        {
            host?.Dispose();
        }

        var decoded = LspciOutput.ParseVerbose(LspciTool.Run(dump, "-D", "-nn", "-vv"));
        var tree = LspciOutput.ParseTree(LspciTool.Run(dump, "-t"));

        // What lspci -vv decodes is what the simulator holds, function by function.
        List<string> model = LspciDumpWriter.ReachableFunctions(machine).Select(f => Describe.FromModel(f.Key, f.Value)).ToList();
        Assert.Equal(model, decoded.Select(f => f.Canonical).ToList());
        Assert.Contains(decoded, f => f.Address.StartsWith("0000:", StringComparison.Ordinal) && f.Bars.Any(b => b.Address is not null));
        if (Shell.MachinesWithVmd.Contains(name))
        {
            Assert.Contains(decoded, f => f.Address.StartsWith("10000:", StringComparison.Ordinal) && f.Bridge is { Memory: not "disabled" });
        }

        // The tree shows the same functions on the same buses, and each bridge's secondary-subordinate range.
        Assert.Equal(decoded.Select(f => f.Address).Order(StringComparer.Ordinal), tree.Keys.Order(StringComparer.Ordinal));
        foreach (DecodedFunction function in decoded)
        {
            Assert.Equal(function.Bridge is null ? null : $"{function.Bridge.Secondary:x2}-{function.Bridge.Subordinate:x2}", tree[function.Address]);
        }

        if (!afterBringup)
        {
            return;
        }

        // After bring-up: what lspci decodes equals what `vmd --json lspci` reports, for every domain the library enumerated.
        ShellResult shell = Shell.Run("--machine", name, "--json", "lspci");
        using JsonDocument json = shell.Json();
        List<JsonElement> reported = json.RootElement.GetProperty("functions").EnumerateArray().ToList();
        var reportedSegments = reported.Select(f => SegmentOf(f.GetProperty("address").GetString()!)).ToHashSet();
        List<DecodedFunction> comparable = decoded.Where(f => reportedSegments.Contains(SegmentOf(f.Address))).ToList();
        Assert.Equal(
            reported.Select(Describe.FromJson).Order(StringComparer.Ordinal).ToList(),
            comparable.Select(f => f.Canonical).Order(StringComparer.Ordinal).ToList());

        if (Shell.MachinesWithVmd.Contains(name))
        {
            Assert.Contains(comparable, f => f.Address.StartsWith("10000:", StringComparison.Ordinal) && f.Bars.Any(b => b.Address is not null));
        }

        // The link each function reports (PCIe Link Status) reads the same in lspci's LnkSta.
        int links = 0;
        foreach (JsonElement function in reported)
        {
            string address = function.GetProperty("address").GetString()!;
            DecodedFunction seen = comparable.Single(f => f.Address == address);
            if (function.TryGetProperty("link", out JsonElement link) && seen.Link is not null)
            {
                Assert.Equal($"{address} {link.GetProperty("speed").GetString()} x{link.GetProperty("width").GetInt32()}", $"{address} {seen.Link}");
                links++;
            }
        }

        Assert.True(links > 0 || !Shell.MachinesWithVmd.Contains(name), "no link was compared");

        // The library's own list (this machine, this run) has the same addresses.
        Assert.Equal(libraryAddresses, comparable.Select(f => f.Address).Order(StringComparer.Ordinal).ToList());

        // Domains the library did not enumerate are exactly those of VMDs it refused.
        foreach (uint segment in decoded.Select(f => SegmentOf(f.Address)).Distinct().Where(s => !reportedSegments.Contains(s)))
        {
            Assert.Contains(name, Shell.RefusedMachines);
            Assert.NotEqual(0u, segment);
        }
    }

    [LspciFact]
    public void Lspci_accepts_five_digit_domains_and_prints_them_back()
    {
        string dump = LspciDumpWriter.ToText(MachineCatalog.Create("icelake-sp"), 64);

        string output = LspciTool.Run(dump, "-D", "-n");

        Assert.Contains("10000:00:00.0 0604: 8086:347a", output, StringComparison.Ordinal);
        Assert.Contains("10001:80:02.0 0604: 8086:347c", output, StringComparison.Ordinal);
    }

    [LspciFact]
    public void Lspci_x_of_the_exported_dump_writes_the_same_bytes_back()
    {
        // lspci -F FILE -D -xxxx prints the function in the same format it reads: the export is a fixed point.
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp");
        string dump = LspciDumpWriter.ToText(machine);

        string output = LspciTool.Run(dump, "-D", "-xxxx");

        Assert.Equal(HexLines(dump), HexLines(output));
    }

    private static string[] HexLines(string text) =>
        text.Split('\n').Where(l => Regex.IsMatch(l, "^[0-9a-f]{2,3}: ")).ToArray();

    private static uint SegmentOf(string address) => uint.Parse(address[..address.IndexOf(':', StringComparison.Ordinal)], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>Runs <c>/usr/bin/lspci</c> (or <c>lspci</c> on PATH) on a dump.</summary>
internal static class LspciTool
{
    /// <summary>The lspci binary, or null when pciutils is not installed.</summary>
    public static readonly string? Path = Find();

    public static string SkipReason => "pciutils' lspci is not installed (looked for /usr/bin/lspci and lspci on PATH): the export cannot be checked with the real tool";

    public static string Run(string dump, params string[] arguments)
    {
        string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vmd-lspci-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, dump);
        try
        {
            var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(SkipReason))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-F");
            start.ArgumentList.Add(file);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // No pci.ids lookups over the network, whatever the environment says.
            start.Environment.Remove("PCI_IDS_NETWORK");
            using Process process = Process.Start(start)!;
            System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(10_000), "lspci did not finish in 10 s");
            Assert.True(process.ExitCode == 0, $"lspci {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
            return output.ReplaceLineEndings("\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? Find()
    {
        if (File.Exists("/usr/bin/lspci"))
        {
            return "/usr/bin/lspci";
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(directory, "lspci");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped, with the reason shown, when lspci is not installed.</summary>
public sealed class LspciFactAttribute : FactAttribute
{
    public LspciFactAttribute()
    {
        if (LspciTool.Path is null)
        {
            Skip = LspciTool.SkipReason;
        }
    }
}

/// <summary>A theory that is skipped, with the reason shown, when lspci is not installed.</summary>
public sealed class LspciTheoryAttribute : TheoryAttribute
{
    public LspciTheoryAttribute()
    {
        if (LspciTool.Path is null)
        {
            Skip = LspciTool.SkipReason;
        }
    }
}

internal sealed record DecodedBridge(int Primary, int Secondary, int Subordinate, string Memory, string Prefetchable);

internal sealed record DecodedBar(int Index, string Kind, ulong? Address, bool Is64Bit);

/// <summary>One function as lspci -vv decoded it.</summary>
internal sealed record DecodedFunction(string Address, string VendorId, string DeviceId, string ClassCode, DecodedBridge? Bridge, List<DecodedBar> Bars, List<int> Capabilities, string? Link)
{
    /// <summary>The BARs that hold an address; lspci's other regions are checked by <see cref="LspciOutput"/>.</summary>
    public string Canonical => Describe.Line(Address, VendorId, DeviceId, ClassCode, Bridge, Bars.Where(b => b.Address is not null).Select(b => (b.Index, b.Kind, b.Address!.Value)), Capabilities);
}

/// <summary>The canonical one-line form both sides are brought to.</summary>
internal static class Describe
{
    public static string Line(string address, string vendor, string device, string classCode, DecodedBridge? bridge, IEnumerable<(int Index, string Kind, ulong Address)> bars, IEnumerable<int> capabilities)
    {
        string text = $"{address} {vendor}:{device} class {classCode}";
        if (bridge is not null)
        {
            text += $" bus {bridge.Primary:x2}/{bridge.Secondary:x2}/{bridge.Subordinate:x2} mem {bridge.Memory} pref {bridge.Prefetchable}";
        }

        return text + " bars [" + string.Join(", ", bars.Where(b => b.Address != 0).OrderBy(b => b.Index).Select(b => $"{b.Index}:{b.Kind}@{b.Address:x}")) + "]"
            + " caps [" + string.Join(",", capabilities.Order().Select(c => c.ToString("x", CultureInfo.InvariantCulture))) + "]";
    }

    /// <summary>The function as the simulator holds it (the registers decoded by the PCI rules, independent of lspci).</summary>
    public static string FromModel(PciAddress address, SimulatedFunction function)
    {
        ReadOnlySpan<byte> bytes = function.ConfigBytes;
        DecodedBridge? bridge = null;
        int barCount = Type0Header.BarCount;
        if (function.IsBridge)
        {
            barCount = Type1Header.BarCount;
            bridge = new DecodedBridge(
                bytes[Type1Header.PrimaryBusNumber],
                bytes[Type1Header.SecondaryBusNumber],
                bytes[Type1Header.SubordinateBusNumber],
                MemoryWindow(BitConverter.ToUInt16(bytes[0x20..]), BitConverter.ToUInt16(bytes[0x22..])),
                PrefetchableWindow(bytes));
        }

        var bars = new List<(int, string, ulong)>();
        for (int i = 0; i < barCount; i++)
        {
            BarKind kind = function.GetBarKind(i);
            if (kind is BarKind.Memory32 or BarKind.Memory64 or BarKind.Io)
            {
                bars.Add((i, kind == BarKind.Io ? "io" : "mem", function.GetBarAddress(i)));
            }
        }

        return Line(address.ToString(), $"{function.VendorId:x4}", $"{function.DeviceId:x4}", $"{function.ClassCode:x6}", bridge, bars, Capabilities(bytes));
    }

    /// <summary>The function as <c>vmd --json lspci</c> reports it (BARs at the bus addresses the library programmed).</summary>
    public static string FromJson(JsonElement function)
    {
        DecodedBridge? bridge = null;
        if (function.GetProperty("bridge") is { ValueKind: JsonValueKind.Object } b)
        {
            bridge = new DecodedBridge(
                b.GetProperty("primary").GetInt32(),
                b.GetProperty("secondary").GetInt32(),
                b.GetProperty("subordinate").GetInt32(),
                Window(b.GetProperty("memoryBase"), b.GetProperty("memoryLimit")),
                Window(b.GetProperty("prefetchableBase"), b.GetProperty("prefetchableLimit")));
        }

        var bars = function.GetProperty("bars").EnumerateArray()
            .Select(bar => (bar.GetProperty("index").GetInt32(), bar.GetProperty("type").GetString() == "io" ? "io" : "mem", bar.GetProperty("busAddress").GetUInt64()));
        return Line(
            function.GetProperty("address").GetString()!,
            function.GetProperty("vendorId").GetString()!,
            function.GetProperty("deviceId").GetString()!,
            function.GetProperty("classCode").GetString()!,
            bridge,
            bars,
            function.GetProperty("capabilities").EnumerateArray().Select(c => c.GetProperty("offset").GetInt32()));
    }

    /// <summary>The offsets of the standard capability list (from 0x34) and, for a PCI Express function, the extended list (from 0x100).</summary>
    private static List<int> Capabilities(ReadOnlySpan<byte> bytes)
    {
        var offsets = new List<int>();
        bool express = false;
        if ((bytes[PciHeader.Status] & 0x10) != 0)
        {
            int at = bytes[PciHeader.CapabilitiesPointer] & 0xFC;
            for (int hops = 0; at >= 0x40 && hops < 48; hops++)
            {
                offsets.Add(at);
                express |= bytes[at] == 0x10;
                at = bytes[at + 1] & 0xFC;
            }
        }

        if (express)
        {
            int at = 0x100;
            for (int hops = 0; at >= 0x100 && at < 0x1000 && hops < 1024; hops++)
            {
                uint header = BitConverter.ToUInt32(bytes[at..]);
                if (header is 0 or 0xFFFF_FFFF)
                {
                    break;
                }

                offsets.Add(at);
                at = (int)(header >> 20) & 0xFFC;
            }
        }

        return offsets;
    }

    private static string Window(JsonElement start, JsonElement limit) =>
        start.ValueKind == JsonValueKind.Null ? "disabled" : $"{start.GetUInt64():x8}-{limit.GetUInt64():x8}";

    private static string MemoryWindow(ushort baseRegister, ushort limitRegister)
    {
        ulong start = (ulong)(baseRegister & 0xFFF0) << 16;
        ulong limit = ((ulong)(limitRegister & 0xFFF0) << 16) | 0xFFFFF;
        return start > limit ? "disabled" : $"{start:x8}-{limit:x8}";
    }

    private static string PrefetchableWindow(ReadOnlySpan<byte> bytes)
    {
        ushort baseRegister = BitConverter.ToUInt16(bytes[0x24..]);
        ushort limitRegister = BitConverter.ToUInt16(bytes[0x26..]);
        ulong start = (ulong)(baseRegister & 0xFFF0) << 16;
        ulong limit = ((ulong)(limitRegister & 0xFFF0) << 16) | 0xFFFFF;
        if ((baseRegister & 0xF) == 1)
        {
            start |= (ulong)BitConverter.ToUInt32(bytes[0x28..]) << 32;
            limit |= (ulong)BitConverter.ToUInt32(bytes[0x2C..]) << 32;
        }

        return start > limit ? "disabled" : $"{start:x8}-{limit:x8}";
    }
}

/// <summary>Parses lspci's text (pciutils 3.x) for the fields the tests compare.</summary>
internal static partial class LspciOutput
{
    [GeneratedRegex(@"^(?<addr>[0-9a-f]{4,}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*?\[(?<cls>[0-9a-f]{4})\]: .*\[(?<ven>[0-9a-f]{4}):(?<dev>[0-9a-f]{4})\]( \(rev [0-9a-f]{2}\))?( \(prog-if (?<pi>[0-9a-f]{2})( \[[^\]]*\])?\))?$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^\tBus: primary=(?<p>[0-9a-f]{2}), secondary=(?<s>[0-9a-f]{2}), subordinate=(?<u>[0-9a-f]{2})")]
    private static partial Regex Bus();

    [GeneratedRegex(@"^\t(?<pref>Prefetchable memory|Memory) behind bridge: (?:(?<start>[0-9a-f]+)-(?<end>[0-9a-f]+)|\[disabled\])")]
    private static partial Regex Window();

    [GeneratedRegex(@"^\tRegion (?<i>[0-5]): (?:(?<mem>Memory at)|(?<io>I/O ports at)) (?:(?<a>[0-9a-f]+)|<unassigned>)(?: \((?<bits>32|64)-bit)?")]
    private static partial Regex Region();

    [GeneratedRegex(@"^\tCapabilities: \[(?<at>[0-9a-f]+)(?: v[0-9]+)?\] ")]
    private static partial Regex Capability();

    [GeneratedRegex(@"^\t\tLnkSta:\s+Speed (?<s>[^ ,]+)[^,]*, Width x(?<w>[0-9]+)")]
    private static partial Regex LinkStatus();

    [GeneratedRegex(@"\[(?<dom>[0-9a-f]{4,}):(?<bus>[0-9a-f]{2})\]|-\[(?<sec>[0-9a-f]{2})(?:-(?<sub>[0-9a-f]{2}))?\]|(?<dev>[0-9a-f]{2})\.(?<fn>[0-7])")]
    private static partial Regex TreeToken();

    /// <summary>Parses <c>lspci -D -nn -vv</c>; also checks every region lspci shows without an address is one it may show so.</summary>
    public static List<DecodedFunction> ParseVerbose(string output)
    {
        var functions = new List<DecodedFunction>();
        foreach (string block in output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] lines = block.Split('\n');
            Match header = Header().Match(lines[0]);
            Assert.True(header.Success, $"unexpected lspci header: {lines[0]}");
            string progIf = header.Groups["pi"].Success ? header.Groups["pi"].Value : "00";
            int? primary = null, secondary = null, subordinate = null;
            string memory = "none", prefetchable = "none";
            var bars = new List<DecodedBar>();
            var capabilities = new List<int>();
            string? link = null;
            foreach (string raw in lines[1..])
            {
                string line = "\t" + raw.TrimStart('\t');
                if (raw.StartsWith("\t\t", StringComparison.Ordinal))
                {
                    if (LinkStatus().Match(raw) is { Success: true } status)
                    {
                        link = $"{status.Groups["s"].Value} x{status.Groups["w"].Value}";
                    }

                    continue;
                }

                if (Capability().Match(line) is { Success: true } capability)
                {
                    capabilities.Add(Hex(capability.Groups["at"].Value));
                    continue;
                }

                if (Bus().Match(line) is { Success: true } bus)
                {
                    primary = Hex(bus.Groups["p"].Value);
                    secondary = Hex(bus.Groups["s"].Value);
                    subordinate = Hex(bus.Groups["u"].Value);
                }
                else if (Window().Match(line) is { Success: true } window)
                {
                    string value = window.Groups["start"].Success ? $"{ulong.Parse(window.Groups["start"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture):x8}-{ulong.Parse(window.Groups["end"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture):x8}" : "disabled";
                    if (window.Groups["pref"].Value == "Memory")
                    {
                        memory = value;
                    }
                    else
                    {
                        prefetchable = value;
                    }
                }
                else if (Region().Match(line) is { Success: true } region)
                {
                    ulong? address = region.Groups["a"].Success ? ulong.Parse(region.Groups["a"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;
                    bars.Add(new DecodedBar(Hex(region.Groups["i"].Value), region.Groups["io"].Success ? "io" : "mem", address, region.Groups["bits"].Value == "64"));
                }
            }

            DecodedBridge? bridge = primary is null ? null : new DecodedBridge(primary.Value, secondary!.Value, subordinate!.Value, memory, prefetchable);
            CheckUnassignedRegions(lines[0], bars);
            functions.Add(new DecodedFunction(
                header.Groups["addr"].Value,
                header.Groups["ven"].Value,
                header.Groups["dev"].Value,
                header.Groups["cls"].Value + progIf,
                bridge,
                bars,
                capabilities,
                link));
        }

        return functions;
    }

    /// <summary>
    /// Parses <c>lspci -t</c>: every function's address (domain and bus from the root or the bridge it hangs below) and, for
    /// a bridge, its "secondary-subordinate" range as the tree prints it (null for other functions).
    /// </summary>
    public static Dictionary<string, string?> ParseTree(string output)
    {
        var result = new Dictionary<string, string?>();
        var containers = new List<(int End, string Domain, string Bus)>();
        foreach (string line in output.Split('\n'))
        {
            string? lastDevice = null;
            int lastDeviceEnd = -1;
            foreach (Match token in TreeToken().Matches(line))
            {
                if (token.Groups["dom"].Success)
                {
                    containers.RemoveAll(c => c.End > token.Index);
                    containers.Add((token.Index + token.Length, token.Groups["dom"].Value, token.Groups["bus"].Value));
                }
                else if (token.Groups["sec"].Success)
                {
                    Assert.True(lastDevice is not null && lastDeviceEnd == token.Index, $"a bus range not after a bridge in: {line}");
                    string sec = token.Groups["sec"].Value;
                    string sub = token.Groups["sub"].Success ? token.Groups["sub"].Value : sec;
                    result[lastDevice!] = $"{sec}-{sub}";
                    containers.Add((token.Index + token.Length, lastDevice![..lastDevice!.IndexOf(':', StringComparison.Ordinal)], sec));
                }
                else
                {
                    containers.RemoveAll(c => c.End > token.Index);
                    Assert.NotEmpty(containers);
                    (int _, string domain, string bus) = containers[^1];
                    lastDevice = $"{domain}:{bus}:{token.Groups["dev"].Value}.{token.Groups["fn"].Value}";
                    lastDeviceEnd = token.Index + token.Length;
                    Assert.True(result.TryAdd(lastDevice, null), $"{lastDevice} twice in the tree");
                }
            }
        }

        return result;
    }

    /// <summary>
    /// lspci shows a region without an address ("&lt;unassigned&gt;") for a BAR whose address bits are 0 but whose type bits
    /// are not, and (reading a dump, where it has no sizes) for the upper dword of a 64-bit BAR when that dword is not 0.
    /// </summary>
    private static void CheckUnassignedRegions(string header, List<DecodedBar> bars)
    {
        foreach (DecodedBar bar in bars.Where(b => b.Address is null))
        {
            bool upperHalf = bars.Any(b => b.Index == bar.Index - 1 && b.Is64Bit && b.Address is not null && b.Address.Value >> 32 != 0);
            Assert.True(upperHalf || bar.Kind == "mem", $"{header}: unexpected region {bar}");
        }
    }

    private static int Hex(string text) => int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
