using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>Forwards an aperture access to whatever the domain's bridges and BARs route its bus address to.</summary>
internal static class Aperture
{
    public static ulong Read(SimulatedVmd vmd, ulong busAddress, int width) =>
        DomainRouter.TryRouteMemory(vmd.RootBus, busAddress, out IMemoryTarget? target, out ulong offset) && target is not null
            ? target.Read(offset, width)
            : AccessWidth.AllOnes(width);

    public static void Write(SimulatedVmd vmd, ulong busAddress, int width, ulong value)
    {
        if (DomainRouter.TryRouteMemory(vmd.RootBus, busAddress, out IMemoryTarget? target, out ulong offset) && target is not null)
        {
            target.Write(offset, width, value);
        }
    }
}
