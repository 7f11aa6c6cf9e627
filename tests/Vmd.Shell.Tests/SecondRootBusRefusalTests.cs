using System;

namespace Vmd.Shell.Tests;

/// <summary>
/// VMCONFIG[9:8] = 3 (the Arrow Lake second root bus) is not supported yet: the map step refuses it with a message
/// naming the register and value, exit 4, and the host's own functions are still listed.
/// </summary>
public sealed class SecondRootBusRefusalTests
{
    [Theory]
    [InlineData("arrowlake-s", "ad0b")]
    [InlineData("arrowlake-s-nofeature", "7d0b")]
    public void Bus_start_selector_3_is_refused_naming_vmconfig(string machine, string deviceId)
    {
        ShellResult result = Shell.Run("--machine", machine, "info");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("VMCONFIG of 0000:00:0e.0 reads 0300", result.Error, StringComparison.Ordinal);
        Assert.Contains("bus-start selector (bits 9:8) = 3", result.Error, StringComparison.Ordinal);
        Assert.Contains($"8086:{deviceId}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_still_lists_the_host_when_the_vmd_is_refused()
    {
        ShellResult result = Shell.Run("--machine", "arrowlake-s", "lspci");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith("0000:00:0e.0 RAID bus controller [0104]", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("10000:", StringComparison.Ordinal));
    }
}
