using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Reports;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary><c>vmd regs</c>: steps 0 and 1, then the registers report.</summary>
internal static class RegsCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        host.MapAll();
        if (options.Json)
        {
            JsonOutput.Write(output, json => RegsReport.WriteJson(json, host));
        }
        else
        {
            RegsReport.Write(output, host);
        }

        return CommandResult.Of(host, error);
    }
}
