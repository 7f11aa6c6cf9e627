using System;
using System.IO;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd info</c> and <c>vmd regs</c>: run steps 0 and 1 (BAR sizes need the map step), then print one
/// of the library's reports as text or JSON.
/// </summary>
internal static class ReportCommand
{
    public static int Run(
        ShellOptions options,
        SimulatedMachine machine,
        ILoggerFactory loggers,
        TextWriter output,
        TextWriter error,
        Action<TextWriter, VmdHost> writeText,
        Action<Utf8JsonWriter, VmdHost> writeJson)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        host.MapAll();
        if (options.Json)
        {
            JsonOutput.Write(output, json => writeJson(json, host));
        }
        else
        {
            writeText(output, host);
        }

        return CommandResult.Of(host, error);
    }
}
