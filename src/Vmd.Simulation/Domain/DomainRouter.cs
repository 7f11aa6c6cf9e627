using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>
/// Routes requests inside a VMD domain the way bridges do, from their current registers: configuration by
/// bus number (secondary ≤ bus ≤ subordinate), memory by window and Memory Space Enable. A bridge out of D0
/// (D3hot) claims what its registers say but forwards nothing below it.
/// </summary>
/// <remarks>
/// The first bridge on a bus (in device, function order) whose range claims a request takes it, even when
/// nothing answers below; so stale or duplicated bus numbers hide devices as they would on hardware. The
/// walk is bounded by <see cref="MaxDepth"/> so a topology whose bus object is plugged below itself cannot hang it.
/// </remarks>
internal static class DomainRouter
{
    /// <summary>Most bridge levels followed: no bus hierarchy is deeper than the 256 bus numbers.</summary>
    public const int MaxDepth = 256;

    public static SimulatedFunction? RouteConfig(SimulatedBus root, int busStart, int bus, int device, int function)
    {
        if (bus == busStart)
        {
            return root.Get(device, function);
        }

        return RouteBelow(root, bus, device, function, 0);
    }

    public static bool TryRouteMemory(SimulatedBus bus, ulong address, out IMemoryTarget? target, out ulong offset) =>
        TryRouteMemory(bus, address, out target, out offset, 0);

    private static SimulatedFunction? RouteBelow(SimulatedBus bus, int target, int device, int function, int depth)
    {
        if (depth >= MaxDepth)
        {
            return null;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction bridge = bus.GetAt(i, out _, out _);
            if (!bridge.IsBridge)
            {
                continue;
            }

            int secondary = bridge.Read8(Type1Header.SecondaryBusNumber);
            int subordinate = bridge.Read8(Type1Header.SubordinateBusNumber);
            if (target < secondary || target > subordinate)
            {
                continue;
            }

            // A bridge out of D0 claims the request but forwards nothing below it.
            if (!bridge.InD0)
            {
                return null;
            }

            SimulatedBus? below = bridge.SecondaryBus;
            if (below is null)
            {
                return null;
            }

            if (target == secondary)
            {
                // A link carries one device: a type 0 request for another device number is not claimed,
                // unless the port forwards ARI function numbers (Device Control 2 bit 5 set by software).
                return below.IsLink && device != 0 && !AriRouting.ForwardingEnabled(bridge) ? null : below.Get(device, function);
            }

            return RouteBelow(below, target, device, function, depth + 1);
        }

        return null;
    }

    private static bool TryRouteMemory(SimulatedBus bus, ulong address, out IMemoryTarget? target, out ulong offset, int depth)
    {
        target = null;
        offset = 0;
        if (depth >= MaxDepth)
        {
            return false;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            if (function.TryDecodeMemory(address, out target, out offset))
            {
                return true;
            }

            if (function.IsBridge && function.MemorySpaceEnabled && function.SecondaryBus is SimulatedBus below && BridgeWindows.Forwards(function, address))
            {
                // A bridge out of D0 claims the window but forwards nothing: all-ones.
                return !function.InD0 || TryRouteMemory(below, address, out target, out offset, depth + 1);
            }
        }

        return false;
    }
}
