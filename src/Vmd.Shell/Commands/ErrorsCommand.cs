using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Enumeration.Errors;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Errors;
using Vmd.Simulation.Functions;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd errors [--inject KIND --at ADDR [--count N]]</c>: the bring-up through step 4, error reporting on, one error
/// pass (what firmware or enumeration left), then optionally COUNT injected errors at a function of a VMD domain with an
/// error pass after each (as a kernel's AER work item runs); prints the decoded errors grouped, the library's throttled
/// log lines and a summary.
/// </summary>
internal static class ErrorsCommand
{
    /// <summary>Most injections one run may ask for.</summary>
    public const int MaxCount = 1_000_000;

    private const string Arguments = "--inject KIND, --at ADDR and --count N";

    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        string? kindText = null;
        string? atText = null;
        string? countText = null;
        for (int i = 0; i < options.Arguments.Count; i++)
        {
            string argument = options.Arguments[i];
            if (argument is "--inject" or "--at" or "--count")
            {
                if (i + 1 >= options.Arguments.Count)
                {
                    error.WriteLine(argument switch
                    {
                        "--inject" => $"vmd: --inject needs a kind: {ErrorKinds.List()}",
                        "--at" => "vmd: --at needs an address, e.g. --at 10000:e1:00.0 (a function of a VMD domain)",
                        _ => $"vmd: --count needs a number from 1 to {MaxCount}",
                    });
                    return ExitCodes.Usage;
                }

                ref string? slot = ref argument == "--inject" ? ref kindText : ref argument == "--at" ? ref atText : ref countText;
                if (slot is not null)
                {
                    error.WriteLine($"vmd: {argument} was given twice; 'errors' injects one kind at one function");
                    return ExitCodes.Usage;
                }

                slot = options.Arguments[++i];
            }
            else
            {
                error.WriteLine($"vmd: unknown argument '{argument}' for 'errors'; it takes {Arguments}");
                return ExitCodes.Usage;
            }
        }

        InjectedError kind = default;
        if (kindText is not null && !ErrorKinds.TryParse(kindText, out kind))
        {
            error.WriteLine($"vmd: unknown error kind '{kindText}'; the kinds are {ErrorKinds.List()}");
            return ExitCodes.Usage;
        }

        if (kindText is null && (atText is not null || countText is not null))
        {
            error.WriteLine($"vmd: {(atText is not null ? "--at" : "--count")} needs --inject KIND (the error to inject)");
            return ExitCodes.Usage;
        }

        if (kindText is not null && atText is null)
        {
            error.WriteLine("vmd: --inject needs --at ADDR, the function that detects the error (e.g. --at 10000:e1:00.0)");
            return ExitCodes.Usage;
        }

        int count = 1;
        if (countText is not null)
        {
            bool digits = countText.Length > 0;
            foreach (char c in countText)
            {
                digits &= char.IsAsciiDigit(c);
            }

            if (!digits || countText.TrimStart('0').Length == 0)
            {
                error.WriteLine($"vmd: --count '{countText}' is not a positive integer; give a number from 1 to {MaxCount}");
                return ExitCodes.Usage;
            }

            if (countText.TrimStart('0').Length > 7 || int.Parse(countText, NumberStyles.None, CultureInfo.InvariantCulture) > MaxCount)
            {
                error.WriteLine($"vmd: --count {countText} is above the limit of {MaxCount}");
                return ExitCodes.Usage;
            }

            count = int.Parse(countText, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        PciAddress at = default;
        if (atText is not null && !PciAddress.TryParse(atText, out at, out string? why))
        {
            error.WriteLine($"vmd: --at '{atText}' is not a PCI address: {why}");
            return ExitCodes.Usage;
        }

        var recorder = new ErrorLogRecorder(loggers);
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, recorder);
        StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts);
        int exit = CommandResult.Of(host, error);
        var report = new ErrorReport();
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State >= VmdState.Enumerated)
            {
                vmd.EnableErrorReporting();
                report.Collect(vmd, vmd.ProcessErrors());
            }
        }

        Injection? injection = null;
        if (kindText is not null && exit != ExitCodes.NoVmd)
        {
            if (!TryFindTarget(host, machine, at, error, out VmdController? vmd, out SimulatedFunction? target))
            {
                if (exit == ExitCodes.Ok)
                {
                    return ExitCodes.Usage;
                }
            }
            else
            {
                ErrorInjectionResult result = default;
                for (int i = 0; i < count; i++)
                {
                    result = target.InjectError(kind);
                    report.Collect(vmd, vmd.ProcessErrors());
                }

                injection = new Injection(kind, at, count, result);
            }
        }

        long suppressed = 0;
        foreach (VmdController vmd in host.Controllers)
        {
            suppressed += vmd.GetTelemetry().ErrorLogSuppressed;
        }

        List<string> lines = recorder.Lines();
        if (options.Json)
        {
            JsonOutput.Write(output, json => report.WriteJson(json, suppressed, lines, injection));
        }
        else
        {
            report.Write(output, suppressed, lines, injection);
        }

        return exit;
    }

    private static bool TryFindTarget(VmdHost host, SimulatedMachine machine, PciAddress address, TextWriter error,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VmdController? vmd, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimulatedFunction? target)
    {
        target = null;
        foreach (VmdController candidate in host.Controllers)
        {
            if (candidate.State < VmdState.Enumerated || candidate.Endpoint.Domain != address.Segment)
            {
                continue;
            }

            vmd = candidate;
            var functions = new StringBuilder();
            foreach (PciFunction function in candidate.Functions)
            {
                functions.Append(functions.Length == 0 ? string.Empty : ", ").Append(function.Address.ToString());
                if (function.Address != address)
                {
                    continue;
                }

                foreach (SimulatedVmd simulated in machine.Vmds)
                {
                    if (simulated.Address == candidate.Endpoint.Address)
                    {
                        target = simulated.FindFunction(address.Bus, address.Device, address.Function);
                    }
                }

                if (target is not null)
                {
                    return true;
                }

                error.WriteLine($"vmd: the simulator has no function at {address}");
                return false;
            }

            error.WriteLine($"vmd: {address} is not a function of domain {candidate.Endpoint.Domain:x}; its functions are {(functions.Length == 0 ? "none" : functions.ToString())}");
            return false;
        }

        vmd = null;
        error.WriteLine($"vmd: {address} is not in a VMD domain of this machine (its segment must be a VMD's domain, e.g. 10000)");
        return false;
    }

    /// <summary>What was injected and how the last injection went.</summary>
    internal sealed record Injection(InjectedError Kind, PciAddress Address, int Count, ErrorInjectionResult Result);
}
