using System.Collections.Generic;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Domain;

/// <summary>The hot-plug slots of the domain, found by walking the physical topology (not the bus-number registers).</summary>
public sealed partial class SimulatedVmd
{
    /// <summary>
    /// Every hot-plug-capable root or downstream port of the domain (both root buses, through switches and anything
    /// inserted since), in topology order: root bus in device/function order, depth first.
    /// </summary>
    public IReadOnlyList<PciePort> HotPlugSlots
    {
        get
        {
            var slots = new List<PciePort>();
            Collect(RootBus, slots, 0);
            if (SecondRootBus is SimulatedBus second)
            {
                Collect(second, slots, 0);
            }

            return slots;
        }
    }

    /// <summary>The hot-plug-capable port whose Slot Capabilities report <paramref name="physicalSlotNumber"/>, or null.</summary>
    public PciePort? FindSlot(int physicalSlotNumber)
    {
        foreach (PciePort port in HotPlugSlots)
        {
            if (port.PhysicalSlotNumber == physicalSlotNumber)
            {
                return port;
            }
        }

        return null;
    }

    /// <summary>Calls <see cref="PciePort.Update"/> on every hot-plug slot: applies what has become due on the machine's clock.</summary>
    public void UpdateSlots()
    {
        foreach (PciePort port in HotPlugSlots)
        {
            port.Update();
        }
    }

    private static void Collect(SimulatedBus bus, List<PciePort> slots, int depth)
    {
        if (depth >= DomainRouter.MaxDepth)
        {
            return;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            if (PciePort.TryGet(function, out PciePort? port) && port.IsHotPlugCapable)
            {
                slots.Add(port);
            }

            if (function.IsBridge && function.SecondaryBus is SimulatedBus below)
            {
                Collect(below, slots, depth + 1);
            }
        }
    }
}
