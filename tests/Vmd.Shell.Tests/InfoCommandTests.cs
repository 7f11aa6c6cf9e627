using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

public sealed class InfoCommandTests
{
    private const ulong MiB = 1UL << 20;

    /// <summary>One VMD as docs/machines.md describes it.</summary>
    private sealed record ExpectedVmd(
        string Address,
        string DeviceId,
        string Domain,
        int BusStart,
        int BusEnd,
        ulong CfgBar,
        bool CfgBarPrefetchable,
        ulong MemBar1,
        ulong MemBar1Size,
        ulong MemBar2,
        ulong MemBar2Size);

    private static readonly Dictionary<string, ExpectedVmd[]> Expected = new()
    {
        ["tigerlake"] = [new("0000:00:0e.0", "9a0b", "10000", 0xe0, 0xff, 0x60_0000_0000, false, 0x5000_0000, 32 * MiB, 0x60_0200_0000, 1 * MiB)],
        ["tigerlake-dummy"] = [new("0000:00:0e.0", "9a0b", "10000", 0xe0, 0xff, 0x60_0000_0000, false, 0x5000_0000, 32 * MiB, 0x60_0200_0000, 1 * MiB)],
        ["alderlake"] = [new("0000:00:0e.0", "467f", "10000", 0xe0, 0xff, 0x60_0000_0000, false, 0x7200_0000, 32 * MiB, 0x60_0200_0000, 1 * MiB)],
        ["meteorlake"] = [new("0000:00:0e.0", "7d0b", "10000", 0xe0, 0xff, 0x60_0000_0000, false, 0x5000_0000, 16 * MiB, 0x60_0300_0000, 16 * MiB)],
        ["skylake-sp"] = [new("0000:5d:05.5", "201d", "10000", 0x00, 0x1f, 0x3aff_fc00_0000, true, 0xaa00_0000, 32 * MiB, 0x3aff_fff0_0000, 1 * MiB)],
        ["icelake-sp"] =
        [
            new("0000:64:00.5", "28c0", "10000", 0x00, 0x1f, 0x207f_fc00_0000, true, 0xc400_0000, 32 * MiB, 0x207f_fff0_0000, 1 * MiB),
            new("0000:b2:00.5", "28c0", "10001", 0x80, 0x9f, 0x2fff_fc00_0000, true, 0xe600_0000, 32 * MiB, 0x2fff_fff0_0000, 1 * MiB),
        ],
        ["guest"] = [new("0000:00:05.0", "9a0b", "10000", 0xe0, 0xff, 0x80_0000_0000, false, 0xc000_0000, 32 * MiB, 0x80_0200_0000, 1 * MiB)],
        ["two-vmd"] =
        [
            new("0000:5d:05.5", "201d", "10000", 0x00, 0x1f, 0x3aff_fc00_0000, true, 0xaa00_0000, 32 * MiB, 0x3aff_fff0_0000, 1 * MiB),
            new("0000:d7:05.5", "201d", "10001", 0x00, 0x1f, 0x3bff_fc00_0000, true, 0xee00_0000, 32 * MiB, 0x3bff_fff0_0000, 1 * MiB),
        ],

        // Root bus 0 (e0-ef) is the VMD's bus range; root bus 1 (80-8f) is in rootBuses (SecondRootBusCommandTests).
        ["arrowlake-s"] = [new("0000:00:0e.0", "ad0b", "10000", 0xe0, 0xef, 0x60_0000_0000, false, 0x5000_0000, 32 * MiB, 0x60_0200_0000, 16 * MiB)],
    };

    private static readonly string[] VmdKeys =
        ["address", "vendorId", "deviceId", "name", "features", "domain", "busStart", "busEnd", "bars", "msix", "rootBuses"];

    private static readonly string[] BarKeys = ["index", "role", "address", "size", "is64Bit", "prefetchable"];

    private static readonly string[] MsixKeys = ["count", "tableBar", "tableOffset", "pbaBar", "pbaOffset"];

    private static readonly string[] RootBusKeys =
        ["index", "busStart", "busEnd", "cfgBarBus", "busRange", "memBar1Offset", "memBar1Size", "memBar2Offset", "memBar2Size"];

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Info_exits_0_on_every_machine_with_a_vmd(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(Expected[machine].Length, result.OutputLines.Count(line => line.StartsWith("VMD ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_info_has_exactly_the_documented_shape(string machine)
    {
        ShellResult result = Shell.Run("--json", "--machine", machine, "info");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("vmds").ValueKind);
        Assert.Equal(["vmds", "unsupported"], PropertyNames(root));
        Assert.Equal(0, root.GetProperty("unsupported").GetArrayLength());
        foreach (JsonElement vmd in root.GetProperty("vmds").EnumerateArray())
        {
            Assert.Equal(VmdKeys, PropertyNames(vmd));
            AssertHexString(vmd.GetProperty("vendorId"), 4);
            AssertHexString(vmd.GetProperty("deviceId"), 4);
            AssertHexString(vmd.GetProperty("domain"), null);
            Assert.Matches(new Regex("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"), vmd.GetProperty("address").GetString());
            Assert.Equal(JsonValueKind.String, vmd.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.Array, vmd.GetProperty("features").ValueKind);
            Assert.All(vmd.GetProperty("features").EnumerateArray(), f => Assert.Equal(JsonValueKind.String, f.ValueKind));
            Assert.Equal(JsonValueKind.Number, vmd.GetProperty("busStart").ValueKind);
            Assert.Equal(JsonValueKind.Number, vmd.GetProperty("busEnd").ValueKind);
            Assert.Equal(3, vmd.GetProperty("bars").GetArrayLength());
            foreach (JsonElement bar in vmd.GetProperty("bars").EnumerateArray())
            {
                Assert.Equal(BarKeys, PropertyNames(bar));
                Assert.Equal(JsonValueKind.Number, bar.GetProperty("index").ValueKind);
                Assert.Equal(JsonValueKind.String, bar.GetProperty("role").ValueKind);
                Assert.Equal(JsonValueKind.Number, bar.GetProperty("address").ValueKind);
                Assert.Equal(JsonValueKind.Number, bar.GetProperty("size").ValueKind);
                AssertBoolean(bar.GetProperty("is64Bit"));
                AssertBoolean(bar.GetProperty("prefetchable"));
            }

            JsonElement msix = vmd.GetProperty("msix");
            Assert.Equal(MsixKeys, PropertyNames(msix));
            Assert.All(msix.EnumerateObject(), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));

            JsonElement[] rootBuses = vmd.GetProperty("rootBuses").EnumerateArray().ToArray();
            Assert.InRange(rootBuses.Length, 1, 2);
            for (int i = 0; i < rootBuses.Length; i++)
            {
                JsonElement rootBus = rootBuses[i];
                Assert.Equal(RootBusKeys, PropertyNames(rootBus));
                Assert.Equal(i, rootBus.GetProperty("index").GetInt32());
                Assert.All(rootBus.EnumerateObject().Where(p => p.Name != "busRange"), p => Assert.Equal(JsonValueKind.Number, p.Value.ValueKind));

                // BUSRANGE is only read with a second root bus: a number then, null with one root bus.
                Assert.Equal(rootBuses.Length == 2 ? JsonValueKind.Number : JsonValueKind.Null, rootBus.GetProperty("busRange").ValueKind);
            }
        }
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_info_values_match_docs_machines(string machine)
    {
        ShellResult result = Shell.Run("--json", "--machine", machine, "info");

        using JsonDocument json = result.Json();
        JsonElement[] vmds = json.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        ExpectedVmd[] expected = Expected[machine];
        Assert.Equal(expected.Length, vmds.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            ExpectedVmd want = expected[i];
            JsonElement vmd = vmds[i];
            Assert.Equal(want.Address, vmd.GetProperty("address").GetString());
            Assert.Equal("8086", vmd.GetProperty("vendorId").GetString());
            Assert.Equal(want.DeviceId, vmd.GetProperty("deviceId").GetString());
            Assert.Contains(want.DeviceId, vmd.GetProperty("name").GetString(), StringComparison.Ordinal);
            Assert.Equal(want.Domain, vmd.GetProperty("domain").GetString());
            Assert.Equal(want.BusStart, vmd.GetProperty("busStart").GetInt32());
            Assert.Equal(want.BusEnd, vmd.GetProperty("busEnd").GetInt32());

            JsonElement[] bars = vmd.GetProperty("bars").EnumerateArray().ToArray();
            AssertBar(bars[0], 0, "CFGBAR", want.CfgBar, 32 * MiB, is64Bit: true, want.CfgBarPrefetchable);
            AssertBar(bars[1], 2, "MEMBAR1", want.MemBar1, want.MemBar1Size, is64Bit: false, prefetchable: false);
            AssertBar(bars[2], 4, "MEMBAR2", want.MemBar2, want.MemBar2Size, is64Bit: true, prefetchable: false);

            JsonElement msix = vmd.GetProperty("msix");
            Assert.Equal(19, msix.GetProperty("count").GetInt32());
            Assert.Equal(4, msix.GetProperty("tableBar").GetInt32());
            Assert.Equal(0, msix.GetProperty("tableOffset").GetInt64());
            Assert.Equal(4, msix.GetProperty("pbaBar").GetInt32());
            Assert.Equal(0x1000, msix.GetProperty("pbaOffset").GetInt64());

            // Root bus 0 is the VMD's bus range and starts at relative bus 0 of CFGBAR; each root bus's MEMBAR parts
            // lie inside the BAR, and the last root bus's parts end where the BAR ends.
            JsonElement[] rootBuses = vmd.GetProperty("rootBuses").EnumerateArray().ToArray();
            Assert.Equal(want.BusStart, rootBuses[0].GetProperty("busStart").GetInt32());
            Assert.Equal(want.BusEnd, rootBuses[0].GetProperty("busEnd").GetInt32());
            Assert.Equal(0, rootBuses[0].GetProperty("cfgBarBus").GetInt32());
            Assert.Equal(0UL, rootBuses[0].GetProperty("memBar1Offset").GetUInt64());
            AssertPartsFillTheBar(rootBuses, "memBar1", want.MemBar1Size);
            AssertPartsFillTheBar(rootBuses, "memBar2", want.MemBar2Size);
            if (rootBuses.Length == 1)
            {
                Assert.Equal(want.MemBar1Size, rootBuses[0].GetProperty("memBar1Size").GetUInt64());
            }
        }
    }

    [Fact]
    public void Json_info_without_machine_reports_the_default_tigerlake_values()
    {
        ShellResult result = Shell.Run("--json", "info");

        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("9a0b", vmd.GetProperty("deviceId").GetString());
        Assert.Equal("10000", vmd.GetProperty("domain").GetString());
        Assert.Equal(224, vmd.GetProperty("busStart").GetInt32());
        Assert.Equal(255, vmd.GetProperty("busEnd").GetInt32());
        JsonElement cfgBar = vmd.GetProperty("bars")[0];
        Assert.Equal(0x60_0000_0000UL, cfgBar.GetProperty("address").GetUInt64());
        Assert.Equal(33554432UL, cfgBar.GetProperty("size").GetUInt64());
        Assert.True(cfgBar.GetProperty("is64Bit").GetBoolean());
        Assert.Equal(0x5000_0000UL, vmd.GetProperty("bars")[1].GetProperty("address").GetUInt64());
        Assert.Equal(1048576UL, vmd.GetProperty("bars")[2].GetProperty("size").GetUInt64());
        JsonElement msix = vmd.GetProperty("msix");
        Assert.Equal(19, msix.GetProperty("count").GetInt32());
        Assert.Equal(4, msix.GetProperty("tableBar").GetInt32());
        Assert.Equal(0, msix.GetProperty("tableOffset").GetInt32());
        Assert.Equal(4, msix.GetProperty("pbaBar").GetInt32());
        Assert.Equal(4096, msix.GetProperty("pbaOffset").GetInt32());
    }

    [Theory]
    [InlineData("tigerlake", new[] { "busRestrictions", "memBarShadowVendorCapability", "offsetFirstVector", "biosPmQuirk" })]
    [InlineData("skylake-sp", new[] { "memBarShadowVendorCapability" })]
    [InlineData("icelake-sp", new[] { "memBarShadow", "busRestrictions", "canBypassMsiRemap" })]
    public void Json_info_lists_the_features_of_the_device_id(string machine, string[] features)
    {
        ShellResult result = Shell.Run("--json", "--machine", machine, "info");

        using JsonDocument json = result.Json();
        foreach (JsonElement vmd in json.RootElement.GetProperty("vmds").EnumerateArray())
        {
            Assert.Equal(features, vmd.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray());
        }
    }

    [Fact]
    public void Info_text_on_tigerlake_shows_ids_domain_buses_bars_and_msix()
    {
        ShellResult result = Shell.Run("info");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("VMD 0000:00:0e.0 [8086:9a0b]", result.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("  domain    10000", result.OutputLines);
        Assert.Contains(result.OutputLines, l => l.StartsWith("  buses     e0-ff (32 buses", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  BAR0 CFGBAR\s+6000000000-6001ffffff\s+32 MiB\s+64-bit non-prefetchable$"));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  BAR2 MEMBAR1\s+50000000-51ffffff\s+32 MiB\s+32-bit non-prefetchable$"));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  BAR4 MEMBAR2\s+6002000000-60020fffff\s+1 MiB\s+64-bit non-prefetchable$"));
        Assert.Contains("  MSI-X     19 vectors, table BAR4+0x0, PBA BAR4+0x1000", result.OutputLines);
    }

    [Fact]
    public void Info_text_on_icelake_sp_shows_two_vmds_with_their_own_domains_and_buses()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["  domain    10000", "  domain    10001"], result.OutputLines.Where(l => l.StartsWith("  domain", StringComparison.Ordinal)));
        Assert.Equal(
            ["00-1f", "80-9f"],
            result.OutputLines.Where(l => l.StartsWith("  buses", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
    }

    [Fact]
    public void Info_text_on_skylake_sp_shows_a_prefetchable_cfgbar()
    {
        ShellResult result = Shell.Run("-m", "skylake-sp", "info");

        Assert.Contains(result.OutputLines, l => l.StartsWith("  BAR0 CFGBAR", StringComparison.Ordinal) && l.EndsWith("64-bit prefetchable", StringComparison.Ordinal));
    }

    [Fact]
    public void Info_on_empty_exits_3_says_no_vmd_and_json_has_no_vmds()
    {
        ShellResult text = Shell.Run("--machine", "empty", "info");
        ShellResult json = Shell.Run("--machine", "empty", "--json", "info");

        Assert.Equal(3, text.ExitCode);
        Assert.StartsWith("No VMD found", text.Output, StringComparison.Ordinal);
        Assert.Contains("no VMD", text.Error, StringComparison.Ordinal);
        Assert.Equal(3, json.ExitCode);
        using JsonDocument document = json.Json();
        Assert.Equal(0, document.RootElement.GetProperty("vmds").GetArrayLength());
    }

    [Fact]
    public void Verbose_info_writes_log_lines_to_stderr_and_leaves_stdout_unchanged()
    {
        ShellResult quiet = Shell.Run("info");
        ShellResult verbose = Shell.Run("--verbose", "info");

        Assert.Equal(0, verbose.ExitCode);
        Assert.Equal(quiet.Output, verbose.Output);
        Assert.Equal(string.Empty, quiet.Error);
        Assert.Contains("[1001] VMD 0000:00:0e.0 found", verbose.Error, StringComparison.Ordinal);
        Assert.Contains(verbose.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'), l => Regex.IsMatch(l, @"^(trce|dbug|info|warn|fail|crit) \[\d+\] "));
    }

    [Fact]
    public void Short_verbose_option_is_accepted()
    {
        ShellResult result = Shell.Run("-v", "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[1010]", result.Error, StringComparison.Ordinal);
    }

    private static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>The parts of one BAR (<paramref name="prefix"/> = memBar1 or memBar2) follow each other without overlap and the last ends at the BAR's end.</summary>
    private static void AssertPartsFillTheBar(JsonElement[] rootBuses, string prefix, ulong barSize)
    {
        ulong end = 0;
        foreach (JsonElement rootBus in rootBuses)
        {
            ulong offset = rootBus.GetProperty(prefix + "Offset").GetUInt64();
            ulong size = rootBus.GetProperty(prefix + "Size").GetUInt64();
            Assert.True(size > 0, $"{prefix} part of root bus {rootBus.GetProperty("index")} is empty");
            Assert.True(offset >= end, $"{prefix} part of root bus {rootBus.GetProperty("index")} at +0x{offset:x} overlaps the part before it (ends at +0x{end:x})");
            end = offset + size;
        }

        Assert.Equal(barSize, end);
    }

    private static void AssertHexString(JsonElement element, int? digits)
    {
        Assert.Equal(JsonValueKind.String, element.ValueKind);
        string value = element.GetString()!;
        Assert.DoesNotContain("0x", value, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(new Regex(digits is { } n ? $"^[0-9a-f]{{{n}}}$" : "^[0-9a-f]+$"), value);
    }

    private static void AssertBoolean(JsonElement element) =>
        Assert.True(element.ValueKind is JsonValueKind.True or JsonValueKind.False, element.ValueKind.ToString());

    private static void AssertBar(JsonElement bar, int index, string role, ulong address, ulong size, bool is64Bit, bool prefetchable)
    {
        Assert.Equal(index, bar.GetProperty("index").GetInt32());
        Assert.Equal(role, bar.GetProperty("role").GetString());
        Assert.Equal(address, bar.GetProperty("address").GetUInt64());
        Assert.Equal(size, bar.GetProperty("size").GetUInt64());
        Assert.Equal(is64Bit, bar.GetProperty("is64Bit").GetBoolean());
        Assert.Equal(prefetchable, bar.GetProperty("prefetchable").GetBoolean());
    }
}
