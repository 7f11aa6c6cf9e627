using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class MachinesCommandTests
{
    [Fact]
    public void Machines_lists_all_eleven_machines_one_per_line_in_catalog_order()
    {
        ShellResult result = Shell.Run("machines");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] names = result.OutputLines.Select(line => line.Trim().Split(' ')[0]).ToArray();
        Assert.Equal(Shell.AllMachines, names);
    }

    [Fact]
    public void Machines_marks_tigerlake_and_only_tigerlake_as_default()
    {
        ShellResult result = Shell.Run("machines");

        string[] marked = result.OutputLines.Where(line => line.EndsWith("(default)", System.StringComparison.Ordinal)).ToArray();
        string only = Assert.Single(marked);
        Assert.StartsWith("  tigerlake ", only, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Machines_gives_each_machine_a_description()
    {
        ShellResult result = Shell.Run("machines");

        foreach (string line in result.OutputLines)
        {
            string[] parts = line.Trim().Split(' ', 2);
            Assert.Equal(2, parts.Length);
            Assert.False(string.IsNullOrWhiteSpace(parts[1]), line);
        }
    }

    [Fact]
    public void Json_machines_parses_with_the_default_and_every_name_and_description()
    {
        ShellResult result = Shell.Run("--json", "machines");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal("tigerlake", root.GetProperty("default").GetString());
        var names = new List<string>();
        foreach (JsonElement machine in root.GetProperty("machines").EnumerateArray())
        {
            names.Add(machine.GetProperty("name").GetString()!);
            Assert.False(string.IsNullOrWhiteSpace(machine.GetProperty("description").GetString()));
        }

        Assert.Equal(Shell.AllMachines, names);
    }

    [Fact]
    public void Json_machines_descriptions_match_the_text_listing()
    {
        ShellResult text = Shell.Run("machines");
        ShellResult jsonResult = Shell.Run("--json", "machines");

        using JsonDocument json = jsonResult.Json();
        JsonElement[] machines = json.RootElement.GetProperty("machines").EnumerateArray().ToArray();
        Assert.Equal(text.OutputLines.Length, machines.Length);
        for (int i = 0; i < machines.Length; i++)
        {
            Assert.Contains(machines[i].GetProperty("description").GetString()!, text.OutputLines[i], System.StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Json_option_works_after_the_command_too()
    {
        ShellResult result = Shell.Run("machines", "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        Assert.Equal(11, json.RootElement.GetProperty("machines").GetArrayLength());
    }

    [Fact]
    public void Machines_with_an_extra_argument_exits_2()
    {
        ShellResult result = Shell.Run("machines", "extra");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'extra'", result.Error, System.StringComparison.Ordinal);
    }
}
