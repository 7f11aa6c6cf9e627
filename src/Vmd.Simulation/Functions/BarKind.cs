namespace Vmd.Simulation.Functions;

/// <summary>What a Base Address Register slot of a simulated function decodes.</summary>
public enum BarKind
{
    /// <summary>Not implemented: reads 0, writes ignored, sizing reads 0.</summary>
    None = 0,

    /// <summary>32-bit memory BAR.</summary>
    Memory32,

    /// <summary>Low half of a 64-bit memory BAR; the next slot is <see cref="Memory64Upper"/>.</summary>
    Memory64,

    /// <summary>High dword of a 64-bit memory BAR (address bits 63:32).</summary>
    Memory64Upper,

    /// <summary>I/O BAR (decoded for sizing only; the ports have no I/O space).</summary>
    Io,
}
