using System;
using System.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmd.Core;
using Vmd.Core.Reports;
using Vmd.Shell.Commands;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Shell;

/// <summary>The <c>vmd</c> tool: parses the command line, builds the simulated machine and runs a command.</summary>
internal static class ShellApp
{
    public const string Usage = """
        usage: vmd [--machine NAME | --dump FILE] [--json] [--verbose] <command>

        commands:
          bringup    run every bring-up step implemented so far, one progress line per step
          info       steps 0-1: address, IDs, platform, features, domain, BARs, MSI-X, buses of each VMD
          regs       steps 0-1: VMCAP/VMCONFIG/VMLOCK bit by bit, BAR ranges, shadow offsets, buses
          enable     steps 0-2: domain, bus range, apertures and their bus-address offsets
          lspci      steps 0-3: every function of the host and the VMD domains, as lspci -nn prints them
                     [-t] as a tree, [-v] with BARs, windows, link and capabilities
          stats      steps 0-3, then the hardware access counts (config reads and writes through CFGBAR);
                     then step 4, one error pass and each VMD's telemetry (interrupts, errors, hot-plug, resets)
          irq        steps 0-4: the interrupt mode and the VMD vector table with the functions sharing each vector
                     [--test] an NVMe Identify round trip on every drive, each completion delivered exactly once
                     [--mode remapped|bypass|polling] (default remapped)
          reset      steps 0-4, then a domain reset (secondary bus reset of each populated root port), and the
                     device list, fingerprint and an NVMe Identify on every drive checked afterwards
          hotplug    steps 0-4 with hot-plug on, then one action on a slot and the device list's change:
                     insert|remove|surprise-remove --slot ADDR (a slot's port, or a function in the slot)
          led        steps 0-3, then a slot's LED: --slot ADDR [--set off|identify|fault|rebuild]
          errors     steps 0-4 with error reporting on, then the decoded errors, the throttled log lines and counts
                     [--inject KIND --at ADDR [--count N]] errors injected at a function first, each one processed
          dump       the machine's config space in lspci -D -xxxx format (lspci -F FILE reads it; vmd --dump FILE too)
                     [--after map|enable|enumerate] after the library ran that far; [--bytes 64|256|4096];
                     [--sizes] with lspci -vv's Region lines, so vmd --dump learns every BAR size
          machines   list the built-in simulated machines

        options:
          --machine NAME, -m NAME   simulated machine to run on (default: tigerlake; see 'vmd machines')
          --dump FILE               run on a machine built from what lspci -D -xxxx (-xxx, -x; -vv for BAR sizes)
                                    printed on a real computer; what the dump cannot tell is listed on stderr
          --json                    machine-readable output (stable, camelCase)
          --verbose, -v             print the library's log lines on standard error
                                    (short options before the command are global; after it, the command's own)
          --help, -h                this text

        exit codes: 0 ok, 1 internal error, 2 usage error or unknown machine, 3 no VMD found, 4 a step failed
        """;

    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, TimeProvider.System);

    /// <summary>Runs a command with <paramref name="time"/> as the simulated machine's clock (tests pass a FakeTimeProvider).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        if (!CommandLine.TryParse(args, out ShellOptions options, out string? parseError))
        {
            error.WriteLine("vmd: " + parseError);
            error.WriteLine("Run 'vmd --help' for usage.");
            return ExitCodes.Usage;
        }

        if (options.Help || options.Command is null)
        {
            (options.Help ? output : error).WriteLine(Usage);
            return options.Help ? ExitCodes.Ok : ExitCodes.Usage;
        }

        if (options.Command == "machines")
        {
            return NoExtraArguments(options, error) ?? MachinesCommand.Run(options, output);
        }

        SimulatedMachine? machine;
        if (options.DumpFile is { } dumpFile)
        {
            if (!DumpMachine.TryLoad(dumpFile, time, error, out machine))
            {
                return ExitCodes.Usage;
            }
        }
        else if (!MachineCatalog.TryCreate(options.Machine, out machine))
        {
            machine = null;
        }
        else if (time != TimeProvider.System)
        {
            machine = MachineCatalog.Create(options.Machine, time);
        }

        if (machine is null)
        {
            error.WriteLine($"vmd: unknown machine '{options.Machine}'. The built-in machines are:");
            MachinesCommand.WriteList(error);
            return ExitCodes.Usage;
        }

        using ILoggerFactory loggers = options.Verbose ? new TextWriterLoggerFactory(error) : NullLoggerFactory.Instance;
        try
        {
            return options.Command switch
            {
                "info" => NoExtraArguments(options, error) ?? ReportCommand.Run(options, machine, loggers, output, error, VmdState.Mapped, InfoReport.Write, InfoReport.WriteJson),
                "regs" => NoExtraArguments(options, error) ?? ReportCommand.Run(options, machine, loggers, output, error, VmdState.Mapped, RegsReport.Write, RegsReport.WriteJson),
                "enable" => NoExtraArguments(options, error) ?? ReportCommand.Run(options, machine, loggers, output, error, VmdState.Enabled, EnableReport.Write, EnableReport.WriteJson),
                "lspci" => LspciCommand.Run(options, machine, loggers, output, error),
                "stats" => NoExtraArguments(options, error) ?? StatsCommand.Run(options, machine, loggers, output, error),
                "irq" => IrqCommand.Run(options, machine, loggers, output, error),
                "reset" => NoExtraArguments(options, error) ?? ResetCommand.Run(options, machine, loggers, output, error),
                "bringup" => NoExtraArguments(options, error) ?? BringupCommand.Run(options, machine, loggers, output, error),
                "hotplug" => HotPlugCommand.Run(options, machine, loggers, output, error),
                "led" => LedCommand.Run(options, machine, loggers, output, error),
                "dump" => DumpCommand.Run(options, machine, loggers, output, error),
                "errors" => ErrorsCommand.Run(options, machine, loggers, output, error),
                _ => UnknownCommand(options.Command, error),
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error.WriteLine($"vmd: internal error in '{options.Command}': {ex}");
            return ExitCodes.InternalError;
        }
    }

    private static int? NoExtraArguments(ShellOptions options, TextWriter error)
    {
        if (options.Arguments.Count == 0)
        {
            return null;
        }

        string extra = options.Arguments[0];
        error.WriteLine(extra.StartsWith('-')
            ? $"vmd: unknown option '{extra}' for '{options.Command}'; the options are --machine NAME, --dump FILE, --json, --verbose, --help"
            : $"vmd: '{options.Command}' takes no arguments, but got '{extra}'");
        return ExitCodes.Usage;
    }

    private static int UnknownCommand(string command, TextWriter error)
    {
        error.WriteLine($"vmd: unknown command '{command}'; the commands are bringup, info, regs, enable, lspci, stats, irq, reset, hotplug, led, errors, dump, machines");
        error.WriteLine("Run 'vmd --help' for usage.");
        return ExitCodes.Usage;
    }
}
