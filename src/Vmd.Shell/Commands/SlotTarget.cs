using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Text;
using Vmd.Core;
using Vmd.Core.HotPlug;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Domain;

namespace Vmd.Shell.Commands;

/// <summary>Resolves <c>--slot ADDR</c> of <c>hotplug</c> and <c>led</c>: a slot's port, or a function in the slot.</summary>
internal static class SlotTarget
{
    public static bool TryParse(string text, TextWriter error, out PciAddress address)
    {
        if (PciAddress.TryParse(text, out address, out string? why))
        {
            return true;
        }

        error.WriteLine($"vmd: --slot '{text}' is not a PCI address: {why}");
        return false;
    }

    /// <summary>Finds the VMD whose domain holds <paramref name="address"/> and the slot at or above it.</summary>
    public static bool TryFind(VmdHost host, PciAddress address, TextWriter error, [NotNullWhen(true)] out VmdController? vmd, [NotNullWhen(true)] out VmdSlot? slot)
    {
        slot = null;
        foreach (VmdController candidate in host.Controllers)
        {
            if (candidate.State < VmdState.Enumerated || candidate.Endpoint.Domain != address.Segment)
            {
                continue;
            }

            vmd = candidate;
            foreach (VmdSlot s in candidate.Slots)
            {
                if (s.Port == address)
                {
                    slot = s;
                    return true;
                }
            }

            foreach (PciFunction function in candidate.Functions)
            {
                if (function.Address != address)
                {
                    continue;
                }

                for (PciFunction? up = function.Parent; up is not null; up = up.Parent)
                {
                    foreach (VmdSlot s in candidate.Slots)
                    {
                        if (s.Port == up.Address)
                        {
                            slot = s;
                            return true;
                        }
                    }
                }
            }

            error.WriteLine($"vmd: {address} is neither a hot-plug slot nor in one; the slots of domain {candidate.Endpoint.Domain:x} are {List(candidate, occupied: null)}");
            return false;
        }

        vmd = null;
        error.WriteLine($"vmd: {address} is not in a VMD domain of this machine (its segment must be a VMD's domain, e.g. 10000)");
        return false;
    }

    /// <summary>The simulator's model of the slot's port.</summary>
    public static bool TryFindSimulated(SimulatedMachine machine, VmdController vmd, VmdSlot slot, [NotNullWhen(true)] out PciePort? port)
    {
        port = null;
        foreach (SimulatedVmd simulated in machine.Vmds)
        {
            if (simulated.Address == vmd.Endpoint.Address)
            {
                SimulatedFunction? function = simulated.FindFunction(slot.Port.Bus, slot.Port.Device, slot.Port.Function);
                return function is not null && PciePort.TryGet(function, out port);
            }
        }

        return false;
    }

    /// <summary>"slot 1 10000:00:00.0 (empty), slot 3 10000:00:02.0 (occupied)"; filtered by occupancy when given, then without the state.</summary>
    public static string List(VmdController vmd, bool? occupied)
    {
        var text = new StringBuilder();
        foreach (VmdSlot slot in vmd.Slots)
        {
            if (occupied is { } wanted && slot.Occupied != wanted)
            {
                continue;
            }

            text.Append(text.Length == 0 ? string.Empty : ", ")
                .Append("slot ").Append(slot.PhysicalSlotNumber).Append(' ').Append(slot.Port.ToString());
            if (occupied is null)
            {
                // Filtered lists all share one state; the full list says each slot's.
                text.Append(slot.Occupied ? " (occupied)" : " (empty)");
            }
        }

        return text.Length == 0 ? "none" : text.ToString();
    }
}
