using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Diagnostics;

/// <summary>One configuration access as the hardware saw it, handed to an <see cref="IConfigAccessObserver"/>.</summary>
public readonly struct ConfigAccess
{
    internal ConfigAccess(ConfigAccessSource source, PciAddress address, ushort offset, int width, uint value, bool isWrite, bool claimed, SimulatedVmd? vmd)
    {
        Source = source;
        Address = address;
        Offset = offset;
        Width = width;
        Value = value;
        IsWrite = isWrite;
        Claimed = claimed;
        Vmd = vmd;
    }

    /// <summary>The path the access took.</summary>
    public ConfigAccessSource Source { get; }

    /// <summary>
    /// The function addressed. Host accesses carry segment 0; domain accesses carry the VMD's
    /// <see cref="SimulatedVmd.DomainSegment"/> and the absolute bus (bus start + relative bus; only its low
    /// 8 bits when that sum passes 255, in which case <see cref="Claimed"/> is false).
    /// </summary>
    public PciAddress Address { get; }

    /// <summary>Register offset inside the function's configuration space (0x000–0xFFF).</summary>
    public ushort Offset { get; }

    /// <summary>Access width in bytes: 1, 2 or 4.</summary>
    public int Width { get; }

    /// <summary>For a read, the value returned (all-ones when unclaimed); for a write, the value the caller wrote.</summary>
    public uint Value { get; }

    /// <summary>True for a write, false for a read.</summary>
    public bool IsWrite { get; }

    /// <summary>True when a function answered; false when the access read all-ones or was dropped.</summary>
    public bool Claimed { get; }

    /// <summary>The VMD whose CFGBAR carried a domain access; null for host accesses.</summary>
    public SimulatedVmd? Vmd { get; }
}
