using System;
using System.IO;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd info</c>, <c>vmd regs</c> and <c>vmd enable</c>: run the steps up to the one the report needs
/// (info and regs: map, since BAR sizes need it; enable: enable), then print the library's report.
/// </summary>
internal static class ReportCommand
{
    public static int Run(
        ShellOptions options,
        SimulatedMachine machine,
        ILoggerFactory loggers,
        TextWriter output,
        TextWriter error,
        VmdState target,
        Action<TextWriter, VmdHost> writeText,
        Action<Utf8JsonWriter, VmdHost> writeJson)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        StepRunner.RunTo(host, target);
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
