using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

/// <summary>The telemetry part of <c>vmd stats</c>: after the access counts, step 4, one error pass and each VMD's snapshot.</summary>
public sealed class StatsTelemetryTests
{
    /// <summary>Lines of one VMD's telemetry block in the text output (a heading and seven lines).</summary>
    public const int TextBlockLines = 8;

    private static readonly string[] RootKeys =
    [
        "machine", "vmds", "functions", "configReads", "configReadBacks", "configWrites", "rejectedAccesses",
        "hostConfigReads", "hostConfigWrites", "mmioReads", "mmioWrites", "telemetry",
    ];

    private static readonly string[] TelemetryKeys =
    [
        "address", "configReads", "configWrites", "configRejected", "interrupts", "spuriousInterrupts", "correctableErrors",
        "nonFatalErrors", "fatalErrors", "errorLogLines", "errorLogSuppressed", "hotPlugInserted", "hotPlugRemoved",
        "hotPlugSurpriseRemoved", "hotPlugInsertionFailed", "resets", "enumerations", "lastEnumerationTime", "totalEnumerationTime",
    ];

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    /// <summary>CFGBAR reads (read-backs included) and writes after enumeration, as docs/commands.md gives them.</summary>
    [Theory]
    [InlineData("tigerlake", 160, 42)]
    [InlineData("tigerlake-dummy", 205, 57)]
    [InlineData("alderlake", 336, 101)]
    [InlineData("meteorlake", 160, 42)]
    [InlineData("skylake-sp", 591, 201)]
    [InlineData("icelake-sp", 433, 138)]
    [InlineData("guest", 160, 42)]
    [InlineData("two-vmd", 274, 78)]
    public void The_access_counts_are_still_those_of_the_bring_up_through_enumeration(string machine, long reads, long writes)
    {
        using JsonDocument json = Shell.Run("--machine", machine, "--json", "stats").Json();

        Assert.Equal(reads, json.RootElement.GetProperty("configReads").GetInt64());
        Assert.Equal(writes, json.RootElement.GetProperty("configWrites").GetInt64());
    }

    [Fact]
    public void Tigerlake_host_and_mmio_counts_are_unchanged()
    {
        using JsonDocument json = Shell.Run("--json", "stats").Json();
        JsonElement root = json.RootElement;

        Assert.Equal(42, root.GetProperty("configReadBacks").GetInt64());
        Assert.Equal(8248, root.GetProperty("hostConfigReads").GetInt64()); // 8242 + the six BARs the first Map remembers
        Assert.Equal(14, root.GetProperty("hostConfigWrites").GetInt64());
        Assert.Equal(160, root.GetProperty("mmioReads").GetInt64());
        Assert.Equal(42, root.GetProperty("mmioWrites").GetInt64());
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Json_has_one_telemetry_object_per_vmd_after_the_existing_keys(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "stats");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(RootKeys, SlotTopology.Keys(root));
        JsonElement[] telemetry = [.. root.GetProperty("telemetry").EnumerateArray()];
        Assert.Equal(root.GetProperty("vmds").GetInt32(), telemetry.Length);
        foreach (JsonElement t in telemetry)
        {
            Assert.Equal(TelemetryKeys, SlotTopology.Keys(t));
            Assert.Matches("^0000:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$", t.GetProperty("address").GetString());
            Assert.True(t.GetProperty("configReads").GetInt64() > 0);
            Assert.True(t.GetProperty("configWrites").GetInt64() > 0);
            Assert.Equal(0, t.GetProperty("configRejected").GetInt64());
            Assert.Equal(0, t.GetProperty("spuriousInterrupts").GetInt64());
            Assert.Equal(1, t.GetProperty("enumerations").GetInt64());
            Assert.Equal(0, t.GetProperty("resets").GetInt64());
            foreach (string key in new[] { "hotPlugInserted", "hotPlugRemoved", "hotPlugSurpriseRemoved", "hotPlugInsertionFailed", "errorLogSuppressed" })
            {
                Assert.Equal(0, t.GetProperty(key).GetInt64());
            }

            long errors = t.GetProperty("correctableErrors").GetInt64() + t.GetProperty("nonFatalErrors").GetInt64() + t.GetProperty("fatalErrors").GetInt64();
            Assert.Equal(errors, t.GetProperty("errorLogLines").GetInt64()); // nothing throttled: one line per record
            Assert.Equal(machine == "skylake-sp" ? 1 : 0, t.GetProperty("nonFatalErrors").GetInt64()); // firmware's master abort on root port A
            double last = t.GetProperty("lastEnumerationTime").GetDouble();
            Assert.True(last > 0, "the enumeration took simulated time");
            Assert.Equal(last, t.GetProperty("totalEnumerationTime").GetDouble());
        }
    }

    [Fact]
    public void Text_prints_a_telemetry_block_with_the_json_values()
    {
        ShellResult text = Shell.Run("--machine", "two-vmd", "stats");
        using JsonDocument json = Shell.Run("--machine", "two-vmd", "--json", "stats").Json();

        Assert.Equal(0, text.ExitCode);
        string[] lines = text.OutputLines;
        JsonElement[] telemetry = [.. json.RootElement.GetProperty("telemetry").EnumerateArray()];
        Assert.Equal(8 + (telemetry.Length * TextBlockLines), lines.Length);
        for (int i = 0; i < telemetry.Length; i++)
        {
            JsonElement t = telemetry[i];
            string[] block = lines[(8 + (i * TextBlockLines))..(8 + ((i + 1) * TextBlockLines))];
            long N(string key) => t.GetProperty(key).GetInt64();
            string Ms(string key) => t.GetProperty(key).GetDouble().ToString("0.###", CultureInfo.InvariantCulture);
            Assert.Equal(
                new[]
                {
                    $"telemetry of VMD {t.GetProperty("address").GetString()} (after interrupt routing and one error pass):",
                    $"  config           {N("configReads")} reads, {N("configWrites")} writes, {N("configRejected")} refused",
                    $"  interrupts       {N("interrupts")} dispatched, {N("spuriousInterrupts")} spurious",
                    $"  errors           {N("correctableErrors")} correctable, {N("nonFatalErrors")} non-fatal, {N("fatalErrors")} fatal",
                    $"  error log        {N("errorLogLines")} lines, {N("errorLogSuppressed")} reports suppressed",
                    $"  hot-plug         {N("hotPlugInserted")} inserted, {N("hotPlugRemoved")} removed, {N("hotPlugSurpriseRemoved")} surprise-removed, {N("hotPlugInsertionFailed")} insertions failed",
                    $"  resets           {N("resets")}",
                    $"  enumerations     {N("enumerations")}, last {Ms("lastEnumerationTime")} ms, total {Ms("totalEnumerationTime")} ms",
                },
                block);
        }
    }

    [Fact]
    public void Without_a_vmd_the_telemetry_array_is_empty()
    {
        ShellResult result = Shell.Run("--machine", "empty", "--json", "stats");

        Assert.Equal(3, result.ExitCode);
        using JsonDocument json = result.Json();
        Assert.Equal(0, json.RootElement.GetProperty("telemetry").GetArrayLength());
    }

    [Fact]
    public void A_refused_vmd_still_gets_a_snapshot_of_zero_accesses()
    {
        ShellResult result = Shell.Run("--machine", "arrowlake-s-nofeature", "--json", "stats");

        Assert.Equal(4, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement t = Assert.Single(json.RootElement.GetProperty("telemetry").EnumerateArray().ToArray());
        Assert.Equal(0, t.GetProperty("configReads").GetInt64());
        Assert.Equal(0, t.GetProperty("enumerations").GetInt64());
    }
}
