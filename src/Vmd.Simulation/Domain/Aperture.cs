using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>Forwards an aperture access to whatever the bridges and BARs below one root bus route its bus address to.</summary>
internal static class Aperture
{
    public static ulong Read(SimulatedBus root, ulong busAddress, int width) =>
        DomainRouter.TryRouteMemory(root, busAddress, out IMemoryTarget? target, out ulong offset) && target is not null
            ? target.Read(offset, width)
            : AccessWidth.AllOnes(width);

    public static void Write(SimulatedBus root, ulong busAddress, int width, ulong value)
    {
        if (DomainRouter.TryRouteMemory(root, busAddress, out IMemoryTarget? target, out ulong offset) && target is not null)
        {
            target.Write(offset, width, value);
        }
    }
}
