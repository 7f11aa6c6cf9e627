namespace Vmd.Enumeration.Resources;

/// <summary>
/// A range of memory the domain's devices may be given (for a VMD: MEMBAR1, or MEMBAR2 after its reserved
/// start). Addresses are CPU physical; devices are programmed with bus addresses = CPU − <see cref="BusOffset"/>.
/// </summary>
public readonly struct Aperture
{
    /// <summary>Creates an aperture.</summary>
    /// <param name="name">Short name for reports (e.g. "MEMBAR1").</param>
    /// <param name="cpuBase">First CPU physical address.</param>
    /// <param name="length">Length in bytes.</param>
    /// <param name="busOffset">CPU address minus bus address, modulo 2^64 (0 on bare metal).</param>
    public Aperture(string name, ulong cpuBase, ulong length, ulong busOffset)
    {
        Name = name;
        CpuBase = cpuBase;
        Length = length;
        BusOffset = busOffset;
    }

    /// <summary>Short name for reports.</summary>
    public string Name { get; }

    /// <summary>First CPU physical address.</summary>
    public ulong CpuBase { get; }

    /// <summary>Length in bytes.</summary>
    public ulong Length { get; }

    /// <summary>CPU address minus bus address (modulo 2^64).</summary>
    public ulong BusOffset { get; }

    /// <summary>First bus address.</summary>
    public ulong BusBase => unchecked(CpuBase - BusOffset);

    /// <summary>Last bus address (inclusive).</summary>
    public ulong BusLimit => BusBase + Length - 1;

    /// <summary>True when every bus address is below 4 GiB (reachable through a bridge's 32-bit non-prefetchable window).</summary>
    public bool IsBelow4GiB => Length != 0 && BusLimit <= uint.MaxValue;
}
