using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Core.Interrupts;
using Vmd.Core.Reports;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd irq [--test] [--mode remapped|bypass|polling]</c>: the whole bring-up through step 4, a handler on MSI-X or
/// MSI entry 0 of every function that has one (as a kernel's drivers would), then the vector table; with
/// <c>--test</c>, an NVMe Identify round trip on every drive. Exit 0 only when every completion arrived exactly once.
/// </summary>
internal static class IrqCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        bool test = false;
        var routing = new InterruptRoutingOptions();
        for (int i = 0; i < options.Arguments.Count; i++)
        {
            string argument = options.Arguments[i];
            if (argument == "--test")
            {
                test = true;
            }
            else if (argument == "--mode" && i + 1 >= options.Arguments.Count)
            {
                error.WriteLine("vmd: --mode needs a mode: remapped, bypass or polling");
                return ExitCodes.Usage;
            }
            else if (argument == "--mode")
            {
                string mode = options.Arguments[++i];
                switch (mode)
                {
                    case "remapped":
                        routing.Mode = InterruptRoutingMode.Remapped;
                        break;
                    case "bypass":
                        routing.Mode = InterruptRoutingMode.Bypass;
                        break;
                    case "polling":
                        routing.Mode = InterruptRoutingMode.Polling;
                        break;
                    default:
                        error.WriteLine($"vmd: unknown interrupt mode '{mode}'; the modes are remapped, bypass and polling");
                        return ExitCodes.Usage;
                }
            }
            else
            {
                error.WriteLine($"vmd: unknown argument '{argument}' for 'irq'; it takes --test and --mode remapped|bypass|polling");
                return ExitCodes.Usage;
            }
        }

        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions(), loggers);
        StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts, routing);
        var results = new List<IdentifyResult>();
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State < VmdState.InterruptsRouted)
            {
                continue;
            }

            List<PciFunction> nvme = Handlers.AttachToAllButDrives(vmd);
            if (test)
            {
                foreach (PciFunction drive in nvme)
                {
                    results.Add(RunProbe(machine, vmd, drive));
                }
            }

            Handlers.AttachToDrives(vmd, nvme);
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json => IrqReport.WriteJson(json, host, results));
        }
        else
        {
            IrqReport.Write(output, host, results);
        }

        int exit = CommandResult.Of(host, error);
        foreach (IdentifyResult result in results)
        {
            if (!result.Passed && exit == ExitCodes.Ok)
            {
                error.WriteLine($"vmd: identify on {result.Function} was not delivered exactly once");
                exit = ExitCodes.StepFailed;
            }
        }

        return exit;
    }

    public static IdentifyResult RunProbe(SimulatedMachine machine, VmdController vmd, PciFunction drive)
    {
        ulong address = machine.PhysicalMemory.AllocateDma(0x3000);
        if (!machine.Memory.TryMap(address, 0x3000, out IMmioRegion? region))
        {
            return NvmeIdentifyProbe.Run(vmd, machine.Memory, drive, default, machine.TimeProvider);
        }

        try
        {
            return NvmeIdentifyProbe.Run(vmd, machine.Memory, drive, new DmaBuffer(address, region), machine.TimeProvider);
        }
        finally
        {
            machine.Memory.Unmap(region);
        }
    }
}
