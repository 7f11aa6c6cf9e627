using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Simulation;
using Vmd.Simulation.Dumps;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd dump [--after map|enable|enumerate] [--bytes 64|256|4096] [--sizes]</c>: the machine's configuration space — host
/// functions and every function the VMD domains answer for now — in the text format of <c>lspci -D -xxxx</c> (or
/// <c>-xxx</c>, <c>-x</c>), which pciutils reads back with <c>lspci -F FILE</c> and <c>vmd --dump FILE</c> imports.
/// Without <c>--after</c> the machine is written as firmware left it; with it, after the library ran that far.
/// </summary>
internal static class DumpCommand
{
    private const string Steps = "map, enable or enumerate";

    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        VmdState? after = null;
        bool sizes = false;
        int bytes = LspciDumpWriter.ExtendedBytes;
        for (int i = 0; i < options.Arguments.Count; i++)
        {
            string argument = options.Arguments[i];
            if (argument is "--after" or "--bytes" && i + 1 >= options.Arguments.Count)
            {
                error.WriteLine(argument == "--after" ? $"vmd: --after needs a step: {Steps}" : "vmd: --bytes needs 64, 256 or 4096");
                return ExitCodes.Usage;
            }

            if (argument == "--after")
            {
                string step = options.Arguments[++i];
                after = step switch
                {
                    "map" => VmdState.Mapped,
                    "enable" => VmdState.Enabled,
                    "enumerate" => VmdState.Enumerated,
                    _ => null,
                };
                if (after is null)
                {
                    error.WriteLine($"vmd: unknown step '{step}' for --after; the steps are {Steps}");
                    return ExitCodes.Usage;
                }
            }
            else if (argument == "--sizes")
            {
                sizes = true;
            }
            else if (argument == "--bytes")
            {
                string text = options.Arguments[++i];
                bytes = text switch
                {
                    "64" => LspciDumpWriter.HeaderBytes,
                    "256" => LspciDumpWriter.ConventionalBytes,
                    "4096" => LspciDumpWriter.ExtendedBytes,
                    _ => 0,
                };
                if (bytes == 0)
                {
                    error.WriteLine($"vmd: --bytes '{text}' is not a dump size; use 64 (lspci -x), 256 (-xxx) or 4096 (-xxxx)");
                    return ExitCodes.Usage;
                }
            }
            else
            {
                error.WriteLine($"vmd: unknown argument '{argument}' for 'dump'; it takes --after {Steps}, --bytes 64|256|4096 and --sizes");
                return ExitCodes.Usage;
            }
        }

        if (options.Json)
        {
            error.WriteLine("vmd: 'dump' writes lspci's text format; --json does not apply");
            return ExitCodes.Usage;
        }

        int exit = ExitCodes.Ok;
        if (after is { } state)
        {
            using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
            StepRunner.RunTo(host, state);
            exit = CommandResult.Of(host, error);

            // The host is disposed below only after writing: unmapping would not change the registers, but keep the
            // order a kernel would have (what lspci shows is what the library left).
            LspciDumpWriter.Write(machine, output, bytes, sizes);
            return exit;
        }

        LspciDumpWriter.Write(machine, output, bytes, sizes);
        return exit;
    }
}
