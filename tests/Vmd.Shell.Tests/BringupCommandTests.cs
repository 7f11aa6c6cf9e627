using System;
using System.Collections.Generic;
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
        Assert.Equal(11, lines.Length);
        Assert.StartsWith("[detect    ] ok     scanned ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(": 1 VMD", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("[detect    ] ok     0000:00:0e.0 is Intel VMD 9a0b", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("its private domain will be 10000", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("[map       ] ok     0000:00:0e.0: CFGBAR 32 MiB at 6000000000, MEMBAR1 32 MiB at 50000000, MEMBAR2 1 MiB at 6002000000; buses e0-ff", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("[enable    ] ok     0000:00:0e.0: memory decode and bus mastering on", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("[enumerate ] ok     0000:00:0e.0: 2 functions on buses e0-e1, 0 without resources", lines[5], StringComparison.Ordinal);
        Assert.Equal("[interrupts] ok     0000:00:0e.0: remapped, 19 VMD vectors with host vectors; NVMe queues get vectors 2-18, other functions share 1", lines[6]);
        Assert.Equal("[reset     ] ok     0000:00:0e.0: domain reset, 2 of 2 functions back, fingerprint unchanged", lines[7]);
        Assert.Equal("[hotplug   ] ok     0000:00:0e.0: no hot-plug slots", lines[8]);
        Assert.Matches(@"^\[telemetry \] ok     0000:00:0e\.0: error reporting on, 0 error record\(s\) found; \d+ config reads and \d+ writes through CFGBAR, \d+ interrupts dispatched$", lines[9]);
        Assert.Equal("[drive     ]        10000:e1:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO [144d:a80a]; BAR0 at 50000000", lines[10]);
        Assert.All(lines[1..], l => Assert.Matches(@"^\[[a-z ]{10}\] ", l));
    }

    [Fact]
    public void Bringup_on_icelake_sp_prints_a_detect_and_a_map_line_for_each_of_its_two_vmds()
    {
        ShellResult result = Shell.Run("--machine", "icelake-sp", "bringup");

        Assert.Equal(0, result.ExitCode);
        string[] map = result.OutputLines.Where(l => l.StartsWith("[map       ] ok", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, map.Length);
        Assert.Contains("0000:64:00.5: ", map[0], StringComparison.Ordinal);
        Assert.Contains("buses 00-1f", map[0], StringComparison.Ordinal);
        Assert.Contains("0000:b2:00.5: ", map[1], StringComparison.Ordinal);
        Assert.Contains("buses 80-9f", map[1], StringComparison.Ordinal);
        Assert.Equal(3, result.OutputLines.Count(l => l.StartsWith("[detect    ] ok", StringComparison.Ordinal)));
    }

    [Fact]
    public void Bringup_on_guest_reports_the_shdw_host_addresses()
    {
        ShellResult result = Shell.Run("--machine", "guest", "bringup");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith("[map       ] ok", StringComparison.Ordinal)
            && l.EndsWith("guest: SHDW capability gives host-physical MEMBAR1 50000000, MEMBAR2 6002000000", StringComparison.Ordinal));
    }

    [Fact]
    public void Bringup_on_empty_exits_3_with_no_vmd_on_stderr()
    {
        ShellResult result = Shell.Run("--machine", "empty", "bringup");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.OutputLines, l => l.StartsWith("[detect    ] none", StringComparison.Ordinal) && l.EndsWith(": no VMD", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("[map", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("[interrupts", StringComparison.Ordinal));
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
        Assert.Equal(["detect", "detect", "map", "enable", "enumerate", "interrupts", "reset", "hotplug", "telemetry"], steps.Select(s => s.GetProperty("step").GetString()!));
        Assert.All(steps, s => Assert.Equal("ok", s.GetProperty("status").GetString()));
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.EndsWith(steps[i].GetProperty("detail").GetString()!, text.OutputLines[i + 1], StringComparison.Ordinal);
        }

        Assert.False(json.RootElement.TryGetProperty("notYet", out _), "every roadmap step runs now");
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

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Bringup_exits_0_on_every_machine_with_a_vmd_and_prints_a_drive_line_per_nvme(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "bringup");
        using JsonDocument lspci = Shell.Run("--machine", machine, "--json", "lspci").Json();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] drives = lspci.RootElement.GetProperty("functions").EnumerateArray()
            .Where(f => f.GetProperty("classCode").GetString() == "010802" && !f.GetProperty("address").GetString()!.StartsWith("0000:", StringComparison.Ordinal))
            .Select(f => f.GetProperty("address").GetString()!)
            .ToArray();
        string[] driveLines = result.OutputLines.Where(l => l.StartsWith("[drive     ]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(LspciCommandTests.NvmeDrives[machine], driveLines.Length);
        Assert.Equal(drives, driveLines.Select(l => l["[drive     ]        ".Length..].Split(' ')[0]));
        Assert.All(driveLines, l => Assert.Matches(@"; BAR0 at [0-9a-f]+$", l));
        int vmds = result.OutputLines.Count(l => l.StartsWith("[detect    ] ok     0000:", StringComparison.Ordinal));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("[enumerate ] ok ", StringComparison.Ordinal)));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("[interrupts] ok ", StringComparison.Ordinal)));
        Assert.All(
            result.OutputLines.Where(l => l.StartsWith("[map", StringComparison.Ordinal) || l.StartsWith("[enable", StringComparison.Ordinal) || l.StartsWith("[enumerate", StringComparison.Ordinal) || l.StartsWith("[interrupts", StringComparison.Ordinal)),
            l => Assert.Contains("] ok ", l, StringComparison.Ordinal));
        Assert.All(
            result.OutputLines.Where(l => l.StartsWith("[interrupts]", StringComparison.Ordinal)),
            l => Assert.Matches(@"^\[interrupts\] ok     [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]: remapped, 19 VMD vectors with host vectors; NVMe queues get vectors [12]-18, other functions share [01]$", l));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("[hotplug   ] ok ", StringComparison.Ordinal)));
        Assert.Equal(vmds, result.OutputLines.Count(l => l.StartsWith("[telemetry ] ok ", StringComparison.Ordinal)));
        Assert.StartsWith("[drive     ]", result.OutputLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Bringup_on_skylake_sp_lists_the_three_drives_behind_the_switch_and_root_port_c()
    {
        ShellResult result = Shell.Run("--machine", "skylake-sp", "bringup");

        Assert.Contains(result.OutputLines, l => l.StartsWith("[enumerate ] ok     0000:5d:05.5: 10 functions on buses 00-", StringComparison.Ordinal) && l.Contains(", 0 without resources; fingerprint ", StringComparison.Ordinal));
        string[] drives = result.OutputLines.Where(l => l.StartsWith("[drive     ]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, drives.Length);
        Assert.All(drives, l => Assert.Contains("[8086:0a54]; BAR0 at aa", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Bringup_on_guest_gives_the_drive_its_guest_physical_bar()
    {
        ShellResult result = Shell.Run("--machine", "guest", "bringup");

        string drive = Assert.Single(result.OutputLines, l => l.StartsWith("[drive     ]", StringComparison.Ordinal));
        Assert.EndsWith("[144d:a80a]; BAR0 at c0000000", drive, StringComparison.Ordinal);
    }

    [Fact]
    public void Bringup_fingerprint_in_json_matches_the_enumerate_line()
    {
        ShellResult text = Shell.Run("--machine", "two-vmd", "bringup");
        using JsonDocument json = Shell.Run("--machine", "two-vmd", "--json", "bringup").Json();

        string[] enumerate = text.OutputLines.Where(l => l.StartsWith("[enumerate ] ok ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, enumerate.Length);
        Assert.All(enumerate, l => Assert.Matches(@"; fingerprint [0-9a-f]{16}$", l));
        Assert.NotEqual(enumerate[0][^16..], enumerate[1][^16..]);
        Assert.Matches("^[0-9a-f]{16}$", json.RootElement.GetProperty("fingerprint").GetString()!);
    }

    [Theory]
    [InlineData("tigerlake", "2-18, other functions share 1")]
    [InlineData("tigerlake-dummy", "2-18, other functions share 1")]
    [InlineData("alderlake", "2-18, other functions share 1")]
    [InlineData("meteorlake", "2-18, other functions share 1")]
    [InlineData("guest", "2-18, other functions share 1")]
    [InlineData("skylake-sp", "1-18, other functions share 0")]
    [InlineData("icelake-sp", "1-18, other functions share 0")]
    [InlineData("two-vmd", "1-18, other functions share 0")]
    [InlineData("arrowlake-s", "2-18, other functions share 1")]
    public void Bringup_interrupts_line_follows_each_enumerate_line_and_names_the_vector_split(string machine, string split)
    {
        ShellResult result = Shell.Run("--machine", machine, "bringup");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.OutputLines;
        int[] enumerate = Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith("[enumerate ] ok ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(enumerate);
        foreach (int i in enumerate)
        {
            string detail = lines[i]["[enumerate ] ok     ".Length..];
            string address = detail[..detail.IndexOf(": ", StringComparison.Ordinal)];
            Assert.Equal($"[interrupts] ok     {address}: remapped, 19 VMD vectors with host vectors; NVMe queues get vectors {split}", lines[i + 1]);
        }
    }

    [Fact]
    public void Json_bringup_has_an_interrupts_step_per_vmd()
    {
        using JsonDocument json = Shell.Run("--machine", "icelake-sp", "--json", "bringup").Json();

        JsonElement[] interrupts = json.RootElement.GetProperty("steps").EnumerateArray()
            .Where(s => s.GetProperty("step").GetString() == "interrupts").ToArray();
        Assert.Equal(2, interrupts.Length);
        Assert.All(interrupts, s => Assert.Equal("ok", s.GetProperty("status").GetString()));
        Assert.StartsWith("0000:64:00.5: remapped", interrupts[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("0000:b2:00.5: remapped", interrupts[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
