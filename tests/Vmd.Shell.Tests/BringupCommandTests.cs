using System;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class BringupCommandTests
{
    [Fact]
    public void Bringup_on_the_default_machine_prints_one_line_per_step_and_exits_0()
    {
        ShellResult result = Shell.Run("bringup");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] lines = result.OutputLines;
        Assert.StartsWith("vmd: simulated machine 'tigerlake': ", lines[0], StringComparison.Ordinal);
        Assert.Equal(8, lines.Length);
        Assert.StartsWith("[detect   ] ok     scanned ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(": 1 VMD", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("[detect   ] ok     0000:00:0e.0 is Intel VMD 9a0b", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("its private domain will be 10000", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("[map      ] ok     0000:00:0e.0: CFGBAR 32 MiB at 6000000000, MEMBAR1 32 MiB at 50000000, MEMBAR2 1 MiB at 6002000000; buses e0-ff", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("[enable   ] ok     0000:00:0e.0: memory decode and bus mastering on", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("[enumerate] ok     0000:00:0e.0: 2 functions on buses e0-e1, 0 without resources", lines[5], StringComparison.Ordinal);
        Assert.Equal("[drive    ]        10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]; BAR0 at 50000000", lines[6]);
        Assert.StartsWith("[later    ]", lines[7], StringComparison.Ordinal);
    }

    [Fact]
    public void Bringup_on_icelake_sp_prints_a_detect_and_a_map_line_for_each_of_its_two_vmds()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "bringup");

        Assert.Equal(0, result.ExitCode);
        string[] map = result.OutputLines.Where(l => l.StartsWith("[map      ] ok", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, map.Length);
        Assert.Contains("0000:64:00.5: ", map[0], StringComparison.Ordinal);
        Assert.Contains("buses 00-1f", map[0], StringComparison.Ordinal);
        Assert.Contains("0000:b2:00.5: ", map[1], StringComparison.Ordinal);
        Assert.Contains("buses 80-9f", map[1], StringComparison.Ordinal);
        Assert.Equal(3, result.OutputLines.Count(l => l.StartsWith("[detect   ] ok", StringComparison.Ordinal)));
    }

    [Fact]
    public void Bringup_on_guest_reports_the_shdw_host_addresses()
    {
        ShellResult result = Shell.Run("--machine", "guest", "bringup");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith("[map      ] ok", StringComparison.Ordinal)
            && l.EndsWith("guest: SHDW capability gives host-physical MEMBAR1 50000000, MEMBAR2 6002000000", StringComparison.Ordinal));
    }

    [Fact]
    public void Bringup_on_empty_exits_3_with_no_vmd_on_stderr()
    {
        ShellResult result = Shell.Run("--machine", "empty", "bringup");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.OutputLines, l => l.StartsWith("[detect   ] none", StringComparison.Ordinal) && l.EndsWith(": no VMD", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("[map", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_bringup_lists_the_same_steps_as_the_text()
    {
        ShellResult text = Shell.Run("bringup");
        ShellResult jsonResult = Shell.Run("--json", "bringup");

        Assert.Equal(0, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        Assert.Equal("tigerlake", json.RootElement.GetProperty("machine").GetString());
        JsonElement[] steps = json.RootElement.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(["detect", "detect", "map", "enable", "enumerate"], steps.Select(s => s.GetProperty("step").GetString()!));
        Assert.All(steps, s => Assert.Equal("ok", s.GetProperty("status").GetString()));
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.EndsWith(steps[i].GetProperty("detail").GetString()!, text.OutputLines[i + 1], StringComparison.Ordinal);
        }

        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("notYet").GetString()));
    }

    [Fact]
    public void Json_bringup_on_empty_exits_3_and_reports_detect_none()
    {
        ShellResult result = Shell.Run("--json", "--machine", "empty", "bringup");

        Assert.Equal(3, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement step = Assert.Single(json.RootElement.GetProperty("steps").EnumerateArray().ToArray());
        Assert.Equal("none", step.GetProperty("status").GetString());
    }
}
