using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Fuzzing;

/// <summary>One generated machine and what was put into it; the same seed always gives the same case.</summary>
public sealed class FuzzCase
{
    internal FuzzCase(int seed, SimulatedMachine machine, VmdOptions vmd, int functions, int bridges, int buses, FuzzFeatures features)
    {
        Seed = seed;
        Machine = machine;
        Vmd = vmd;
        Functions = functions;
        Bridges = bridges;
        Buses = buses;
        Features = features;
    }

    /// <summary>The seed that identifies the case: print it when a check fails.</summary>
    public int Seed { get; }

    /// <summary>The machine: one VMD (at 00:0e.0) with the generated domain behind it.</summary>
    public SimulatedMachine Machine { get; }

    /// <summary>The VMD endpoint's options as generated (device ID, registers, BAR sizes, shadow values).</summary>
    public VmdOptions Vmd { get; }

    /// <summary>Functions built behind the VMD, reachable or not (vanishing and all-ones ones included).</summary>
    public int Functions { get; }

    /// <summary>Bridges among <see cref="Functions"/>.</summary>
    public int Bridges { get; }

    /// <summary>Bus segments built: the root bus (two with a second root bus) plus one below each bridge that has one.</summary>
    public int Buses { get; }

    /// <summary>The hostile kinds the case contains.</summary>
    public FuzzFeatures Features { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"seed {Seed}: VMD {Vmd.DeviceId:x4}, {Functions} functions ({Bridges} bridges), {Buses} buses, {Features}";
}
