using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Reset;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd reset</c>: the whole bring-up with handlers attached, then a domain reset of every VMD (quiesce, secondary
/// bus reset of each populated root port with the PCIe waits, re-enumerate, re-route), then an NVMe Identify round
/// trip on every drive. Exit 0 only when the device list and fingerprint came back unchanged and every drive answered.
/// </summary>
internal static class ResetCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
        StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts);
        ulong fingerprintBefore = host.Fingerprint;
        var reports = new List<(VmdController Vmd, ResetReport Report)>();
        var tests = new List<IdentifyResult>();
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State < VmdState.InterruptsRouted)
            {
                continue;
            }

            Handlers.AttachToAllButDrives(vmd);
            reports.Add((vmd, vmd.Reset()));
            foreach (PciFunction function in vmd.Functions)
            {
                if (function.ClassCode == Vmd.Registers.ClassCodes.NvmExpress)
                {
                    tests.Add(IrqCommand.RunProbe(machine, vmd, function));
                }
            }
        }

        int before = 0;
        int after = 0;
        bool identical = true;
        foreach ((VmdController _, ResetReport report) in reports)
        {
            before += report.FunctionsBefore;
            after += report.FunctionsAfter;
            identical &= report.Restored;
        }

        bool interruptsOk = true;
        foreach (IdentifyResult test in tests)
        {
            interruptsOk &= test.Passed;
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteStartObject("before");
                json.WriteNumber("functions", before);
                json.WriteString("fingerprint", fingerprintBefore.ToString("x16", CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteStartObject("after");
                json.WriteNumber("functions", after);
                json.WriteString("fingerprint", host.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
                json.WriteEndObject();
                json.WriteBoolean("identical", identical && fingerprintBefore == host.Fingerprint);
                json.WriteStartObject("interruptTest");
                json.WriteBoolean("passed", interruptsOk && tests.Count > 0);
                json.WriteStartArray("drives");
                foreach (IdentifyResult test in tests)
                {
                    json.WriteStartObject();
                    json.WriteString("address", test.Function.ToString());
                    json.WriteNumber("vmdVector", test.VmdVector);
                    json.WriteNumber("delivered", test.Deliveries);
                    json.WriteBoolean("passed", test.Passed);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartObject("waits");
                json.WriteNumber("secondaryBusResetHoldMs", ResetTiming.SecondaryBusResetHold.TotalMilliseconds);
                json.WriteNumber("resetRecoveryMs", ResetTiming.ResetRecovery.TotalMilliseconds);
                json.WriteNumber("readinessTimeoutMs", ResetTiming.ReadinessTimeout.TotalMilliseconds);
                json.WriteEndObject();
                json.WriteStartArray("vmds");
                foreach ((VmdController vmd, ResetReport report) in reports)
                {
                    json.WriteStartObject();
                    json.WriteString("address", vmd.Endpoint.Address.ToString());
                    json.WriteNumber("functionsBefore", report.FunctionsBefore);
                    json.WriteNumber("functionsAfter", report.FunctionsAfter);
                    json.WriteString("fingerprintBefore", report.FingerprintBefore.ToString("x16", CultureInfo.InvariantCulture));
                    json.WriteString("fingerprintAfter", report.FingerprintAfter.ToString("x16", CultureInfo.InvariantCulture));
                    json.WriteStartArray("lost");
                    foreach (PciAddress lost in report.Lost)
                    {
                        json.WriteStringValue(lost.ToString());
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("ports");
                    foreach (string port in report.PortResults)
                    {
                        json.WriteStringValue(port);
                    }

                    json.WriteEndArray();
                    json.WriteBoolean("restored", report.Restored);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
        else
        {
            if (reports.Count > 0)
            {
                output.WriteLine($"waits: Secondary Bus Reset held {ResetTiming.SecondaryBusResetHold.TotalMilliseconds} ms, then {ResetTiming.ResetRecovery.TotalMilliseconds} ms (after Data Link Layer Link Active on fast links) before the first request below, all-ones tolerated for {ResetTiming.ReadinessTimeout.TotalMilliseconds} ms");
            }

            foreach ((VmdController vmd, ResetReport report) in reports)
            {
                output.WriteLine($"reset {vmd.Endpoint.Address} domain {vmd.Endpoint.Domain:x}:");
                output.WriteLine($"  before  {report.FunctionsBefore} functions, fingerprint {report.FingerprintBefore:x16}");
                foreach (string port in report.PortResults)
                {
                    output.WriteLine($"  secondary bus reset of {port}");
                }

                string same = report.Restored ? "same list and resources" : "CHANGED";
                output.WriteLine($"  after   {report.FunctionsAfter} functions, fingerprint {report.FingerprintAfter:x16} ({same})");
                foreach (PciAddress lost in report.Lost)
                {
                    output.WriteLine($"  lost    {lost}: did not come back within 1 s");
                }
            }

            foreach (IdentifyResult test in tests)
            {
                output.WriteLine($"identify {test.Function}: {(test.Passed ? "ok" : "FAILED")} (delivered {test.Deliveries}x)");
            }
        }

        int exit = CommandResult.Of(host, error);
        foreach ((VmdController vmd, ResetReport report) in reports)
        {
            if (!report.Restored && exit == ExitCodes.Ok)
            {
                error.WriteLine($"vmd: {vmd.Endpoint.Address}: the domain did not come back as it was");
                exit = ExitCodes.StepFailed;
            }
        }

        foreach (IdentifyResult test in tests)
        {
            if (!test.Passed && exit == ExitCodes.Ok)
            {
                error.WriteLine($"vmd: identify on {test.Function} failed after the reset");
                exit = ExitCodes.StepFailed;
            }
        }

        return exit;
    }
}
