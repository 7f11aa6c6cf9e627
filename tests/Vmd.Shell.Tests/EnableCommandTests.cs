using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class EnableCommandTests
{
    private const ulong MiB = 1UL << 20;

    private static readonly string[] ApertureKeys = ["name", "rootBus", "address", "size", "busAddress", "offset"];

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Fact]
    public void Enable_on_tigerlake_prints_the_domain_the_buses_and_both_apertures()
    {
        ShellResult result = Shell.Run("enable");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal(
            [
                "VMD 0000:00:0e.0 [8086:9a0b]",
                "  domain    10000",
                "  buses     e0-ff (root bus e0 at relative bus 0 of CFGBAR)",
                "  MEMBAR1   50000000-51ffffff (32 MiB; whole BAR; bus = CPU address)",
                "  MEMBAR2   6002002000-60020fffff (1016 KiB; from +0x2000: the VMD's MSI-X table and PBA come first; bus = CPU address)",
            ],
            result.OutputLines);
    }

    [Fact]
    public void Json_enable_on_tigerlake_gives_the_whole_membar1_and_membar2_after_8_KiB()
    {
        ShellResult result = Shell.Run("--json", "enable");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("0000:00:0e.0", vmd.GetProperty("address").GetString());
        Assert.Equal("10000", vmd.GetProperty("domain").GetString());
        Assert.Equal("enabled", vmd.GetProperty("state").GetString());
        Assert.Equal(0xe0, vmd.GetProperty("busStart").GetInt32());
        Assert.Equal(0xff, vmd.GetProperty("busEnd").GetInt32());
        JsonElement[] apertures = vmd.GetProperty("apertures").EnumerateArray().ToArray();
        Assert.Equal(["MEMBAR1", "MEMBAR2"], apertures.Select(a => a.GetProperty("name").GetString()!));
        Assert.Equal([0, 0], apertures.Select(a => a.GetProperty("rootBus").GetInt32()));
        AssertAperture(apertures[0], 0x5000_0000, 32 * MiB, 0);
        AssertAperture(apertures[1], 0x60_0200_2000, MiB - 0x2000, 0);
    }

    [Fact]
    public void Enable_on_icelake_sp_starts_membar2_after_the_shadow_registers_on_both_vmds()
    {
        ShellResult text = Shell.Run("--machine", "icelake-sp", "enable");
        ShellResult jsonResult = Shell.Run("--machine", "icelake-sp", "--json", "enable");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("  MEMBAR2   207ffff02010-207fffffffff (1040368 bytes; from +0x2010: the VMD's MSI-X table and PBA and shadow registers come first; bus = CPU address)", text.OutputLines);
        Assert.Contains("  MEMBAR2   2ffffff02010-2fffffffffff (1040368 bytes; from +0x2010: the VMD's MSI-X table and PBA and shadow registers come first; bus = CPU address)", text.OutputLines);

        using JsonDocument json = jsonResult.Json();
        JsonElement[] vmds = json.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        Assert.Equal(["10000", "10001"], vmds.Select(v => v.GetProperty("domain").GetString()!));
        Assert.Equal([0x00, 0x80], vmds.Select(v => v.GetProperty("busStart").GetInt32()));
        Assert.Equal([0x1f, 0x9f], vmds.Select(v => v.GetProperty("busEnd").GetInt32()));
        ulong[] memBar1 = [0xc400_0000, 0xe600_0000];
        ulong[] memBar2 = [0x207f_fff0_0000, 0x2fff_fff0_0000];
        for (int i = 0; i < vmds.Length; i++)
        {
            JsonElement[] apertures = vmds[i].GetProperty("apertures").EnumerateArray().ToArray();
            AssertAperture(apertures[0], memBar1[i], 32 * MiB, 0);
            AssertAperture(apertures[1], memBar2[i] + 0x2010, MiB - 0x2010, 0);
        }
    }

    [Fact]
    public void Enable_on_meteorlake_hands_out_16_MiB_of_membar1_and_16_MiB_less_8_KiB_of_membar2()
    {
        ShellResult result = Shell.Run("--machine", "meteorlake", "--json", "enable");

        using JsonDocument json = result.Json();
        JsonElement[] apertures = json.RootElement.GetProperty("vmds")[0].GetProperty("apertures").EnumerateArray().ToArray();
        AssertAperture(apertures[0], 0x5000_0000, 16 * MiB, 0);
        AssertAperture(apertures[1], 0x60_0300_2000, (16 * MiB) - 0x2000, 0);
    }

    [Fact]
    public void Enable_on_guest_shows_the_bus_addresses_and_non_zero_offsets_from_the_shdw_capability()
    {
        ShellResult text = Shell.Run("--machine", "guest", "enable");
        ShellResult jsonResult = Shell.Run("--machine", "guest", "--json", "enable");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("  MEMBAR1   c0000000-c1ffffff (32 MiB; whole BAR; bus 50000000-51ffffff, offset 70000000)", text.OutputLines);
        Assert.Contains("  MEMBAR2   8002002000-80020fffff (1016 KiB; from +0x2000: the VMD's MSI-X table and PBA come first; bus 6002002000-60020fffff, offset 2000000000)", text.OutputLines);

        using JsonDocument json = jsonResult.Json();
        JsonElement[] apertures = json.RootElement.GetProperty("vmds")[0].GetProperty("apertures").EnumerateArray().ToArray();
        AssertAperture(apertures[0], 0xc000_0000, 32 * MiB, 0x7000_0000);
        AssertAperture(apertures[1], 0x80_0200_2000, MiB - 0x2000, 0x20_0000_0000);
        Assert.Equal(0x5000_0000UL, apertures[0].GetProperty("busAddress").GetUInt64());
        Assert.Equal(0x60_0200_2000UL, apertures[1].GetProperty("busAddress").GetUInt64());
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_enable_parses_on_every_machine_with_two_apertures_per_root_bus_inside_their_bars(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "enable");
        ShellResult info = Shell.Run("--machine", machine, "--json", "info");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        using JsonDocument infoJson = info.Json();
        JsonElement[] vmds = json.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        JsonElement[] infoVmds = infoJson.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        Assert.Equal(infoVmds.Length, vmds.Length);
        for (int i = 0; i < vmds.Length; i++)
        {
            Assert.Equal(infoVmds[i].GetProperty("address").GetString(), vmds[i].GetProperty("address").GetString());
            Assert.Equal(infoVmds[i].GetProperty("domain").GetString(), vmds[i].GetProperty("domain").GetString());
            Assert.Equal("enabled", vmds[i].GetProperty("state").GetString());
            JsonElement[] rootBuses = infoVmds[i].GetProperty("rootBuses").EnumerateArray().ToArray();
            JsonElement[] apertures = vmds[i].GetProperty("apertures").EnumerateArray().ToArray();

            // One MEMBAR1 and one MEMBAR2 aperture per root bus: "MEMBAR1", "MEMBAR2" with one root bus,
            // "MEMBAR1/0", "MEMBAR2/0", "MEMBAR1/1", "MEMBAR2/1" with a second root bus.
            string[] names = rootBuses.Length == 1
                ? ["MEMBAR1", "MEMBAR2"]
                : rootBuses.SelectMany(r => new[] { $"MEMBAR1/{r.GetProperty("index").GetInt32()}", $"MEMBAR2/{r.GetProperty("index").GetInt32()}" }).ToArray();
            Assert.Equal(names, apertures.Select(a => a.GetProperty("name").GetString()!));
            foreach (JsonElement aperture in apertures)
            {
                Assert.Equal(ApertureKeys, aperture.EnumerateObject().Select(p => p.Name));
                string name = aperture.GetProperty("name").GetString()!;
                string role = name.Split('/')[0];
                int rootBus = aperture.GetProperty("rootBus").GetInt32();
                JsonElement root = rootBuses.Single(r => r.GetProperty("index").GetInt32() == rootBus);
                JsonElement bar = infoVmds[i].GetProperty("bars").EnumerateArray().Single(b => b.GetProperty("role").GetString() == role);
                ulong barStart = bar.GetProperty("address").GetUInt64();
                ulong barEnd = barStart + bar.GetProperty("size").GetUInt64();
                ulong start = aperture.GetProperty("address").GetUInt64();
                ulong size = aperture.GetProperty("size").GetUInt64();
                Assert.True(size > 0, $"{name} is empty");
                Assert.InRange(start, barStart, barEnd - 1);
                Assert.InRange(start + size, start + 1, barEnd);

                // The aperture is the part of the BAR that info gives its root bus.
                string part = role == "MEMBAR1" ? "memBar1" : "memBar2";
                Assert.Equal(barStart + root.GetProperty(part + "Offset").GetUInt64(), start);
                Assert.Equal(root.GetProperty(part + "Size").GetUInt64(), size);
                Assert.Equal(start - (ulong)aperture.GetProperty("offset").GetInt64(), aperture.GetProperty("busAddress").GetUInt64());
            }

            // The apertures of one BAR do not overlap, and together they end where the BAR ends.
            foreach (IGrouping<string, JsonElement> sameBar in apertures.GroupBy(a => a.GetProperty("name").GetString()!.Split('/')[0]))
            {
                JsonElement bar = infoVmds[i].GetProperty("bars").EnumerateArray().Single(b => b.GetProperty("role").GetString() == sameBar.Key);
                ulong barEnd = bar.GetProperty("address").GetUInt64() + bar.GetProperty("size").GetUInt64();
                JsonElement[] parts = sameBar.OrderBy(a => a.GetProperty("address").GetUInt64()).ToArray();
                Assert.Equal(rootBuses.Length, parts.Length);
                for (int p = 1; p < parts.Length; p++)
                {
                    ulong previousEnd = parts[p - 1].GetProperty("address").GetUInt64() + parts[p - 1].GetProperty("size").GetUInt64();
                    Assert.True(parts[p].GetProperty("address").GetUInt64() >= previousEnd, $"{parts[p].GetProperty("name")} overlaps {parts[p - 1].GetProperty("name")}");
                }

                Assert.Equal(barEnd, parts[^1].GetProperty("address").GetUInt64() + parts[^1].GetProperty("size").GetUInt64());
            }
        }
    }

    [Fact]
    public void Enable_on_empty_exits_3_with_nothing_on_stdout()
    {
        ShellResult text = Shell.Run("--machine", "empty", "enable");
        ShellResult jsonResult = Shell.Run("--machine", "empty", "--json", "enable");

        Assert.Equal(3, text.ExitCode);
        Assert.Equal(string.Empty, text.Output);
        Assert.Contains("no VMD", text.Error, StringComparison.Ordinal);
        Assert.Equal(3, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        Assert.Empty(json.RootElement.GetProperty("vmds").EnumerateArray());
    }

    [Theory]
    [InlineData("extra", "'enable' takes no arguments, but got 'extra'")]
    [InlineData("-v", "unknown option '-v' for 'enable'")]
    public void Enable_with_an_argument_exits_2_naming_it(string argument, string message)
    {
        ShellResult result = Shell.Run("enable", argument);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    private static void AssertAperture(JsonElement aperture, ulong address, ulong size, long offset)
    {
        Assert.Equal(address, aperture.GetProperty("address").GetUInt64());
        Assert.Equal(size, aperture.GetProperty("size").GetUInt64());
        Assert.Equal(offset, aperture.GetProperty("offset").GetInt64());
        Assert.Equal(unchecked(address - (ulong)offset), aperture.GetProperty("busAddress").GetUInt64());
    }
}
