using System.IO;
using Vmd.Core;

namespace Vmd.Shell.Commands;

/// <summary>Turns a bring-up's outcome into the documented exit code, with a line on standard error.</summary>
internal static class CommandResult
{
    public static int Of(VmdHost host, TextWriter error)
    {
        if (host.Controllers.Count == 0)
        {
            error.WriteLine("vmd: no VMD found on this machine");
            return ExitCodes.NoVmd;
        }

        int failed = 0;
        foreach (VmdController controller in host.Controllers)
        {
            if (controller.LastFailure is { } failure)
            {
                failed++;
                error.WriteLine($"vmd: {controller.Endpoint.Address}: {failure}");
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.StepFailed;
    }
}
