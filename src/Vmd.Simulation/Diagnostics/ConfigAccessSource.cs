namespace Vmd.Simulation.Diagnostics;

/// <summary>Which path a configuration access took into the simulated hardware.</summary>
public enum ConfigAccessSource
{
    /// <summary>The host's configuration port (<see cref="Host.SimulatedHostConfigSpace"/>), segment 0.</summary>
    Host = 0,

    /// <summary>An ECAM access through a VMD's CFGBAR into its private domain.</summary>
    VmdDomain = 1,
}
