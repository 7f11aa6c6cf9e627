using System;

namespace Vmd.Shell.Tests;

/// <summary>
/// VMCONFIG[9:8] = 3 on an ID without the second-root-bus feature (arrowlake-s-nofeature, a 7d0b): the map step refuses
/// it with a message naming the register, the value and how a host declares the feature, exit 4, and the host's own
/// functions are still listed. The same value on ad0b (arrowlake-s) is the second root bus and works.
/// </summary>
public sealed class SecondRootBusRefusalTests
{
    [Fact]
    public void Bus_start_selector_3_without_the_feature_is_refused_naming_vmconfig()
    {
        ShellResult result = Shell.Run("--machine", "arrowlake-s-nofeature", "info");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("VMCONFIG of 0000:00:0e.0 reads 0300", result.Error, StringComparison.Ordinal);
        Assert.Contains("bus-start selector (bits 9:8) = 3", result.Error, StringComparison.Ordinal);
        Assert.Contains("8086:7d0b", result.Error, StringComparison.Ordinal);
        Assert.Contains("VmdHostOptions.AddFeatures(0x7d0b, VmdFeatures.SecondRootBus)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Lspci_still_lists_the_host_when_the_vmd_is_refused()
    {
        ShellResult result = Shell.Run("--machine", "arrowlake-s-nofeature", "lspci");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(result.OutputLines, l => l.StartsWith("0000:00:0e.0 RAID bus controller [0104]", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("10000:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_selector_on_ad0b_maps_two_root_buses()
    {
        ShellResult result = Shell.Run("--machine", "arrowlake-s", "info");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
    }
}
