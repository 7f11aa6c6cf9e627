using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class LspciCommandTests
{
    private const ulong MiB = 1UL << 20;
    private const string NvmeClass = "010802";

    /// <summary>MEMBAR1 (CPU address, size) of each VMD domain, as docs/machines.md gives them.</summary>
    private static readonly Dictionary<(string Machine, string Domain), (ulong Base, ulong Size)> MemBar1 = new()
    {
        [("tigerlake", "10000")] = (0x5000_0000, 32 * MiB),
        [("tigerlake-dummy", "10000")] = (0x5000_0000, 32 * MiB),
        [("alderlake", "10000")] = (0x7200_0000, 32 * MiB),
        [("meteorlake", "10000")] = (0x5000_0000, 16 * MiB),
        [("skylake-sp", "10000")] = (0xaa00_0000, 32 * MiB),
        [("icelake-sp", "10000")] = (0xc400_0000, 32 * MiB),
        [("icelake-sp", "10001")] = (0xe600_0000, 32 * MiB),
        [("guest", "10000")] = (0xc000_0000, 32 * MiB),
        [("two-vmd", "10000")] = (0xaa00_0000, 32 * MiB),
        [("two-vmd", "10001")] = (0xee00_0000, 32 * MiB),
        [("arrowlake-s", "10000")] = (0x5000_0000, 32 * MiB),
    };

    /// <summary>How many NVMe drives each machine has behind its VMDs.</summary>
    internal static readonly Dictionary<string, int> NvmeDrives = new()
    {
        ["tigerlake"] = 1,
        ["tigerlake-dummy"] = 1,
        ["alderlake"] = 2,
        ["meteorlake"] = 1,
        ["skylake-sp"] = 3,
        ["icelake-sp"] = 3,
        ["guest"] = 1,
        ["two-vmd"] = 2,
        ["arrowlake-s"] = 2,
    };

    private static readonly string[] FunctionKeys =
        ["address", "vendorId", "deviceId", "classCode", "headerType", "bars", "bridge", "capabilities", "assigned"];

    private static readonly string[] BarKeys = ["index", "address", "busAddress", "size", "is64Bit", "prefetchable"];

    private static readonly string[] BridgeKeys =
        ["primary", "secondary", "subordinate", "memoryBase", "memoryLimit", "prefetchableBase", "prefetchableLimit"];

    private static readonly string[] TigerLakeHost =
    [
        "0000:00:00.0 Host bridge [0600]: Intel Corporation 11th Gen Core Processor Host Bridge/DRAM Registers [8086:9a14]",
        "0000:00:02.0 VGA compatible controller [0300]: Intel Corporation TigerLake-LP GT2 [Iris Xe Graphics] [8086:9a49]",
        "0000:00:0e.0 RAID bus controller [0104]: Intel Corporation Volume Management Device NVMe RAID Controller [8086:9a0b]",
        "0000:00:1f.0 ISA bridge [0601]: Intel Corporation Device a082 [8086:a082]",
    ];

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    public static IEnumerable<object[]> AllMachines() => Shell.AllMachines.Select(m => new object[] { m });

    [Fact]
    public void Lspci_on_tigerlake_prints_the_host_then_the_root_port_and_the_nvme()
    {
        ShellResult result = Shell.Run("lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(
            [
                .. TigerLakeHost,
                "10000:e0:06.0 PCI bridge [0604]: Intel Corporation 11th Gen Core Processor PCIe Controller [8086:9a09]",
                "10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]",
            ],
            result.OutputLines);
    }

    [Fact]
    public void Lspci_on_tigerlake_dummy_lists_the_09ab_companion_and_the_root_port_at_function_4()
    {
        ShellResult result = Shell.Run("--machine", "tigerlake-dummy", "lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                .. TigerLakeHost,
                "10000:e0:1c.0 System peripheral [0880]: Intel Corporation RST VMD Managed Controller [8086:09ab]",
                "10000:e0:1c.4 PCI bridge [0604]: Intel Corporation Tiger Lake-LP PCI Express Root Port #9 [8086:a0bc]",
                "10000:e1:00.0 Non-Volatile memory controller [0108]: Sandisk Corp WD Blue SN550 NVMe SSD [15b7:5009]",
            ],
            result.OutputLines);
    }

    [Fact]
    public void Lspci_on_alderlake_lists_sata_at_e0_17_and_nvme_at_e1_and_e2()
    {
        ShellResult result = Shell.Run("--machine", "alderlake", "lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["10000:e0:06.0", "10000:e0:17.0", "10000:e0:1d.0", "10000:e1:00.0", "10000:e2:00.0"],
            Addresses(result).Where(a => a.StartsWith("10000:", StringComparison.Ordinal)));
        Assert.Contains("10000:e0:17.0 SATA controller [0106]: Intel Corporation Alder Lake-P SATA AHCI Controller [8086:51d3]", result.OutputLines);
        Assert.Contains(result.OutputLines, l => l.StartsWith("10000:e1:00.0 Non-Volatile memory controller [0108]: ", StringComparison.Ordinal) && l.EndsWith("[144d:a80a]", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("10000:e2:00.0 Non-Volatile memory controller [0108]: ", StringComparison.Ordinal) && l.EndsWith("[15b7:5009]", StringComparison.Ordinal));
    }

    [Fact]
    public void Lspci_on_skylake_sp_lists_four_root_ports_a_switch_with_two_downstream_ports_and_three_nvme()
    {
        ShellResult result = Shell.Run("--machine", "skylake-sp", "lspci");

        Assert.Equal(0, result.ExitCode);
        string[] domain = result.OutputLines.Where(l => l.StartsWith("10000:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, domain.Count(l => l.Contains("Sky Lake-E PCI Express Root Port", StringComparison.Ordinal)));
        Assert.Equal(3, domain.Count(l => l.Contains("[10b5:9733]", StringComparison.Ordinal)));
        Assert.Equal(3, domain.Count(l => l.Contains(" Non-Volatile memory controller [0108]: ", StringComparison.Ordinal) && l.Contains("[8086:0a54]", StringComparison.Ordinal)));
        Assert.Equal(10, domain.Length);
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Lspci_exits_0_and_lists_the_host_first_then_the_vmd_domains_each_in_address_order(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] addresses = Addresses(result);
        Assert.Equal(addresses.OrderBy(SortKey).ToArray(), addresses);
        int firstDomain = Array.FindIndex(addresses, a => !a.StartsWith("0000:", StringComparison.Ordinal));
        Assert.True(firstDomain > 0, "no host function before the first VMD-domain function");
        Assert.All(addresses.Take(firstDomain), a => Assert.StartsWith("0000:", a, StringComparison.Ordinal));
        Assert.All(addresses.Skip(firstDomain), a => Assert.Matches("^1000[0-9]:", a));
        Assert.Equal(NvmeDrives[machine], result.OutputLines.Count(l => l.StartsWith("1000", StringComparison.Ordinal) && l.Contains(" Non-Volatile memory controller [0108]: ", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(AllMachines))]
    public void Lspci_lists_each_address_once_in_lspci_nn_form(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "lspci");

        string[] addresses = Addresses(result);
        Assert.Equal(addresses.Length, addresses.Distinct(StringComparer.Ordinal).Count());
        Assert.All(result.OutputLines, l => Assert.Matches(@"^[0-9a-f]{4,5}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] .+ \[[0-9a-f]{4}\]: .+ \[[0-9a-f]{4}:[0-9a-f]{4}\]( \(rev [0-9a-f]{2}\))?$", l));
    }

    [Fact]
    public void Lspci_on_empty_exits_3_but_still_lists_the_host_functions()
    {
        ShellResult result = Shell.Run("--machine", "empty", "lspci");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("vmd: no VMD found on this machine", result.Error, StringComparison.Ordinal);
        Assert.Equal(
            ["0000:00:00.0", "0000:00:02.0", "0000:00:06.0", "0000:00:0e.0", "0000:00:1f.0", "0000:01:00.0"],
            Addresses(result));
        Assert.Contains("0000:00:0e.0 System peripheral [0880]: Intel Corporation RST VMD Managed Controller [8086:09ab]", result.OutputLines);
    }

    [Fact]
    public void Json_lspci_on_empty_exits_3_with_host_functions_and_a_zero_fingerprint()
    {
        ShellResult result = Shell.Run("--machine", "empty", "--json", "lspci");

        Assert.Equal(3, result.ExitCode);
        using JsonDocument json = result.Json();
        Assert.Equal(6, json.RootElement.GetProperty("functions").GetArrayLength());
        Assert.Empty(json.RootElement.GetProperty("fingerprints").EnumerateArray());
        Assert.Equal("0000000000000000", json.RootElement.GetProperty("fingerprint").GetString());
    }

    [Theory]
    [MemberData(nameof(AllMachines))]
    public void Json_lspci_lists_the_same_functions_as_the_text_with_every_required_key(string machine)
    {
        ShellResult text = Shell.Run("--machine", machine, "lspci");
        ShellResult jsonResult = Shell.Run("--machine", machine, "--json", "lspci");

        Assert.Equal(text.ExitCode, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        JsonElement[] functions = json.RootElement.GetProperty("functions").EnumerateArray().ToArray();
        Assert.Equal(Addresses(text), functions.Select(f => f.GetProperty("address").GetString()!));
        foreach (JsonElement function in functions)
        {
            AssertHasKeys(function, FunctionKeys);
            Assert.Matches("^[0-9a-f]{4}$", function.GetProperty("vendorId").GetString()!);
            Assert.Matches("^[0-9a-f]{4}$", function.GetProperty("deviceId").GetString()!);
            Assert.Matches("^[0-9a-f]{6}$", function.GetProperty("classCode").GetString()!);
            Assert.Equal(JsonValueKind.Number, function.GetProperty("headerType").ValueKind);
            Assert.Equal(JsonValueKind.Array, function.GetProperty("capabilities").ValueKind);
            Assert.True(function.GetProperty("assigned").ValueKind is JsonValueKind.True or JsonValueKind.False);
            foreach (JsonElement bar in function.GetProperty("bars").EnumerateArray())
            {
                AssertHasKeys(bar, BarKeys);
                Assert.InRange(bar.GetProperty("index").GetInt32(), 0, 5);
            }

            string line = text.OutputLines.Single(l => l.StartsWith(function.GetProperty("address").GetString() + " ", StringComparison.Ordinal));
            Assert.Contains($"[{function.GetProperty("classCode").GetString()![..4]}]: ", line, StringComparison.Ordinal);
            Assert.Contains($"[{function.GetProperty("vendorId").GetString()}:{function.GetProperty("deviceId").GetString()}]", line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AllMachines))]
    public void Json_lspci_gives_bridges_a_bridge_object_and_other_functions_null(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "lspci");

        using JsonDocument json = result.Json();
        foreach (JsonElement function in json.RootElement.GetProperty("functions").EnumerateArray())
        {
            string address = function.GetProperty("address").GetString()!;
            JsonElement bridge = function.GetProperty("bridge");
            bool isBridge = (function.GetProperty("headerType").GetInt32() & 0x7f) == 1;
            Assert.Equal(isBridge, function.GetProperty("classCode").GetString() == "060400");
            if (!isBridge)
            {
                Assert.True(bridge.ValueKind == JsonValueKind.Null, $"{address}: bridge is {bridge}");
                continue;
            }

            AssertHasKeys(bridge, BridgeKeys);
            int secondary = bridge.GetProperty("secondary").GetInt32();
            int subordinate = bridge.GetProperty("subordinate").GetInt32();
            Assert.True(secondary <= subordinate, $"{address}: secondary {secondary:x2} > subordinate {subordinate:x2}");
            Assert.True(secondary > Bus(address), $"{address}: secondary {secondary:x2} is not below its own bus");
        }
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_lspci_gives_every_nvme_behind_a_vmd_its_bar0_inside_membar1_and_its_bridge_window(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "lspci");
        using JsonDocument info = Shell.Run("--machine", machine, "--json", "info").Json();

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement[] functions = json.RootElement.GetProperty("functions").EnumerateArray().ToArray();
        JsonElement[] drives = functions
            .Where(f => !f.GetProperty("address").GetString()!.StartsWith("0000:", StringComparison.Ordinal) && f.GetProperty("classCode").GetString() == NvmeClass)
            .ToArray();
        Assert.Equal(NvmeDrives[machine], drives.Length);
        foreach (JsonElement drive in drives)
        {
            string address = drive.GetProperty("address").GetString()!;
            Assert.True(drive.GetProperty("assigned").GetBoolean(), $"{address} is not assigned");
            JsonElement bar0 = drive.GetProperty("bars").EnumerateArray().Single(b => b.GetProperty("index").GetInt32() == 0);
            ulong cpu = bar0.GetProperty("address").GetUInt64();
            ulong size = bar0.GetProperty("size").GetUInt64();
            (ulong memBar1, ulong memBar1Size) = MemBar1[(machine, address.Split(':')[0])];
            Assert.True(size > 0, $"{address}: BAR0 has size 0");
            Assert.True(cpu >= memBar1 && cpu + size <= memBar1 + memBar1Size, $"{address}: BAR0 {cpu:x} is outside MEMBAR1 {memBar1:x}");
            Assert.Equal(0UL, cpu % size);

            // More precisely inside the part of MEMBAR1 that belongs to the drive's root bus (the whole BAR with one
            // root bus; with a second root bus, the part below or from the MEMBAR1 split).
            JsonElement vmd = info.RootElement.GetProperty("vmds").EnumerateArray()
                .Single(v => v.GetProperty("domain").GetString() == address.Split(':')[0]);
            Assert.Equal(memBar1, vmd.GetProperty("bars").EnumerateArray().Single(b => b.GetProperty("role").GetString() == "MEMBAR1").GetProperty("address").GetUInt64());
            JsonElement rootBus = vmd.GetProperty("rootBuses").EnumerateArray()
                .Single(r => Bus(address) >= r.GetProperty("busStart").GetInt32() && Bus(address) <= r.GetProperty("busEnd").GetInt32());
            ulong part = memBar1 + rootBus.GetProperty("memBar1Offset").GetUInt64();
            ulong partEnd = part + rootBus.GetProperty("memBar1Size").GetUInt64();
            Assert.True(cpu >= part && cpu + size <= partEnd, $"{address}: BAR0 {cpu:x} is outside root bus {rootBus.GetProperty("index")}'s MEMBAR1 part {part:x}-{partEnd - 1:x}");

            ulong bus = bar0.GetProperty("busAddress").GetUInt64();
            JsonElement parent = functions.Single(f =>
                f.GetProperty("bridge").ValueKind == JsonValueKind.Object
                && f.GetProperty("address").GetString()!.Split(':')[0] == address.Split(':')[0]
                && f.GetProperty("bridge").GetProperty("secondary").GetInt32() == Bus(address));
            JsonElement window = parent.GetProperty("bridge");
            Assert.True(
                bus >= window.GetProperty("memoryBase").GetUInt64() && bus + size - 1 <= window.GetProperty("memoryLimit").GetUInt64(),
                $"{address}: BAR0 bus address {bus:x} is outside the window of {parent.GetProperty("address").GetString()}");
        }
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_lspci_marks_every_function_behind_a_vmd_assigned(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "lspci");

        using JsonDocument json = result.Json();
        foreach (JsonElement function in json.RootElement.GetProperty("functions").EnumerateArray()
            .Where(f => !f.GetProperty("address").GetString()!.StartsWith("0000:", StringComparison.Ordinal)))
        {
            Assert.True(function.GetProperty("assigned").GetBoolean(), function.GetProperty("address").GetString());
        }
    }

    [Fact]
    public void Json_lspci_on_guest_gives_cpu_and_bus_addresses_that_differ_by_the_membar1_offset()
    {
        ShellResult result = Shell.Run("--machine", "guest", "--json", "lspci");

        using JsonDocument json = result.Json();
        JsonElement drive = json.RootElement.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("address").GetString() == "10000:e1:00.0");
        JsonElement bar0 = Assert.Single(drive.GetProperty("bars").EnumerateArray().ToArray());
        Assert.Equal(0xc000_0000UL, bar0.GetProperty("address").GetUInt64());
        Assert.Equal(0x5000_0000UL, bar0.GetProperty("busAddress").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(AllMachines))]
    public void Json_lspci_fingerprint_is_16_hex_digits_and_the_same_on_two_runs(string machine)
    {
        ShellResult first = Shell.Run("--machine", machine, "--json", "lspci");
        ShellResult second = Shell.Run("--machine", machine, "--json", "lspci");

        using JsonDocument json1 = first.Json();
        using JsonDocument json2 = second.Json();
        string fingerprint = json1.RootElement.GetProperty("fingerprint").GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", fingerprint);
        Assert.Equal(fingerprint, json2.RootElement.GetProperty("fingerprint").GetString());
        Assert.Equal(first.Output, second.Output);
        if (machine != "empty" && Array.IndexOf(Shell.RefusedMachines, machine) < 0)
        {
            Assert.NotEqual("0000000000000000", fingerprint);
        }
    }

    [Fact]
    public void Json_lspci_fingerprints_differ_between_different_domains()
    {
        string[] fingerprints = new[] { "tigerlake", "tigerlake-dummy", "alderlake", "skylake-sp" }
            .Select(m =>
            {
                using JsonDocument json = Shell.Run("--machine", m, "--json", "lspci").Json();
                return json.RootElement.GetProperty("fingerprint").GetString()!;
            })
            .ToArray();

        Assert.Equal(fingerprints.Length, fingerprints.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Json_lspci_on_icelake_sp_has_one_fingerprint_per_domain()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "--json", "lspci");

        using JsonDocument json = result.Json();
        JsonElement[] fingerprints = json.RootElement.GetProperty("fingerprints").EnumerateArray().ToArray();
        Assert.Equal(["10000", "10001"], fingerprints.Select(f => f.GetProperty("domain").GetString()!));
        Assert.All(fingerprints, f => Assert.Matches("^[0-9a-f]{16}$", f.GetProperty("fingerprint").GetString()!));
    }

    [Fact]
    public void Bringup_and_lspci_report_the_same_fingerprint()
    {
        using JsonDocument bringup = Shell.Run("--json", "bringup").Json();
        using JsonDocument lspci = Shell.Run("--json", "lspci").Json();

        Assert.Equal(lspci.RootElement.GetProperty("fingerprint").GetString(), bringup.RootElement.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void Lspci_t_on_tigerlake_shows_the_nvme_indented_under_its_root_port()
    {
        ShellResult result = Shell.Run("lspci", "-t");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "[0000:00]",
                "  +-00:00.0 Intel Corporation 11th Gen Core Processor Host Bridge/DRAM Registers [8086:9a14]",
                "  +-00:02.0 Intel Corporation TigerLake-LP GT2 [Iris Xe Graphics] [8086:9a49]",
                "  +-00:0e.0 Intel Corporation Volume Management Device NVMe RAID Controller [8086:9a0b]",
                "  +-00:1f.0 Intel Corporation Device a082 [8086:a082]",
                "[10000:e0]",
                "  +-e0:06.0 Intel Corporation 11th Gen Core Processor PCIe Controller [8086:9a09] -> [e1-e1]",
                "    +-e1:00.0 Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]",
            ],
            result.OutputLines);
    }

    [Fact]
    public void Lspci_t_on_tigerlake_dummy_puts_the_nvme_under_the_root_port_at_function_4()
    {
        ShellResult result = Shell.Run("--machine", "tigerlake-dummy", "lspci", "-t");

        string[] lines = result.OutputLines;
        int port = Array.FindIndex(lines, l => l.StartsWith("  +-e0:1c.4 ", StringComparison.Ordinal));
        Assert.True(port > 0, result.Output);
        Assert.EndsWith("-> [e1-e1]", lines[port], StringComparison.Ordinal);
        Assert.StartsWith("    +-e1:00.0 ", lines[port + 1], StringComparison.Ordinal);
        Assert.Contains("  +-e0:1c.0 Intel Corporation RST VMD Managed Controller [8086:09ab]", lines);
    }

    [Fact]
    public void Lspci_t_on_skylake_sp_nests_the_drives_below_the_switch()
    {
        ShellResult result = Shell.Run("--machine", "skylake-sp", "lspci", "-t");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.OutputLines;
        int domain = Array.IndexOf(lines, "[10000:00]");
        Assert.True(domain > 0, result.Output);
        string[] tree = lines[(domain + 1)..];
        Assert.Equal(4, tree.Count(l => Depth(l) == 1));
        string[] drives = tree.Where(l => l.Contains("[8086:0a54]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, drives.Length);
        Assert.Equal([4, 4, 2], drives.Select(Depth));

        // Every line is one level below the nearest shallower line before it, and that line is a bridge.
        for (int i = 1; i < tree.Length; i++)
        {
            if (Depth(tree[i]) > 1)
            {
                string parent = tree[..i].Last(l => Depth(l) < Depth(tree[i]));
                Assert.Equal(Depth(tree[i]) - 1, Depth(parent));
                Assert.Contains(" -> [", parent, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Lspci_t_on_icelake_sp_starts_the_second_domain_at_bus_80()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "lspci", "-t");

        Assert.Contains("[10000:00]", result.OutputLines);
        Assert.Contains("[10001:80]", result.OutputLines);
        int second = Array.IndexOf(result.OutputLines, "[10001:80]");
        Assert.StartsWith("  +-80:02.0 ", result.OutputLines[second + 1], StringComparison.Ordinal);
        Assert.StartsWith("    +-81:00.0 ", result.OutputLines[second + 2], StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_v_shows_bridge_windows_for_root_ports_and_region_0_for_the_nvme()
    {
        ShellResult result = Shell.Run("lspci", "-v");

        Assert.Equal(0, result.ExitCode);
        string port = Block(result, "10000:e0:06.0");
        Assert.Contains("\tBus: primary=00, secondary=e1, subordinate=e1", port, StringComparison.Ordinal);
        Assert.Contains("\tMemory behind bridge: 50000000-500fffff [size=1 MiB]", port, StringComparison.Ordinal);
        Assert.Contains("\tPrefetchable memory behind bridge: [disabled]", port, StringComparison.Ordinal);
        Assert.Contains("\tLink: Root Port, ", port, StringComparison.Ordinal);
        Assert.Contains("\tCapabilities: [40] Express", port, StringComparison.Ordinal);
        Assert.Contains("\tResources: assigned", port, StringComparison.Ordinal);

        string drive = Block(result, "10000:e1:00.0");
        Assert.Contains("\tRegion 0: Memory at 50000000 (64-bit, non-prefetchable) [size=16 KiB]\n", drive, StringComparison.Ordinal);
        Assert.Contains("\tControl: memory on, bus master on", drive, StringComparison.Ordinal);
        Assert.Contains("\tCapabilities: [b0] MSI-X", drive, StringComparison.Ordinal);
        Assert.Contains("\tCapabilities: [100 v2] Advanced Error Reporting", drive, StringComparison.Ordinal);
        Assert.Contains("\tResources: assigned", drive, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Lspci_v_gives_every_bridge_behind_a_vmd_a_window_and_every_nvme_a_region_0(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "lspci", "-v");

        Assert.Equal(0, result.ExitCode);
        foreach (string line in result.OutputLines.Where(l => l.StartsWith("1000", StringComparison.Ordinal)))
        {
            string block = Block(result, line.Split(' ')[0]);
            if (line.Contains(" PCI bridge [0604]: ", StringComparison.Ordinal))
            {
                Assert.Matches(@"\tMemory behind bridge: [0-9a-f]+-[0-9a-f]+ \[size=", block);
            }

            if (line.Contains(" Non-Volatile memory controller [0108]: ", StringComparison.Ordinal))
            {
                Assert.Matches(@"\tRegion 0: Memory at [0-9a-f]+ \(64-bit, non-prefetchable\) \[size=16 KiB\]", block);
            }
        }
    }

    [Fact]
    public void Lspci_v_on_guest_adds_the_bus_address_of_a_translated_bar()
    {
        ShellResult result = Shell.Run("--machine", "guest", "lspci", "-v");

        Assert.Contains("\tRegion 0: Memory at c0000000 (64-bit, non-prefetchable) [size=16 KiB] (bus address 50000000)", Block(result, "10000:e1:00.0"), StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_vv_is_the_same_as_lspci_v()
    {
        Assert.Equal(Shell.Run("lspci", "-v").Output, Shell.Run("lspci", "-vv").Output);
    }

    [Theory]
    [InlineData("-v", "lspci")]
    [InlineData("lspci", "--verbose")]
    public void Global_verbose_keeps_the_short_listing_and_logs_on_stderr(params string[] args)
    {
        ShellResult plain = Shell.Run("lspci");
        ShellResult result = Shell.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(plain.Output, result.Output);
        Assert.Contains("info [1030] VMD 0000:00:0e.0: domain 10000 enumerated: 2 functions", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_wins_over_t_and_v()
    {
        ShellResult json = Shell.Run("--json", "lspci");

        Assert.Equal(json.Output, Shell.Run("lspci", "-t", "--json").Output);
        Assert.Equal(json.Output, Shell.Run("lspci", "-v", "--json").Output);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("extra")]
    [InlineData("-m")]
    public void Lspci_with_an_unknown_argument_exits_2_naming_it(string argument)
    {
        ShellResult result = Shell.Run("lspci", argument);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains($"unknown argument '{argument}' for 'lspci'", result.Error, StringComparison.Ordinal);
        Assert.Contains("-t (tree) and -v (details)", result.Error, StringComparison.Ordinal);
    }

    private static string[] Addresses(ShellResult result) =>
        result.OutputLines.Where(l => l.Length > 0).Select(l => l.Split(' ')[0]).ToArray();

    private static (int Segment, int Bus, int Device, int Function) SortKey(string address)
    {
        string[] parts = address.Split(':', '.');
        return (Hex(parts[0]), Hex(parts[1]), Hex(parts[2]), Hex(parts[3]));
    }

    private static int Bus(string address) => Hex(address.Split(':')[1]);

    private static int Hex(string text) => int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static int Depth(string treeLine) => treeLine.IndexOf("+-", StringComparison.Ordinal) / 2;

    /// <summary>The <c>-v</c> block of one function: its line and the tab-indented lines after it.</summary>
    private static string Block(ShellResult result, string address)
    {
        string[] lines = result.OutputLines;
        int start = Array.FindIndex(lines, l => l.StartsWith(address + " ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"{address} not listed");
        IEnumerable<string> details = lines.Skip(start + 1).TakeWhile(l => l.StartsWith('\t'));
        return string.Join('\n', details.Prepend(lines[start])) + "\n";
    }

    private static void AssertHasKeys(JsonElement element, string[] keys)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        string[] present = element.EnumerateObject().Select(p => p.Name).ToArray();
        foreach (string key in keys)
        {
            Assert.True(present.Contains(key, StringComparer.Ordinal), $"missing \"{key}\" in {element}");
        }
    }
}
