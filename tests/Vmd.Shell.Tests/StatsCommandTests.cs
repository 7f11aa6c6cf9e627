using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class StatsCommandTests
{
    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_stats_counts_config_reads_and_writes_through_cfgbar(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "stats");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(machine, root.GetProperty("machine").GetString());
        long reads = root.GetProperty("configReads").GetInt64();
        long writes = root.GetProperty("configWrites").GetInt64();
        Assert.True(writes > 0, $"configWrites {writes}");
        Assert.True(reads >= writes, $"configReads {reads} < configWrites {writes}");
        Assert.InRange(root.GetProperty("configReadBacks").GetInt64(), 0, reads);
        Assert.Equal(0, root.GetProperty("rejectedAccesses").GetInt64());
        Assert.True(root.GetProperty("mmioReads").GetInt64() >= reads, "CFGBAR reads are MMIO reads");
        Assert.True(root.GetProperty("mmioWrites").GetInt64() >= writes, "CFGBAR writes are MMIO writes");
        Assert.True(root.GetProperty("hostConfigReads").GetInt64() > 0);
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_stats_is_the_same_on_two_runs(string machine)
    {
        ShellResult first = Shell.Run("--machine", machine, "--json", "stats");
        ShellResult second = Shell.Run("--machine", machine, "--json", "stats");

        Assert.Equal(first.Output, second.Output);
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_stats_counts_the_vmds_and_the_functions_lspci_lists_behind_them(string machine)
    {
        using JsonDocument stats = Shell.Run("--machine", machine, "--json", "stats").Json();
        using JsonDocument lspci = Shell.Run("--machine", machine, "--json", "lspci").Json();

        int behind = lspci.RootElement.GetProperty("functions").EnumerateArray()
            .Count(f => !f.GetProperty("address").GetString()!.StartsWith("0000:", StringComparison.Ordinal));
        Assert.Equal(behind, stats.RootElement.GetProperty("functions").GetInt32());
        Assert.Equal(lspci.RootElement.GetProperty("fingerprints").GetArrayLength(), stats.RootElement.GetProperty("vmds").GetInt32());
    }

    [Fact]
    public void Stats_text_shows_the_same_numbers_as_the_json()
    {
        ShellResult text = Shell.Run("stats");
        using JsonDocument json = Shell.Run("--json", "stats").Json();
        JsonElement root = json.RootElement;

        Assert.Equal(0, text.ExitCode);
        string[] lines = text.OutputLines;
        Assert.Equal(8 + StatsTelemetryTests.TextBlockLines, lines.Length); // the eight lines, then tigerlake's telemetry block
        Assert.Equal("machine            tigerlake", lines[0]);
        Assert.Equal("VMDs               1", lines[1]);
        Assert.Equal("functions behind   2", lines[2]);
        Assert.Equal($"CFGBAR reads       {root.GetProperty("configReads").GetInt64()} ({root.GetProperty("configReadBacks").GetInt64()} of them read-backs after writes)", lines[3]);
        Assert.Equal($"CFGBAR writes      {root.GetProperty("configWrites").GetInt64()}", lines[4]);
        Assert.Equal("refused accesses   0 (outside the domain, never sent)", lines[5]);
        Assert.Equal($"host config reads  {root.GetProperty("hostConfigReads").GetInt64()}, writes {root.GetProperty("hostConfigWrites").GetInt64()}", lines[6]);
        Assert.Equal($"MMIO reads         {root.GetProperty("mmioReads").GetInt64()}, writes {root.GetProperty("mmioWrites").GetInt64()} (CFGBAR accesses included)", lines[7]);
    }

    [Fact]
    public void Stats_on_empty_exits_3_with_no_cfgbar_access()
    {
        ShellResult result = Shell.Run("--machine", "empty", "--json", "stats");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD", result.Error, StringComparison.Ordinal);
        using JsonDocument json = result.Json();
        Assert.Equal(0, json.RootElement.GetProperty("vmds").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("configReads").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("configWrites").GetInt64());
    }

    [Theory]
    [InlineData("extra", "'stats' takes no arguments, but got 'extra'")]
    [InlineData("-v", "unknown option '-v' for 'stats'")]
    public void Stats_with_an_argument_exits_2_naming_it(string argument, string message)
    {
        ShellResult result = Shell.Run("stats", argument);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
