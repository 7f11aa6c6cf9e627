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
    [InlineData("arrowlake-s", 2)]
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
    public void Json_reset_has_the_documented_shape_and_equal_fingerprints()
    {
        ShellResult result = Shell.Run("--json", "--machine", "alderlake", "reset");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(root.GetProperty("before").GetProperty("fingerprint").GetString(), root.GetProperty("after").GetProperty("fingerprint").GetString());
        Assert.Equal(5, root.GetProperty("before").GetProperty("functions").GetInt32());
        Assert.Equal(5, root.GetProperty("after").GetProperty("functions").GetInt32());
        Assert.True(root.GetProperty("identical").GetBoolean());
        JsonElement interrupts = root.GetProperty("interruptTest");
        Assert.True(interrupts.GetProperty("passed").GetBoolean());
        Assert.Equal(2, interrupts.GetProperty("drives").GetArrayLength());
        Assert.All(interrupts.GetProperty("drives").EnumerateArray(), d => Assert.Equal(1, d.GetProperty("delivered").GetInt32()));
        Assert.Equal(100, root.GetProperty("waits").GetProperty("resetRecoveryMs").GetDouble());
        JsonElement vmd = Assert.Single(root.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.True(vmd.GetProperty("restored").GetBoolean());
        Assert.Equal(0, vmd.GetProperty("lost").GetArrayLength());
    }

    [Fact]
    public void Reset_on_empty_exits_3()
    {
        ShellResult result = Shell.Run("--machine", "empty", "reset");

        Assert.Equal(3, result.ExitCode);
    }
}
