using System;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class ResetCommandTests
{
    [Theory]
    [InlineData("tigerlake", 1)]
    [InlineData("alderlake", 2)]
    [InlineData("skylake-sp", 3)]
    [InlineData("icelake-sp", 3)]
    public void Reset_brings_back_the_same_domain_and_every_drive_answers(string machine, int drives)
    {
        ShellResult result = Shell.Run("--machine", machine, "reset");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.All(result.OutputLines.Where(l => l.StartsWith("  after ", StringComparison.Ordinal)),
            l => Assert.EndsWith("(same list and resources)", l, StringComparison.Ordinal));
        Assert.Equal(drives, result.OutputLines.Count(l => l.StartsWith("identify ", StringComparison.Ordinal) && l.EndsWith(": ok (delivered 1x)", StringComparison.Ordinal)));
        Assert.Contains(result.OutputLines, l => l.StartsWith("  secondary bus reset of 10000:", StringComparison.Ordinal) && l.Contains("Completed", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_reset_reports_equal_fingerprints()
    {
        ShellResult result = Shell.Run("--json", "--machine", "alderlake", "reset");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal(vmd.GetProperty("fingerprintBefore").GetString(), vmd.GetProperty("fingerprintAfter").GetString());
        Assert.True(vmd.GetProperty("restored").GetBoolean());
        Assert.Equal(0, vmd.GetProperty("lost").GetArrayLength());
        Assert.All(json.RootElement.GetProperty("tests").EnumerateArray(), t => Assert.Equal(1, t.GetProperty("delivered").GetInt32()));
    }

    [Fact]
    public void Reset_on_empty_exits_3()
    {
        ShellResult result = Shell.Run("--machine", "empty", "reset");

        Assert.Equal(3, result.ExitCode);
    }
}
