using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Mapping;
using Vmd.Core.Reports;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd bringup</c>: runs every step implemented so far on the simulated machine, one progress line
/// per step, written for a newcomer: what the step does and what it found.
/// </summary>
internal static class BringupCommand
{
    private const string NotYet = "enable, enumerate, interrupts, reset, hot-plug and telemetry come in later steps";

    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        var steps = new List<(string Step, string Status, string Detail)>();
        long readsBefore = machine.Counters.HostConfigReads;
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
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

        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.TryMap())
            {
                VmdBusRange buses = vmd.BusRange!;
                steps.Add(("map", "ok",
                    $"{vmd.Endpoint.Address}: CFGBAR {Describe(vmd.CfgBar!)}, MEMBAR1 {Describe(vmd.MemBar1!)}, MEMBAR2 {Describe(vmd.MemBar2!)}; buses {buses.Start:x2}-{buses.End:x2}; {DescribeShadow(vmd.Shadow!)}"));
            }
            else
            {
                steps.Add(("map", "failed", $"{vmd.Endpoint.Address}: {vmd.LastFailure!.Message}"));
            }
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
                json.WriteString("notYet", NotYet);
                json.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"vmd: simulated machine '{machine.Name}': {machine.Description}");
            foreach ((string step, string status, string detail) in steps)
            {
                output.WriteLine($"[{step,-6}] {status,-6} {detail}");
            }

            output.WriteLine($"[later ]        {NotYet}");
        }

        return CommandResult.Of(host, error);
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
