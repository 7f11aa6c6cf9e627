namespace Vmd.Simulation.Memory;

/// <summary>
/// What sits behind a memory BAR of a simulated function: a register file, an MSI-X table, a VMD
/// aperture. The machine decodes a physical (or, inside a VMD domain, bus) address to a BAR and calls
/// its target with the offset inside that BAR.
/// </summary>
/// <remarks>
/// This is a device model's side, not a host port, so the width is a parameter: every model decodes it
/// the same way. Callers guarantee <c>width</c> is 1, 2, 4 or 8 and <c>offset</c> is aligned to it and
/// inside the BAR. Calls happen with the machine's lock held; implementations must not block on other
/// threads. A target that does not claim an offset reads all-ones and drops writes, as a master abort does.
/// </remarks>
public interface IMemoryTarget
{
    /// <summary>Reads <paramref name="width"/> bytes at <paramref name="offset"/>, little-endian, zero-extended.</summary>
    ulong Read(ulong offset, int width);

    /// <summary>Writes the low <paramref name="width"/> bytes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    void Write(ulong offset, int width, ulong value);
}
