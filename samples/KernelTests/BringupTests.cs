using KernelHost.Bringup;

namespace KernelTests;

/// <summary>The kernel's bring-up on simulated machines, as the kernel's CI would run it.</summary>
public sealed class BringupTests
{
    [Theory]
    [InlineData("tigerlake", 1)]
    [InlineData("skylake-sp", 3)]
    [InlineData("arrowlake-s", 2)]
    public void Bringup_finds_every_nvme_and_each_identify_completes_through_the_idt(string machine, int drives)
    {
        var (_, ports, time) = SimulatedKernel.Boot(machine);

        BringupReport report = KernelBringup.Run(ports, time);

        Assert.True(report.Succeeded, report.Failure ?? string.Join(Environment.NewLine, report.Lines));
        Assert.Equal(drives, report.Drives);
        Assert.Equal(drives, report.IdentifyPassed);
        Assert.Equal(0, ports.Mapper.ActiveMappings); // every region went back to Unmap
        Assert.Equal(0, ports.Vectors.InUse);         // every host vector was freed
    }

    [Fact]
    public void A_machine_without_a_vmd_fails_with_a_reason()
    {
        var (_, ports, time) = SimulatedKernel.Boot("empty");

        BringupReport report = KernelBringup.Run(ports, time);

        Assert.False(report.Succeeded);
        Assert.Contains("no VMD", report.Failure, StringComparison.Ordinal);
    }
}
