using System;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

/// <summary>
/// What the tool shows on arrowlake-s (VMD 8086:ad0b, VMCONFIG[9:8] = 3 on an ID with the second-root-bus feature):
/// root bus 0 is buses e0-ef at CFGBAR buses 0-15 (BUSRANGE0 0f00) with the CPU root port e0:06.0 and a Samsung NVMe at
/// e1:00.0; root bus 1 is buses 80-8f at CFGBAR buses 16-31 (BUSRANGE1 1f10) with SATA 80:17.0, the 09ab companion
/// 80:1c.0, the chipset root port 80:1c.4 and a WD NVMe at 81:00.0. MEMBAR1 (32 MiB at 50000000) is split at +0x1000000,
/// MEMBAR2 (16 MiB at 6002000000) at +0x800000.
/// </summary>
public sealed class SecondRootBusCommandTests
{
    private const string Machine = "arrowlake-s";
    private const ulong MiB = 1UL << 20;
    private const ulong MemBar1 = 0x5000_0000;
    private const ulong MemBar2 = 0x60_0200_0000;

    private static readonly string[] DomainFunctions =
        ["10000:80:17.0", "10000:80:1c.0", "10000:80:1c.4", "10000:81:00.0", "10000:e0:06.0", "10000:e1:00.0"];

    private static readonly string[] Drives = ["10000:81:00.0", "10000:e1:00.0"];

    private static ShellResult Run(params string[] args) => Shell.Run(["--machine", Machine, .. args]);

    [Fact]
    public void Lspci_lists_the_functions_of_both_root_buses_and_exits_0()
    {
        ShellResult result = Run("lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(DomainFunctions, result.OutputLines.Where(l => l.StartsWith("10000:", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
        Assert.Contains("10000:e0:06.0 PCI bridge [0604]: Intel Corporation Device ae4d [8086:ae4d]", result.OutputLines);
        Assert.Contains("10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]", result.OutputLines);
        Assert.Contains("10000:80:17.0 SATA controller [0106]: Intel Corporation Device 7f62 [8086:7f62]", result.OutputLines);
        Assert.Contains("10000:80:1c.0 System peripheral [0880]: Intel Corporation RST VMD Managed Controller [8086:09ab]", result.OutputLines);
        Assert.Contains("10000:80:1c.4 PCI bridge [0604]: Intel Corporation Device 7f3c [8086:7f3c]", result.OutputLines);
        Assert.Contains("10000:81:00.0 Non-Volatile memory controller [0108]: Sandisk Corp WD Blue SN550 NVMe SSD [15b7:5009]", result.OutputLines);
    }

    [Fact]
    public void Lspci_t_shows_each_root_bus_as_its_own_tree_with_its_drive_below_its_root_port()
    {
        ShellResult result = Run("lspci", "-t");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.OutputLines;
        int second = Array.IndexOf(lines, "[10000:80]");
        int first = Array.IndexOf(lines, "[10000:e0]");
        Assert.True(second > 0, result.Output);
        Assert.True(first > second, result.Output);
        Assert.Equal(
            [
                "[10000:80]",
                "  +-80:17.0 Intel Corporation Device 7f62 [8086:7f62]",
                "  +-80:1c.0 Intel Corporation RST VMD Managed Controller [8086:09ab]",
                "  +-80:1c.4 Intel Corporation Device 7f3c [8086:7f3c] -> [81-81]",
                "    +-81:00.0 Sandisk Corp WD Blue SN550 NVMe SSD [15b7:5009]",
                "[10000:e0]",
                "  +-e0:06.0 Intel Corporation Device ae4d [8086:ae4d] -> [e1-e1]",
                "    +-e1:00.0 Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]",
            ],
            lines[second..]);
    }

    [Fact]
    public void Json_lspci_puts_each_drive_bar0_in_its_own_root_bus_part_of_membar1_and_its_port_window()
    {
        ShellResult result = Run("--json", "lspci");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement[] functions = json.RootElement.GetProperty("functions").EnumerateArray().ToArray();
        Assert.Equal(DomainFunctions, functions.Select(f => f.GetProperty("address").GetString()!).Where(a => a.StartsWith("10000:", StringComparison.Ordinal)));

        // Root bus 0 (e1:00.0) gets MEMBAR1 below the split, root bus 1 (81:00.0) from it.
        AssertBar0(functions, "10000:e1:00.0", "10000:e0:06.0", MemBar1, MemBar1 + (16 * MiB));
        AssertBar0(functions, "10000:81:00.0", "10000:80:1c.4", MemBar1 + (16 * MiB), MemBar1 + (32 * MiB));
        Assert.Equal(0x81, Port(functions, "10000:80:1c.4").GetProperty("secondary").GetInt32());
        Assert.Equal(0xe1, Port(functions, "10000:e0:06.0").GetProperty("secondary").GetInt32());
    }

    [Fact]
    public void Info_text_shows_both_root_buses_with_their_bus_ranges_and_membar_parts()
    {
        ShellResult result = Run("info");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(
            [
                "  buses     root bus 0: buses e0-ef at CFGBAR buses 0-15 (BUSRANGE0 0f00); MEMBAR1 +0x0 (16 MiB), MEMBAR2 +0x2000 (8184 KiB)",
                "  buses     root bus 1: buses 80-8f at CFGBAR buses 16-31 (BUSRANGE1 1f10); MEMBAR1 +0x1000000 (16 MiB), MEMBAR2 +0x800000 (8 MiB)",
            ],
            result.OutputLines.Where(l => l.StartsWith("  buses", StringComparison.Ordinal)));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  features  ", StringComparison.Ordinal) && l.EndsWith(", secondRootBus", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  BAR2 MEMBAR1\s+50000000-51ffffff\s+32 MiB\s+32-bit non-prefetchable$"));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  BAR4 MEMBAR2\s+6002000000-6002ffffff\s+16 MiB\s+64-bit non-prefetchable$"));
    }

    [Fact]
    public void Json_info_gives_two_root_buses_with_busrange_cfgbar_bus_and_membar_parts()
    {
        ShellResult result = Run("--json", "info");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Contains("secondRootBus", vmd.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(0xe0, vmd.GetProperty("busStart").GetInt32());
        Assert.Equal(0xef, vmd.GetProperty("busEnd").GetInt32());
        AssertRootBuses(vmd.GetProperty("rootBuses"));
    }

    [Fact]
    public void Regs_text_decodes_both_busrange_registers_both_splits_and_bus_start_3()
    {
        ShellResult result = Run("regs");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains("  VMCONFIG (0x44) 0300", result.OutputLines);
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bits 9:8 BUS_START\s+= 3  buses start at bus e0, with a second root bus at 80$"));
        Assert.Contains("  BUSRANGE0 (0xc8) 0f00  CFGBAR buses 0-15 → root bus 0, buses e0-ef", result.OutputLines);
        Assert.Contains(result.OutputLines, l => l.StartsWith("  BUSRANGE1 (0xcc) 1f10  CFGBAR buses 16-31 → root bus 1, buses 80-8f", StringComparison.Ordinal));
        Assert.Contains("  MEMBAR1 split (0xd0) 01000000  root bus 0 +0x0 (16 MiB), root bus 1 +0x1000000 (16 MiB)", result.OutputLines);
        Assert.Contains("  MEMBAR2 split (0xd8) 0000000000800000  root bus 0 +0x2000 (8184 KiB), root bus 1 +0x800000 (8 MiB)", result.OutputLines);
        Assert.Contains("  buses    e0-ef and 80-8f (32 of 32 in CFGBAR)", result.OutputLines);
    }

    [Fact]
    public void Json_regs_gives_the_second_root_bus_registers_and_the_root_buses()
    {
        ShellResult result = Run("--json", "regs");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("mapped", vmd.GetProperty("state").GetString());
        Assert.Equal(0x300, vmd.GetProperty("vmconfig").GetProperty("value").GetInt32());
        Assert.Equal(3, vmd.GetProperty("vmconfig").GetProperty("busStartSelector").GetInt32());
        string[] names = vmd.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["busStart", "busEnd", "secondRootBus", "rootBuses"], names[Array.IndexOf(names, "busStart")..]);
        JsonElement second = vmd.GetProperty("secondRootBus");
        Assert.Equal(["busRange0", "busRange1", "memBar1Split", "memBar2Split"], second.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0x0f00, second.GetProperty("busRange0").GetInt32());
        Assert.Equal(0x1f10, second.GetProperty("busRange1").GetInt32());
        Assert.Equal(0x100_0000UL, second.GetProperty("memBar1Split").GetUInt64());
        Assert.Equal(0x80_0000UL, second.GetProperty("memBar2Split").GetUInt64());
        AssertRootBuses(vmd.GetProperty("rootBuses"));
    }

    [Fact]
    public void Json_regs_on_a_single_root_bus_vmd_has_a_null_second_root_bus()
    {
        using JsonDocument json = Shell.Run("--json", "regs").Json();

        JsonElement vmd = json.RootElement.GetProperty("vmds")[0];
        Assert.Equal(JsonValueKind.Null, vmd.GetProperty("secondRootBus").ValueKind);
        JsonElement root = Assert.Single(vmd.GetProperty("rootBuses").EnumerateArray().ToArray());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("busRange").ValueKind);
        Assert.Equal(0xe0, root.GetProperty("busStart").GetInt32());
        Assert.Equal(0xff, root.GetProperty("busEnd").GetInt32());
    }

    [Fact]
    public void Enable_text_gives_each_root_bus_its_buses_line_and_its_two_apertures()
    {
        ShellResult result = Run("enable");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(
            [
                "VMD 0000:00:0e.0 [8086:ad0b]",
                "  domain    10000",
                "  buses     root bus 0: buses e0-ef at CFGBAR buses 0-15 (BUSRANGE0 0f00); MEMBAR1 +0x0 (16 MiB), MEMBAR2 +0x2000 (8184 KiB)",
                "  MEMBAR1/0  50000000-50ffffff (16 MiB; up to the MEMBAR1 split; bus = CPU address)",
                "  MEMBAR2/0  6002002000-60027fffff (8184 KiB; from +0x2000 (the VMD's MSI-X table and PBA come first) up to the MEMBAR2 split; bus = CPU address)",
                "  buses     root bus 1: buses 80-8f at CFGBAR buses 16-31 (BUSRANGE1 1f10); MEMBAR1 +0x1000000 (16 MiB), MEMBAR2 +0x800000 (8 MiB)",
                "  MEMBAR1/1  51000000-51ffffff (16 MiB; from the MEMBAR1 split; bus = CPU address)",
                "  MEMBAR2/1  6002800000-6002ffffff (8 MiB; from the MEMBAR2 split; bus = CPU address)",
            ],
            result.OutputLines);
    }

    [Fact]
    public void Json_enable_gives_four_apertures_inside_their_bars_and_the_parts_of_a_bar_do_not_overlap()
    {
        ShellResult result = Run("--json", "enable");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("enabled", vmd.GetProperty("state").GetString());
        JsonElement[] apertures = vmd.GetProperty("apertures").EnumerateArray().ToArray();
        Assert.Equal(["MEMBAR1/0", "MEMBAR2/0", "MEMBAR1/1", "MEMBAR2/1"], apertures.Select(a => a.GetProperty("name").GetString()!));
        Assert.Equal([0, 0, 1, 1], apertures.Select(a => a.GetProperty("rootBus").GetInt32()));
        AssertAperture(apertures[0], MemBar1, 16 * MiB);
        AssertAperture(apertures[1], MemBar2 + 0x2000, (8 * MiB) - 0x2000);
        AssertAperture(apertures[2], MemBar1 + (16 * MiB), 16 * MiB);
        AssertAperture(apertures[3], MemBar2 + (8 * MiB), 8 * MiB);

        foreach ((ulong bar, ulong barSize, JsonElement low, JsonElement high) in new[]
        {
            (MemBar1, 32 * MiB, apertures[0], apertures[2]),
            (MemBar2, 16 * MiB, apertures[1], apertures[3]),
        })
        {
            ulong lowStart = low.GetProperty("address").GetUInt64();
            ulong lowEnd = lowStart + low.GetProperty("size").GetUInt64();
            ulong highStart = high.GetProperty("address").GetUInt64();
            ulong highEnd = highStart + high.GetProperty("size").GetUInt64();
            Assert.True(lowStart >= bar && lowEnd <= bar + barSize, $"{low.GetProperty("name")} is outside its BAR");
            Assert.True(highStart >= bar && highEnd <= bar + barSize, $"{high.GetProperty("name")} is outside its BAR");
            Assert.True(lowEnd <= highStart, $"{low.GetProperty("name")} overlaps {high.GetProperty("name")}");
            Assert.Equal(bar + barSize, highEnd);
        }
    }

    [Fact]
    public void Bringup_maps_enables_and_enumerates_both_root_buses_and_prints_a_drive_line_per_root_bus()
    {
        ShellResult result = Run("bringup");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains(result.OutputLines, l => l.StartsWith("[map       ] ok     0000:00:0e.0: CFGBAR 32 MiB at 6000000000, MEMBAR1 32 MiB at 50000000, MEMBAR2 16 MiB at 6002000000; buses e0-ef and 80-8f (second root bus)", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("[enable    ] ok     0000:00:0e.0: ", StringComparison.Ordinal)
            && l.EndsWith("root bus e0 gets MEMBAR1 16 MiB and MEMBAR2 8184 KiB; root bus 80 gets MEMBAR1 16 MiB and MEMBAR2 8 MiB", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("[enumerate ] ok     0000:00:0e.0: 6 functions on buses e0-e1 and 80-81, 0 without resources; fingerprint ", StringComparison.Ordinal));
        Assert.Contains("[reset     ] ok     0000:00:0e.0: domain reset, 6 of 6 functions back, fingerprint unchanged", result.OutputLines);
        Assert.Equal(
            [
                "[drive     ]        10000:81:00.0 Non-Volatile memory controller [0108]: Sandisk Corp WD Blue SN550 NVMe SSD [15b7:5009]; BAR0 at 51000000",
                "[drive     ]        10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]; BAR0 at 50000000",
            ],
            result.OutputLines.Where(l => l.StartsWith("[drive     ]", StringComparison.Ordinal)));
    }

    [Fact]
    public void Json_bringup_has_every_step_ok_and_the_same_details_as_the_text()
    {
        ShellResult text = Run("bringup");
        ShellResult jsonResult = Run("--json", "bringup");

        Assert.Equal(0, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        Assert.Equal(Machine, json.RootElement.GetProperty("machine").GetString());
        JsonElement[] steps = json.RootElement.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(["detect", "detect", "map", "enable", "enumerate", "interrupts", "reset", "hotplug", "telemetry"], steps.Select(s => s.GetProperty("step").GetString()!));
        Assert.All(steps, s => Assert.Equal("ok", s.GetProperty("status").GetString()));
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.EndsWith(steps[i].GetProperty("detail").GetString()!, text.OutputLines[i + 1], StringComparison.Ordinal);
        }

        Assert.Contains("6 functions on buses e0-e1 and 80-81", steps[4].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Irq_test_delivers_an_identify_completion_from_the_drive_on_each_root_bus()
    {
        ShellResult text = Run("irq", "--test");
        ShellResult jsonResult = Run("--json", "irq", "--test");

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(string.Empty, text.Error);
        Assert.Equal(
            [
                "identify 10000:81:00.0 via VMD vector 2: ok (completion posted, status 0, VID 15b7, delivered 1x)",
                "identify 10000:e1:00.0 via VMD vector 2: ok (completion posted, status 0, VID 144d, delivered 1x)",
            ],
            text.OutputLines.Where(l => l.StartsWith("identify ", StringComparison.Ordinal)));

        Assert.Equal(0, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        JsonElement[] tests = json.RootElement.GetProperty("tests").EnumerateArray().ToArray();
        Assert.Equal(Drives, tests.Select(t => t.GetProperty("address").GetString()!));
        Assert.All(tests, t =>
        {
            Assert.True(t.GetProperty("passed").GetBoolean());
            Assert.Equal(1, t.GetProperty("delivered").GetInt32());
            Assert.Equal(1, t.GetProperty("completions").GetInt32());
        });

        // After the test each drive keeps a vector of its own; root ports and SATA of both root buses share vector 1.
        JsonElement[] vectors = json.RootElement.GetProperty("vmds")[0].GetProperty("vectors").EnumerateArray().ToArray();
        Assert.Equal(["10000:80:17.0", "10000:80:1c.4", "10000:e0:06.0"], vectors[1].GetProperty("functions").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(["10000:81:00.0"], vectors[2].GetProperty("functions").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(["10000:e1:00.0"], vectors[3].GetProperty("functions").EnumerateArray().Select(f => f.GetString()!));
        Assert.Equal(2, vectors.Sum(v => v.GetProperty("dispatched").GetInt32()));
        Assert.All(vectors, v => Assert.Equal(0, v.GetProperty("spurious").GetInt32()));
    }

    [Fact]
    public void Reset_resets_the_root_port_of_each_root_bus_and_brings_back_all_six_functions()
    {
        ShellResult result = Run("reset");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, "^  before  6 functions, fingerprint [0-9a-f]{16}$"));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^  after   6 functions, fingerprint [0-9a-f]{16} \(same list and resources\)$"));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  secondary bus reset of 10000:80:1c.4: Completed, 10000:81:00.0 answered ", StringComparison.Ordinal));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  secondary bus reset of 10000:e0:06.0: Completed, 10000:e1:00.0 answered ", StringComparison.Ordinal));
        Assert.Equal(
            ["identify 10000:81:00.0: ok (delivered 1x)", "identify 10000:e1:00.0: ok (delivered 1x)"],
            result.OutputLines.Where(l => l.StartsWith("identify ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Json_reset_has_six_functions_before_and_after_with_nothing_lost()
    {
        ShellResult result = Run("--json", "reset");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("identical").GetBoolean());
        Assert.Equal(6, root.GetProperty("before").GetProperty("functions").GetInt32());
        Assert.Equal(6, root.GetProperty("after").GetProperty("functions").GetInt32());
        JsonElement vmd = Assert.Single(root.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.True(vmd.GetProperty("restored").GetBoolean());
        Assert.Equal(6, vmd.GetProperty("functionsAfter").GetInt32());
        Assert.Equal(vmd.GetProperty("fingerprintBefore").GetString(), vmd.GetProperty("fingerprintAfter").GetString());
        Assert.Equal(0, vmd.GetProperty("lost").GetArrayLength());
        Assert.Equal(2, vmd.GetProperty("ports").GetArrayLength());
        Assert.Equal(Drives, root.GetProperty("interruptTest").GetProperty("drives").EnumerateArray().Select(d => d.GetProperty("address").GetString()!));
        Assert.True(root.GetProperty("interruptTest").GetProperty("passed").GetBoolean());
    }

    private static void AssertRootBuses(JsonElement rootBuses)
    {
        JsonElement[] roots = rootBuses.EnumerateArray().ToArray();
        Assert.Equal(2, roots.Length);
        AssertRootBus(roots[0], 0, 0xe0, 0xef, 0, 0x0f00, 0, 16 * MiB, 0x2000, (8 * MiB) - 0x2000);
        AssertRootBus(roots[1], 1, 0x80, 0x8f, 16, 0x1f10, 0x100_0000, 16 * MiB, 0x80_0000, 8 * MiB);
    }

    private static void AssertRootBus(
        JsonElement root, int index, int busStart, int busEnd, int cfgBarBus, int busRange, ulong memBar1Offset, ulong memBar1Size, ulong memBar2Offset, ulong memBar2Size)
    {
        Assert.Equal(index, root.GetProperty("index").GetInt32());
        Assert.Equal(busStart, root.GetProperty("busStart").GetInt32());
        Assert.Equal(busEnd, root.GetProperty("busEnd").GetInt32());
        Assert.Equal(cfgBarBus, root.GetProperty("cfgBarBus").GetInt32());
        Assert.Equal(busRange, root.GetProperty("busRange").GetInt32());
        Assert.Equal(memBar1Offset, root.GetProperty("memBar1Offset").GetUInt64());
        Assert.Equal(memBar1Size, root.GetProperty("memBar1Size").GetUInt64());
        Assert.Equal(memBar2Offset, root.GetProperty("memBar2Offset").GetUInt64());
        Assert.Equal(memBar2Size, root.GetProperty("memBar2Size").GetUInt64());
    }

    private static void AssertAperture(JsonElement aperture, ulong address, ulong size)
    {
        Assert.Equal(address, aperture.GetProperty("address").GetUInt64());
        Assert.Equal(size, aperture.GetProperty("size").GetUInt64());
        Assert.Equal(address, aperture.GetProperty("busAddress").GetUInt64());
        Assert.Equal(0, aperture.GetProperty("offset").GetInt64());
    }

    private static JsonElement Port(JsonElement[] functions, string address) =>
        functions.Single(f => f.GetProperty("address").GetString() == address).GetProperty("bridge");

    /// <summary>The drive's BAR0 lies in [<paramref name="partStart"/>, <paramref name="partEnd"/>) and in its root port's memory window.</summary>
    private static void AssertBar0(JsonElement[] functions, string drive, string port, ulong partStart, ulong partEnd)
    {
        JsonElement function = functions.Single(f => f.GetProperty("address").GetString() == drive);
        Assert.True(function.GetProperty("assigned").GetBoolean(), $"{drive} is not assigned");
        JsonElement bar0 = function.GetProperty("bars").EnumerateArray().Single(b => b.GetProperty("index").GetInt32() == 0);
        ulong address = bar0.GetProperty("address").GetUInt64();
        ulong size = bar0.GetProperty("size").GetUInt64();
        Assert.True(size > 0, $"{drive}: BAR0 has size 0");
        Assert.True(address >= partStart && address + size <= partEnd, $"{drive}: BAR0 {address:x} is outside {partStart:x}-{partEnd - 1:x}");
        JsonElement window = Port(functions, port);
        Assert.True(
            address >= window.GetProperty("memoryBase").GetUInt64() && address + size - 1 <= window.GetProperty("memoryLimit").GetUInt64(),
            $"{drive}: BAR0 {address:x} is outside the window of {port}");
    }
}
