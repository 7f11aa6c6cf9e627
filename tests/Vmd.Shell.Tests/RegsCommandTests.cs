using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

public sealed class RegsCommandTests
{
    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Regs_exits_0_and_decodes_vmcap_vmconfig_and_vmlock_for_every_vmd(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "regs");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        int vmds = result.OutputLines.Count(l => l.StartsWith("VMD ", StringComparison.Ordinal));
        Assert.True(vmds >= 1);
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("  VMCAP    (0x40) ", StringComparison.Ordinal)));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("  VMCONFIG (0x44) ", StringComparison.Ordinal)));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("  VMLOCK   (0x70) ", StringComparison.Ordinal)));
        Assert.Equal(vmds, result.OutputLines.Count(l => Regex.IsMatch(l, @"^    bit 0\s+BUS_RESTRICT_CAP\s+= [01]  ")));
        Assert.Equal(vmds, result.OutputLines.Count(l => Regex.IsMatch(l, @"^    bits 9:8 BUS_START\s+= [0-3]  ")));
    }

    [Fact]
    public void Regs_on_tigerlake_selects_bus_e0_and_says_vmlock_is_not_read()
    {
        ShellResult result = Shell.Run("regs");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  VMCAP    (0x40) 0001", result.OutputLines);
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bit 0\s+BUS_RESTRICT_CAP\s+= 1  VMCONFIG\[9:8\] selects the first bus$"));
        Assert.Contains("  VMCONFIG (0x44) 0200", result.OutputLines);
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bits 9:8 BUS_START\s+= 2  buses start at bus e0$"));
        Assert.Contains("  VMLOCK   (0x70) not read: 8086:9a0b has no MEMBAR2 shadow registers", result.OutputLines);
        Assert.Contains("  shadow   none: bus addresses equal CPU addresses", result.OutputLines);
        Assert.Contains(result.OutputLines, l => l.StartsWith("  buses    e0-ff", StringComparison.Ordinal));
    }

    [Fact]
    public void Regs_on_icelake_sp_shows_vmlock_with_mb2_shadow_enabled_on_both_vmds()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "regs");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.OutputLines.Count(l => l == "  VMLOCK   (0x70) 00000002"));
        Assert.Equal(2, result.OutputLines.Count(l => Regex.IsMatch(l, @"^    bit 1\s+MB2_SHADOW_EN\s+= 1  ")));
        Assert.Equal(2, result.OutputLines.Count(l => l.StartsWith("  shadow   from MEMBAR2+0x2000 shadow registers:", StringComparison.Ordinal)));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bits 9:8 BUS_START\s+= 1  buses start at bus 80$"));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  buses    80-9f", StringComparison.Ordinal));
    }

    [Fact]
    public void Regs_on_guest_shows_the_shdw_host_addresses_and_offsets()
    {
        ShellResult result = Shell.Run("--machine", "guest", "regs");

        // Guest MEMBAR1 0xc000_0000 - host 0x5000_0000; guest MEMBAR2 0x80_0200_0000 - host 0x60_0200_0000
        // (the SHDW value 0x60_0200_0004 with its type bits masked off).
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(
            "  shadow   from SHDW vendor capability: MEMBAR1 host 50000000 offset 70000000, MEMBAR2 host 6002000000 offset 2000000000",
            result.OutputLines);
    }

    [Fact]
    public void Regs_on_skylake_sp_ignores_vmcap_because_201d_has_no_bus_restriction()
    {
        ShellResult result = Shell.Run("--machine", "skylake-sp", "regs");

        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bit 0\s+BUS_RESTRICT_CAP\s+= 0  ignored: this ID has no bus-restriction feature$"));
        Assert.Contains(result.OutputLines, l => Regex.IsMatch(l, @"^    bits 9:8 BUS_START\s+= 0  not consulted"));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  buses    00-1f", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tigerlake", new[] { "none" })]
    [InlineData("tigerlake-dummy", new[] { "none" })]
    [InlineData("alderlake", new[] { "none" })]
    [InlineData("meteorlake", new[] { "none" })]
    [InlineData("skylake-sp", new[] { "none" })]
    [InlineData("icelake-sp", new[] { "memBar2Registers", "memBar2Registers" })]
    [InlineData("guest", new[] { "vendorCapability" })]
    [InlineData("two-vmd", new[] { "none", "none" })]
    [InlineData("arrowlake-s", new[] { "none" })]
    public void Json_regs_parses_and_reports_the_shadow_source_of_each_vmd(string machine, string[] sources)
    {
        ShellResult result = Shell.Run("--json", "--machine", machine, "regs");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement[] vmds = json.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        Assert.Equal(sources, vmds.Select(v => v.GetProperty("shadow").GetProperty("source").GetString()!).ToArray());
        Assert.All(vmds, v => Assert.Equal("mapped", v.GetProperty("state").GetString()));
    }

    [Fact]
    public void Json_regs_on_tigerlake_has_null_vmlock_and_the_decoded_registers()
    {
        ShellResult result = Shell.Run("--json", "regs");

        using JsonDocument json = result.Json();
        JsonElement vmd = json.RootElement.GetProperty("vmds")[0];
        Assert.Equal("0000:00:0e.0", vmd.GetProperty("address").GetString());
        Assert.Equal("9a0b", vmd.GetProperty("deviceId").GetString());
        Assert.Equal("10000", vmd.GetProperty("domain").GetString());
        Assert.Equal(1, vmd.GetProperty("vmcap").GetProperty("value").GetInt32());
        Assert.True(vmd.GetProperty("vmcap").GetProperty("busRestrictCap").GetBoolean());
        Assert.Equal(0x200, vmd.GetProperty("vmconfig").GetProperty("value").GetInt32());
        Assert.False(vmd.GetProperty("vmconfig").GetProperty("msiRemapDisable").GetBoolean());
        Assert.Equal(2, vmd.GetProperty("vmconfig").GetProperty("busStartSelector").GetInt32());
        Assert.Equal(JsonValueKind.Null, vmd.GetProperty("vmlock").ValueKind);
        Assert.Equal(224, vmd.GetProperty("busStart").GetInt32());
        Assert.Equal(255, vmd.GetProperty("busEnd").GetInt32());
        Assert.All(vmd.GetProperty("bars").EnumerateArray(), bar =>
            Assert.Equal(bar.GetProperty("size").GetUInt64(), bar.GetProperty("mappedLength").GetUInt64()));
    }

    [Fact]
    public void Json_regs_on_icelake_sp_reports_vmlock_shadow_enable_and_zero_offsets()
    {
        ShellResult result = Shell.Run("--json", "--machine", "icelake-sp", "regs");

        using JsonDocument json = result.Json();
        JsonElement[] vmds = json.RootElement.GetProperty("vmds").EnumerateArray().ToArray();
        Assert.Equal(2, vmds.Length);
        Assert.Equal(["10000", "10001"], vmds.Select(v => v.GetProperty("domain").GetString()!));
        Assert.Equal([0, 128], vmds.Select(v => v.GetProperty("busStart").GetInt32()));
        foreach (JsonElement vmd in vmds)
        {
            Assert.Equal(2, vmd.GetProperty("vmlock").GetProperty("value").GetInt32());
            Assert.True(vmd.GetProperty("vmlock").GetProperty("memBar2ShadowEnable").GetBoolean());
            JsonElement shadow = vmd.GetProperty("shadow");
            Assert.Equal(0, shadow.GetProperty("memBar1Offset").GetInt64());
            Assert.Equal(0, shadow.GetProperty("memBar2Offset").GetInt64());
            Assert.Equal(vmd.GetProperty("bars")[1].GetProperty("address").GetUInt64(), shadow.GetProperty("memBar1HostPhysical").GetUInt64());
            Assert.Equal(vmd.GetProperty("bars")[2].GetProperty("address").GetUInt64(), shadow.GetProperty("memBar2HostPhysical").GetUInt64());
        }
    }

    [Fact]
    public void Json_regs_on_guest_reports_host_physical_addresses_and_hex_offsets()
    {
        ShellResult result = Shell.Run("--json", "--machine", "guest", "regs");

        using JsonDocument json = result.Json();
        JsonElement shadow = json.RootElement.GetProperty("vmds")[0].GetProperty("shadow");
        Assert.Equal(0x5000_0000UL, shadow.GetProperty("memBar1HostPhysical").GetUInt64());
        Assert.Equal(0x60_0200_0000UL, shadow.GetProperty("memBar2HostPhysical").GetUInt64());
        Assert.Equal(0x7000_0000L, shadow.GetProperty("memBar1Offset").GetInt64());
        Assert.Equal(0x20_0000_0000L, shadow.GetProperty("memBar2Offset").GetInt64());
    }

    [Fact]
    public void Regs_on_empty_exits_3_with_no_vmd_on_stderr()
    {
        ShellResult result = Shell.Run("--machine", "empty", "regs");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD", result.Error, StringComparison.Ordinal);
    }
}
