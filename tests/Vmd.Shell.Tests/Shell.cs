using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace Vmd.Shell.Tests;

/// <summary>What one in-process run of <c>vmd</c> produced.</summary>
internal sealed record ShellResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output split into lines (no trailing empty line).</summary>
    public string[] OutputLines => Output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Standard output parsed as JSON (the test fails if it is not JSON).</summary>
    public JsonDocument Json() => JsonDocument.Parse(Output);
}

/// <summary>Runs the shell in-process with string writers and a FakeTimeProvider that advances on every clock read.</summary>
internal static class Shell
{
    /// <summary>The eleven built-in machines, in catalog order.</summary>
    public static readonly string[] AllMachines =
    [
        "tigerlake", "tigerlake-dummy", "alderlake", "meteorlake", "skylake-sp", "icelake-sp", "guest", "two-vmd",
        "arrowlake-s", "arrowlake-s-nofeature", "empty",
    ];

    /// <summary>Machines whose VMD the map step refuses (VMCONFIG[9:8] = 3 on an ID without the second-root-bus feature).</summary>
    public static readonly string[] RefusedMachines = ["arrowlake-s-nofeature"];

    /// <summary>The machines with at least one VMD.</summary>
    public static readonly string[] MachinesWithVmd =
    [
        "tigerlake", "tigerlake-dummy", "alderlake", "meteorlake", "skylake-sp", "icelake-sp", "guest", "two-vmd",
        "arrowlake-s",
    ];

    public static ShellResult Run(params string[] args) => Run(NewClock(), args);

    /// <summary>The clock <see cref="Run(string[])"/> gives each run: every read moves it on by 100 µs.</summary>
    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider NewClock() =>
        // Every clock read moves time on: the PCIe waits of a reset end without sleeping on the wall clock.
        new() { AutoAdvanceAmount = TimeSpan.FromMicroseconds(100) };

    /// <summary>Runs with a clock the caller keeps, to see how much simulated time the run took.</summary>
    public static ShellResult Run(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = ShellApp.Run(args, output, error, time);
        return new ShellResult(code, output.ToString(), error.ToString());
    }

    public static IEnumerable<object[]> VmdMachineNames()
    {
        foreach (string name in MachinesWithVmd)
        {
            yield return [name];
        }
    }

    /// <summary>Runs <c>vmd --machine M [--json] COMMAND ARGS...</c>.</summary>
    public static ShellResult RunCommand(string machine, bool json, string command, params string[] arguments)
    {
        var args = new List<string> { "--machine", machine };
        if (json)
        {
            args.Add("--json");
        }

        args.Add(command);
        args.AddRange(arguments);
        return Run([.. args]);
    }

    /// <summary>Asserts a usage error: exit 2, nothing on standard output, a "vmd: " message holding every fragment.</summary>
    public static void AssertUsageError(ShellResult result, params string[] fragments)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.StartsWith("vmd: ", result.Error, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, result.Error, StringComparison.Ordinal);
        }
    }
}
