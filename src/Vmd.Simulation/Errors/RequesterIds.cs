using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Errors;

/// <summary>
/// A function's requester ID as it stands now (bus &lt;&lt; 8 | device &lt;&lt; 3 | function): the bus is the number the
/// function answers at through the current bus registers (the bridge above's Secondary Bus Number, a VMD root bus's
/// number, or the host address), so renumbering by software changes it as it would on hardware.
/// </summary>
internal static class RequesterIds
{
    /// <summary>Finds the requester ID; false when the function hangs nowhere a number could come from.</summary>
    public static bool TryGet(SimulatedFunction function, out ushort requesterId)
    {
        requesterId = 0;
        SimulatedBus? bus = function.ParentBus;
        if (bus is null)
        {
            return function.HostFabric is { } fabric && fabric.TryGetHostRoutingId(function, out requesterId);
        }

        if (!TryFindSlot(bus, function, out int device, out int functionNumber))
        {
            return false;
        }

        int number;
        if (bus.UpstreamBridge is SimulatedFunction bridge)
        {
            number = bridge.Read8(Type1Header.SecondaryBusNumber);
        }
        else if (bus.OwnerVmd is Domain.SimulatedVmd vmd)
        {
            number = ReferenceEquals(bus, vmd.SecondRootBus) ? Domain.SimulatedVmd.SecondRootBusNumber : vmd.BusStart;
        }
        else
        {
            number = 0;
        }

        requesterId = (ushort)((number << 8) | (device << 3) | functionNumber);
        return true;
    }

    private static bool TryFindSlot(SimulatedBus bus, SimulatedFunction function, out int device, out int functionNumber)
    {
        for (int i = 0; i < bus.Count; i++)
        {
            if (ReferenceEquals(bus.GetAt(i, out device, out functionNumber), function))
            {
                return true;
            }
        }

        device = 0;
        functionNumber = 0;
        return false;
    }
}
