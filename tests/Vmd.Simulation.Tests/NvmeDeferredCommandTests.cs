using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

/// <summary>
/// <see cref="NvmeController.DeferCommands"/>: a doorbell only records the tail; the commands run at
/// <see cref="NvmeEndpoint.RunDeferredCommands"/>; a controller reset in between loses them, as on hardware.
/// </summary>
public sealed class NvmeDeferredCommandTests
{
    private static (DriveHarness Drive, NvmeEndpoint Endpoint) Deferred()
    {
        var drive = DriveHarness.TigerLake();
        SimulatedFunction model = drive.Vmd.FindFunction(drive.DriveBus, 0, 0)!;
        Assert.True(NvmeEndpoint.TryGet(model, out NvmeEndpoint? endpoint));
        endpoint!.Controller.DeferCommands = true;
        drive.EnableController();
        return (drive, endpoint);
    }

    [Fact]
    public void A_deferred_command_completes_only_when_the_controller_gets_round_to_it()
    {
        (DriveHarness drive, NvmeEndpoint endpoint) = Deferred();
        drive.SubmitIdentify(0, 0x1234);

        drive.RingSubmissionTail(1);

        Assert.True(endpoint.Controller.HasDeferredCommands);
        Assert.Equal(0L, endpoint.Controller.AdminCompletionsPosted);
        Assert.Equal(0u, drive.CompletionDw3(0));

        Assert.True(endpoint.RunDeferredCommands());

        Assert.False(endpoint.Controller.HasDeferredCommands);
        Assert.Equal(1L, endpoint.Controller.AdminCompletionsPosted);
        Assert.Equal(0x1234u, drive.CompletionDw3(0) & 0xFFFF);
        Assert.False(endpoint.RunDeferredCommands()); // nothing left
    }

    [Fact]
    public void A_controller_reset_loses_the_commands_it_had_not_run()
    {
        (DriveHarness drive, NvmeEndpoint endpoint) = Deferred();
        drive.SubmitIdentify(0, 7);
        drive.RingSubmissionTail(1);

        drive.Bar0.Write32(NvmeRegisters.Cc, 0); // CC.EN = 0: the queues are gone

        Assert.False(endpoint.Controller.HasDeferredCommands);
        Assert.False(endpoint.RunDeferredCommands());
        Assert.Equal(0L, endpoint.Controller.AdminCompletionsPosted);
    }
}
