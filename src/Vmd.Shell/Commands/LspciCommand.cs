using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Reports;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary><c>vmd lspci [-t] [-v]</c>: the whole bring-up, then every function of the host and the VMD domains.</summary>
internal static class LspciCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        bool tree = false;
        bool verbose = false;
        foreach (string argument in options.Arguments)
        {
            switch (argument)
            {
                case "-t":
                    tree = true;
                    break;
                case "-v":
                case "-vv":
                    verbose = true;
                    break;
                default:
                    error.WriteLine($"vmd: unknown argument '{argument}' for 'lspci'; it takes -t (tree) and -v (details)");
                    return ExitCodes.Usage;
            }
        }

        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        StepRunner.RunTo(host, VmdState.Enumerated);
        var list = new PciDeviceList(host);
        if (options.Json)
        {
            JsonOutput.Write(output, json => LspciReport.WriteJson(json, list, host));
        }
        else if (tree)
        {
            LspciReport.WriteTree(output, list);
        }
        else
        {
            LspciReport.Write(output, list, verbose);
        }

        return CommandResult.Of(host, error);
    }
}
