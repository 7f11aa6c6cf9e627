using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Upstream;

/// <summary>
/// The way a memory request (DMA or an MSI write) travels from a function towards the host, through the bridges'
/// current registers: every function on the way must have Bus Master Enable set (PCI-to-PCI Bridge 1.2 §3.2.5.3: a
/// bridge forwards upstream only while its BME is set), and a bridge forwards upstream only addresses outside its
/// memory windows. Behind a VMD the way ends at the VMD endpoint, whose BME must be set too (its requester ID
/// carries every request of the domain, hardware digest §9). A requester held in reset, dead after one, or out of D0
/// (D3hot) sends nothing: DMA and messages are dropped as if its Bus Master Enable were clear.
/// </summary>
internal static class UpstreamPath
{
    /// <summary>The machine above <paramref name="function"/>, found without checking any register; null when it hangs nowhere.</summary>
    public static MachineFabric? FindFabric(SimulatedFunction function)
    {
        Walk(function, address: null, out _, out MachineFabric? fabric);
        return fabric;
    }

    /// <summary>Follows the way up from <paramref name="requester"/> for <paramref name="address"/>; reports the first obstacle, and the machine even then.</summary>
    public static UpstreamTarget Walk(SimulatedFunction requester, ulong? address, out SimulatedVmd? vmd, out MachineFabric? fabric)
    {
        vmd = null;
        fabric = null;
        // A function in reset or out of D0 issues no requests at all; it is counted like a Bus Master Enable drop.
        UpstreamTarget obstacle = requester.BusMasterEnabled && requester.CanIssueRequests ? UpstreamTarget.Host : UpstreamTarget.BusMasterDisabled;
        SimulatedFunction current = requester;
        for (int depth = 0; depth < DomainRouter.MaxDepth; depth++)
        {
            SimulatedBus? bus = current.ParentBus;
            if (bus is null)
            {
                fabric = current.HostFabric;
                return fabric is null ? UpstreamTarget.Unroutable : obstacle;
            }

            if (bus.OwnerVmd is SimulatedVmd owner)
            {
                vmd = owner;
                fabric = owner.Fabric;
                if (obstacle == UpstreamTarget.Host && !owner.Function.BusMasterEnabled)
                {
                    obstacle = UpstreamTarget.BusMasterDisabled;
                }

                return obstacle == UpstreamTarget.Host ? UpstreamTarget.Vmd : obstacle;
            }

            SimulatedFunction? bridge = bus.UpstreamBridge;
            if (bridge is null)
            {
                return UpstreamTarget.Unroutable;
            }

            if (obstacle == UpstreamTarget.Host)
            {
                if (!bridge.BusMasterEnabled || !bridge.InD0)
                {
                    obstacle = UpstreamTarget.BusMasterDisabled;
                }
                else if (address is ulong at && BridgeWindows.Forwards(bridge, at))
                {
                    obstacle = UpstreamTarget.Unroutable;
                }
            }

            current = bridge;
        }

        return UpstreamTarget.Unroutable;
    }
}
