using System.IO;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.HotPlug;
using Vmd.Enumeration.HotPlug;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd led --slot ADDR [--set off|identify|fault|rebuild]</c>: the bring-up through step 3, then the LED state of
/// the slot holding ADDR (its port, or a function in it) read from Slot Control — or set and read back.
/// </summary>
internal static class LedCommand
{
    private const string States = "off, identify, fault or rebuild";

    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        string? slotText = null;
        SlotLedState? wanted = null;
        for (int i = 0; i < options.Arguments.Count; i++)
        {
            string argument = options.Arguments[i];
            if (argument is "--slot" or "--set" && i + 1 >= options.Arguments.Count)
            {
                error.WriteLine(argument == "--slot" ? "vmd: --slot needs an address, e.g. --slot 10000:00:02.0" : $"vmd: --set needs a state: {States}");
                return ExitCodes.Usage;
            }

            if (argument == "--slot")
            {
                if (slotText is not null)
                {
                    error.WriteLine("vmd: --slot was given twice; 'led' acts on one slot");
                    return ExitCodes.Usage;
                }

                slotText = options.Arguments[++i];
            }
            else if (argument == "--set")
            {
                string text = options.Arguments[++i];
                if (!SlotLeds.TryParse(text, out SlotLedState parsed))
                {
                    error.WriteLine($"vmd: unknown LED state '{text}'; the states are {States}");
                    return ExitCodes.Usage;
                }

                wanted = parsed;
            }
            else
            {
                error.WriteLine($"vmd: unknown argument '{argument}' for 'led'; it takes --slot ADDR and --set {States.Replace(" or ", ", ", System.StringComparison.Ordinal)}");
                return ExitCodes.Usage;
            }
        }

        if (slotText is null)
        {
            error.WriteLine("vmd: 'led' needs --slot ADDR (a slot's port, or a function in the slot)");
            return ExitCodes.Usage;
        }

        if (!SlotTarget.TryParse(slotText, error, out PciAddress address))
        {
            return ExitCodes.Usage;
        }

        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
        StepRunner.RunTo(host, VmdState.Enumerated);
        int stepExit = CommandResult.Of(host, error);
        if (stepExit != ExitCodes.Ok)
        {
            return stepExit;
        }

        if (!SlotTarget.TryFind(host, address, error, out VmdController? vmd, out VmdSlot? slot))
        {
            return ExitCodes.Usage;
        }

        if (!vmd.TryGetSlotLed(slot.Port, out SlotLedState before))
        {
            error.WriteLine($"vmd: slot {slot.Port} went away during the bring-up");
            return ExitCodes.StepFailed;
        }

        if (wanted is { } state && !vmd.TrySetSlotLed(slot.Port, state))
        {
            error.WriteLine($"vmd: {vmd.LastFailure}");
            return ExitCodes.StepFailed;
        }

        vmd.TryGetSlotLed(slot.Port, out SlotLedState now);
        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("slot", slot.Port.ToString());
                json.WriteNumber("physicalSlot", slot.PhysicalSlotNumber);
                json.WriteBoolean("occupied", slot.Occupied);
                json.WriteString("before", SlotLeds.Name(before));
                json.WriteString("led", SlotLeds.Name(now));
                json.WriteEndObject();
            });
        }
        else
        {
            string change = wanted is null ? string.Empty : $" (was {SlotLeds.Name(before)})";
            output.WriteLine($"slot {slot.PhysicalSlotNumber} ({slot.Port}, {(slot.Occupied ? "occupied" : "empty")}): led {SlotLeds.Name(now)}{change}");
        }

        return ExitCodes.Ok;
    }
}
