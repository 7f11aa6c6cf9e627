using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.HotPlug;
using Vmd.Core.Reports;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd hotplug insert|remove|surprise-remove --slot ADDR</c>: the bring-up through step 4 with hot-plug enabled
/// (events by the ports' own interrupts), then one hot-plug action on the simulated machine — a spare Intel NVMe pushed
/// into an empty slot, an orderly removal (the library first, then the drive pulled), or the drive pulled without
/// notice — handled by the library, and the device list's change printed.
/// </summary>
internal static class HotPlugCommand
{
    private const string Actions = "insert, remove or surprise-remove";

    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        string? action = null;
        string? slotText = null;
        for (int i = 0; i < options.Arguments.Count; i++)
        {
            string argument = options.Arguments[i];
            if (argument == "--slot")
            {
                if (i + 1 >= options.Arguments.Count)
                {
                    error.WriteLine("vmd: --slot needs an address, e.g. --slot 10000:00:03.0 (a slot's port, or a function in the slot)");
                    return ExitCodes.Usage;
                }

                if (slotText is not null)
                {
                    error.WriteLine("vmd: --slot was given twice; 'hotplug' acts on one slot");
                    return ExitCodes.Usage;
                }

                slotText = options.Arguments[++i];
            }
            else if (action is null && argument is "insert" or "remove" or "surprise-remove")
            {
                action = argument;
            }
            else
            {
                error.WriteLine($"vmd: unknown argument '{argument}' for 'hotplug'; it takes {Actions} and --slot ADDR");
                return ExitCodes.Usage;
            }
        }

        if (action is null)
        {
            error.WriteLine($"vmd: 'hotplug' needs an action: {Actions}");
            return ExitCodes.Usage;
        }

        if (slotText is null)
        {
            error.WriteLine($"vmd: 'hotplug {action}' needs --slot ADDR (a slot's port, or a function in the slot)");
            return ExitCodes.Usage;
        }

        if (!SlotTarget.TryParse(slotText, error, out PciAddress address))
        {
            return ExitCodes.Usage;
        }

        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
        StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts);
        int stepExit = CommandResult.Of(host, error);
        if (stepExit != ExitCodes.Ok)
        {
            return stepExit;
        }

        if (!SlotTarget.TryFind(host, address, error, out VmdController? vmd, out VmdSlot? slot))
        {
            return ExitCodes.Usage;
        }

        Handlers.AttachToAllButDrives(vmd);
        var events = new List<HotPlugEvent>();
        vmd.HotPlug += events.Add;
        if (!vmd.TryEnableHotPlug())
        {
            error.WriteLine($"vmd: {vmd.LastFailure}");
            return ExitCodes.StepFailed;
        }

        int before = vmd.Functions.Length;
        var removedLines = new Dictionary<PciAddress, string>();
        foreach (PciFunction function in vmd.Functions)
        {
            removedLines[function.Address] = LspciReport.Line(function);
        }

        if (!SlotTarget.TryFindSimulated(machine, vmd, slot, out PciePort? simulated))
        {
            error.WriteLine($"vmd: the simulator has no slot model behind {slot.Port}");
            return ExitCodes.InternalError;
        }

        string? refusal = action switch
        {
            "insert" when slot.Occupied => $"slot {slot.PhysicalSlotNumber} ({slot.Port}) already holds a card; remove it first, or insert into an empty slot ({SlotTarget.List(vmd, occupied: false)})",
            "remove" or "surprise-remove" when !slot.Occupied => $"slot {slot.PhysicalSlotNumber} ({slot.Port}) is empty; the occupied slots are {SlotTarget.List(vmd, occupied: true)}",
            _ => null,
        };
        if (refusal is not null)
        {
            error.WriteLine("vmd: " + refusal);
            return ExitCodes.Usage;
        }

        switch (action)
        {
            case "insert":
                SimulatedFunction drive = SpareDrives.IntelNvme(0x484F_5450_4C55_4700);
                lock (machine.SyncRoot)
                {
                    simulated.HotAdd(drive);
                }

                vmd.ProcessHotPlugEvents();
                break;
            case "remove":
                if (!vmd.TryRemoveDevice(slot.Port))
                {
                    error.WriteLine($"vmd: {vmd.LastFailure}");
                    return ExitCodes.StepFailed;
                }

                lock (machine.SyncRoot)
                {
                    simulated.HotRemove(); // the drive is pulled once the library let it go
                }

                vmd.ProcessHotPlugEvents();
                break;
            default:
                lock (machine.SyncRoot)
                {
                    simulated.HotRemove();
                }

                vmd.ProcessHotPlugEvents();
                break;
        }

        var added = new List<PciFunction>();
        var removed = new List<PciAddress>();
        string? failure = null;
        foreach (HotPlugEvent e in events)
        {
            switch (e.Kind)
            {
                case HotPlugEventKind.Inserted:
                    foreach (PciAddress a in e.Functions)
                    {
                        if (Find(vmd, a) is { } function)
                        {
                            added.Add(function);
                        }
                    }

                    break;
                case HotPlugEventKind.Removed or HotPlugEventKind.SurpriseRemoved:
                    removed.AddRange(e.Functions);
                    break;
                case HotPlugEventKind.InsertionFailed:
                    failure = e.Reason;
                    break;
            }
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("event", action);
                json.WriteString("slot", slot.Port.ToString());
                json.WriteStartArray("added");
                foreach (PciFunction function in added)
                {
                    json.WriteStringValue(function.Address.ToString());
                }

                json.WriteEndArray();
                json.WriteStartArray("removed");
                foreach (PciAddress a in removed)
                {
                    json.WriteStringValue(a.ToString());
                }

                json.WriteEndArray();
                json.WriteNumber("functions", vmd.Functions.Length);
                json.WriteNumber("physicalSlot", slot.PhysicalSlotNumber);
                json.WriteStartArray("events");
                foreach (HotPlugEvent e in events)
                {
                    json.WriteStringValue(EventName(e.Kind));
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"hotplug {action}: slot {slot.PhysicalSlotNumber} ({slot.Port}), domain {vmd.Endpoint.Domain:x}");
            foreach (HotPlugEvent e in events)
            {
                output.WriteLine($"  event   {EventName(e.Kind)}{(e.Reason is null ? string.Empty : ": " + e.Reason)}");
            }

            foreach (PciFunction function in added)
            {
                string bar0 = function.BarCount > 0 && function.GetBarCpuAddress(0) != 0 ? $"; BAR0 at {function.GetBarCpuAddress(0):x}" : string.Empty;
                output.WriteLine($"  + {LspciReport.Line(function)}{bar0}");
            }

            foreach (PciAddress a in removed)
            {
                output.WriteLine($"  - {(removedLines.TryGetValue(a, out string? line) ? line : a.ToString())}");
            }

            output.WriteLine($"  functions {before} -> {vmd.Functions.Length}; fingerprint {vmd.Fingerprint:x16}");
        }

        if (failure is not null)
        {
            error.WriteLine($"vmd: the insertion into slot {slot.PhysicalSlotNumber} failed: {failure}");
            return ExitCodes.StepFailed;
        }

        return ExitCodes.Ok;
    }

    private static string EventName(HotPlugEventKind kind) => kind switch
    {
        HotPlugEventKind.Inserted => "inserted",
        HotPlugEventKind.InsertionFailed => "insertion-failed",
        HotPlugEventKind.Removing => "removing",
        HotPlugEventKind.Removed => "removed",
        _ => "surprise-removed",
    };

    private static PciFunction? Find(VmdController vmd, PciAddress address)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.Address == address)
            {
                return function;
            }
        }

        return null;
    }
}
