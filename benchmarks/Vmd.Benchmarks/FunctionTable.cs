using System;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;

namespace Vmd.Benchmarks;

/// <summary>
/// The functions of a VMD domain as they are routed now, indexed by routing ID (bus &lt;&lt; 8 | device &lt;&lt; 3 | function,
/// absolute bus numbers): 65 536 slots, so no index can fall outside. Built once after the bridges were numbered;
/// valid as long as the bus numbers stay as they are (a re-scan, or an enumeration that numbers them the same).
/// </summary>
internal sealed class FunctionTable
{
    private FunctionTable(SimulatedFunction?[] functions, int firstBus, int lastBus)
    {
        Functions = functions;
        FirstBus = firstBus;
        LastBus = lastBus;
    }

    /// <summary>The slots, by routing ID; null where nothing answers.</summary>
    public SimulatedFunction?[] Functions { get; }

    /// <summary>The domain's root bus.</summary>
    public int FirstBus { get; }

    /// <summary>The domain's last bus.</summary>
    public int LastBus { get; }

    /// <summary>Routes every (bus, device, function) of the range through the simulator once.</summary>
    public static FunctionTable Capture(SimulatedVmd vmd, int firstBus, int lastBus)
    {
        ArgumentNullException.ThrowIfNull(vmd);
        var functions = new SimulatedFunction?[ushort.MaxValue + 1];
        for (int bus = firstBus; bus <= lastBus; bus++)
        {
            for (int device = 0; device <= PciAddress.MaxDevice; device++)
            {
                for (int function = 0; function <= PciAddress.MaxFunction; function++)
                {
                    functions[(bus << 8) | (device << 3) | function] = vmd.FindFunction(bus, device, function);
                }
            }
        }

        return new FunctionTable(functions, firstBus, lastBus);
    }

    /// <summary>The function at an absolute routing ID, or null.</summary>
    public SimulatedFunction? Get(int bus, int device, int function) => Functions[(bus << 8) | (device << 3) | function];
}
