using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Reports;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary><c>vmd info</c>: steps 0 and 1 (sizing needs the map step), then the info report.</summary>
internal static class InfoCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        host.MapAll();
        if (options.Json)
        {
            JsonOutput.Write(output, json => InfoReport.WriteJson(json, host));
        }
        else
        {
            InfoReport.Write(output, host);
        }

        return CommandResult.Of(host, error);
    }
}
