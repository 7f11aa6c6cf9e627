using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace Vmd.Shell.Tests;

/// <summary>Runs the built <c>vmd.dll</c> (copied next to the tests by the project reference) as a real process.</summary>
public sealed class ProcessExitCodeTests
{
    [Theory]
    [InlineData(2, "--machine", "nosuch", "info")]
    [InlineData(3, "--machine", "empty", "info")]
    [InlineData(0, "info")]
    [InlineData(0, "irq", "--test")]
    [InlineData(4, "irq", "--mode", "bypass")]
    public async Task Process_exit_code_is_the_documented_one(int expected, params string[] args)
    {
        string vmdDll = Path.Combine(Path.GetDirectoryName(typeof(ShellApp).Assembly.Location)!, "vmd.dll");
        Assert.True(File.Exists(vmdDll), vmdDll);
        Assert.True(File.Exists(Path.ChangeExtension(vmdDll, ".runtimeconfig.json")), "vmd.runtimeconfig.json is not next to vmd.dll");

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(vmdDll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        string stderr = await error;
        await output;
        Assert.True(expected == process.ExitCode, $"exit code {process.ExitCode}, stderr: {stderr}");
        if (expected == 2)
        {
            Assert.Contains("unknown machine 'nosuch'", stderr, StringComparison.Ordinal);
        }
    }

    private static string DotnetHost()
    {
        // Set by the dotnet CLI for child processes; falls back to the dotnet on PATH.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
