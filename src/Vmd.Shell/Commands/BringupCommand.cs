using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Core.HotPlug;
using Vmd.Core.Telemetry;
using Vmd.Core.Mapping;
using Vmd.Core.Reports;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd bringup</c>: runs every step implemented so far on the simulated machine, one progress line
/// per step, written for a newcomer: what the step does and what it found.
/// </summary>
internal static class BringupCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        var steps = new List<(string Step, string Status, string Detail)>();
        long readsBefore = machine.Counters.HostConfigReads;
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
        long detectReads = machine.Counters.HostConfigReads - readsBefore;
        string found = host.Controllers.Count switch
        {
            0 => "no VMD",
            1 => "1 VMD",
            _ => host.Controllers.Count.ToString(CultureInfo.InvariantCulture) + " VMDs",
        };
        steps.Add(("detect", host.Controllers.Count > 0 ? "ok" : "none",
            $"scanned {host.Detection.FunctionsScanned} host functions with {detectReads} config reads: {found}"));
        foreach (VmdController vmd in host.Controllers)
        {
            steps.Add(("detect", "ok", $"{vmd.Endpoint.Address} is {vmd.Endpoint.Device.Name}; its private domain will be {vmd.Endpoint.Domain:x}"));
        }

        foreach ((string step, VmdController vmd, bool ok) in StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts))
        {
            steps.Add((step, ok ? "ok" : "failed", ok ? Describe(step, vmd) : $"{vmd.Endpoint.Address}: {vmd.LastFailure!.Message}"));
        }

        // The last step proves recovery: a domain reset must bring back exactly what enumeration found.
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State == VmdState.InterruptsRouted && vmd.LastFailure is null)
            {
                ResetReport report = vmd.Reset();
                steps.Add(("reset", report.Restored ? "ok" : "failed",
                    $"{vmd.Endpoint.Address}: domain reset, {report.FunctionsAfter} of {report.FunctionsBefore} functions back, fingerprint {(report.FingerprintAfter == report.FingerprintBefore ? "unchanged" : "CHANGED")}"));
            }
        }

        // Steps 6 and 7: slots armed for hot-plug, error reporting on and one pass over the error registers.
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State != VmdState.InterruptsRouted)
            {
                continue;
            }

            bool armed = vmd.TryEnableHotPlug();
            steps.Add(("hotplug", armed ? "ok" : "failed", $"{vmd.Endpoint.Address}: {DescribeSlots(vmd)}"));
            vmd.EnableErrorReporting();
            int errors = vmd.ProcessErrors();
            VmdTelemetrySnapshot t = vmd.GetTelemetry();
            steps.Add(("telemetry", "ok",
                $"{vmd.Endpoint.Address}: error reporting on, {errors} error record(s) found; {t.ConfigReads} config reads and {t.ConfigWrites} writes through CFGBAR, {t.Interrupts} interrupts dispatched"));
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("machine", machine.Name);
                json.WriteStartArray("steps");
                foreach ((string step, string status, string detail) in steps)
                {
                    json.WriteStartObject();
                    json.WriteString("step", step);
                    json.WriteString("status", status);
                    json.WriteString("detail", detail);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("fingerprint", host.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
                json.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"vmd: simulated machine '{machine.Name}': {machine.Description}");
            foreach ((string step, string status, string detail) in steps)
            {
                output.WriteLine($"[{step,-10}] {status,-6} {detail}");
            }

            foreach (VmdController vmd in host.Controllers)
            {
                foreach (PciFunction function in vmd.Functions)
                {
                    if (function.ClassCode == ClassCodes.NvmExpress)
                    {
                        string where = function.Assigned
                            ? $"BAR0 at {function.GetBarCpuAddress(0):x}"
                            : "no resources: " + IssueText.Describe(function.Issues);
                        output.WriteLine($"[drive     ]        {LspciReport.Line(function)}; {where}");
                    }
                }
            }
        }

        int exit = CommandResult.Of(host, error);
        foreach ((string step, string status, string detail) in steps)
        {
            if (step == "reset" && status != "ok" && exit == ExitCodes.Ok)
            {
                error.WriteLine($"vmd: {detail}");
                exit = ExitCodes.StepFailed;
            }
        }

        return exit;
    }

    private static string Describe(string step, VmdController vmd) => step switch
    {
        "map" => $"{vmd.Endpoint.Address}: CFGBAR {Describe(vmd.CfgBar!)}, MEMBAR1 {Describe(vmd.MemBar1!)}, MEMBAR2 {Describe(vmd.MemBar2!)}; buses {RootBusFormat.Buses(vmd)}{(vmd.SecondRootBus is null ? string.Empty : " (second root bus)")}; {DescribeShadow(vmd.Shadow!)}",
        "enable" => $"{vmd.Endpoint.Address}: memory decode and bus mastering on; domain {vmd.Endpoint.Domain:x} reachable through CFGBAR; {DescribeApertures(vmd)}",
        "interrupts" => $"{vmd.Endpoint.Address}: {IrqReport.ModeName(vmd.RoutingMode)}" + (vmd.Vectors is { } table
            ? table.ActiveCount - 1 > table.FirstUsable
                ? $", {table.ActiveCount} VMD vectors with host vectors; NVMe queues get vectors {table.FirstUsable + 1}-{table.ActiveCount - 1}, other functions share {table.FirstUsable}"
                : $", {table.ActiveCount} VMD vector(s) with host vectors; every function shares vector {table.FirstUsable}"
            : string.Empty) + (vmd.InterruptDegradedReason is { } why ? $" (degraded: {why})" : string.Empty),
        _ => $"{vmd.Endpoint.Address}: {vmd.Functions.Length} functions on buses {UsedBuses(vmd)}, {Unassigned(vmd)} without resources; fingerprint {vmd.Fingerprint:x16}",
    };

    private static string DescribeSlots(VmdController vmd)
    {
        int slots = 0;
        int empty = 0;
        int interrupts = 0;
        foreach (VmdSlot slot in vmd.Slots)
        {
            slots++;
            empty += slot.Occupied ? 0 : 1;
            interrupts += slot.InterruptDriven ? 1 : 0;
        }

        return slots == 0
            ? "no hot-plug slots"
            : $"{slots} hot-plug slot(s), {empty} empty; events by the ports' interrupts on {interrupts}, polled on {slots - interrupts}";
    }

    private static string DescribeApertures(VmdController vmd)
    {
        if (vmd.SecondRootBus is null)
        {
            return $"devices get MEMBAR1 {SizeFormat.Format(vmd.MemBar1Aperture.Length)} and MEMBAR2 {SizeFormat.Format(vmd.MemBar2Aperture.Length)}";
        }

        string text = string.Empty;
        foreach (VmdRootBus root in vmd.RootBuses)
        {
            text += (text.Length == 0 ? string.Empty : "; ")
                + $"root bus {root.FirstBus:x2} gets MEMBAR1 {SizeFormat.Format(root.MemBar1Aperture.Length)} and MEMBAR2 {SizeFormat.Format(root.MemBar2Aperture.Length)}";
        }

        return text;
    }

    private static string UsedBuses(VmdController vmd)
    {
        string text = string.Empty;
        ReadOnlySpan<VmdRootBus> roots = vmd.RootBuses;
        for (int i = 0; i < roots.Length; i++)
        {
            text += (text.Length == 0 ? string.Empty : " and ") + $"{roots[i].FirstBus:x2}-{vmd.GetHighestBus(i):x2}";
        }

        return text;
    }

    private static int Unassigned(VmdController vmd)
    {
        int count = 0;
        foreach (PciFunction function in vmd.Functions)
        {
            count += function.Assigned ? 0 : 1;
        }

        return count;
    }

    private static string Describe(VmdBar bar) =>
        SizeFormat.Format(bar.Size) + " at " + bar.Address.ToString("x", CultureInfo.InvariantCulture);

    private static string DescribeShadow(ShadowOffsets shadow) => shadow.Source switch
    {
        ShadowSource.None => "bus addresses = CPU addresses",
        ShadowSource.MemBar2Registers => shadow.IsTranslated ? "shadow registers give offsets" : "shadow registers: no offset (bare metal)",
        _ => $"guest: SHDW capability gives host-physical MEMBAR1 {shadow.MemBar1HostPhysical:x}, MEMBAR2 {shadow.MemBar2HostPhysical:x}",
    };
}
