using System;

namespace Vmd.Shell.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Unknown_machine_exits_2_and_lists_machines()
    {
        ShellResult result = Shell.Run("--machine", "nosuch", "info");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("unknown machine 'nosuch'", result.Error, StringComparison.Ordinal);
        foreach (string machine in Shell.AllMachines)
        {
            Assert.Contains("  " + machine + " ", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Machine_names_are_case_sensitive()
    {
        ShellResult result = Shell.Run("--machine", "TigerLake", "info");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown machine 'TigerLake'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--machine", "icelake-sp", "info")]
    [InlineData("-m", "icelake-sp", "info")]
    [InlineData("--machine=icelake-sp", "info")]
    [InlineData("info", "--machine", "icelake-sp")]
    [InlineData("--machine", "tigerlake", "--machine", "icelake-sp", "info")]
    public void Machine_option_spellings_and_positions_select_the_machine(params string[] args)
    {
        ShellResult result = Shell.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("VMD 0000:b2:00.5 [8086:28c0]", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("-")]
    public void Unknown_command_exits_2_naming_it(string command)
    {
        ShellResult result = Shell.Run(command);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains($"unknown command '{command}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("the commands are bringup, info, regs, enable, lspci, stats, irq, reset, hotplug, led, errors, dump, machines\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("-x")]
    [InlineData("--")]
    public void Unknown_option_exits_2_naming_it(string option)
    {
        ShellResult result = Shell.Run(option, "info");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains($"unknown option '{option}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("vmd --help", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--machine")]
    [InlineData("-m")]
    [InlineData("info", "--machine")]
    [InlineData("--machine", "--json", "info")]
    [InlineData("--machine=", "info")]
    public void Machine_option_without_a_value_exits_2(params string[] args)
    {
        ShellResult result = Shell.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("needs a machine name", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("regs")]
    [InlineData("bringup")]
    public void Command_with_an_extra_argument_exits_2_naming_it(string command)
    {
        ShellResult result = Shell.Run(command, "extra");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains($"'{command}' takes no arguments, but got 'extra'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_after_the_command_exits_2_naming_it()
    {
        ShellResult result = Shell.Run("info", "--bogus");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("'--bogus'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--json")]
    [InlineData("--machine", "icelake-sp")]
    public void No_command_exits_2_with_usage_on_stderr(params string[] args)
    {
        ShellResult result = Shell.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.StartsWith("usage: vmd ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("info", "--help")]
    [InlineData("--machine", "nosuch", "--help")]
    public void Help_exits_0_with_usage_on_stdout(params string[] args)
    {
        ShellResult result = Shell.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.StartsWith("usage: vmd [--machine NAME | --dump FILE] [--json] [--verbose] <command>", result.Output, StringComparison.Ordinal);
        foreach (string word in new[] { "bringup", "info", "regs", "machines", "--machine NAME", "--json", "--verbose", "--help" })
        {
            Assert.Contains(word, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains("exit codes: 0 ok, 1 internal error, 2 usage error or unknown machine, 3 no VMD found, 4 a step failed", result.Output, StringComparison.Ordinal);
    }
}
