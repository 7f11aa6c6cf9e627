namespace Vmd.Core.Diagnostics;

/// <summary>Host memory a device may DMA into: its physical (bus) address and the host's mapping of it.</summary>
public readonly struct DmaBuffer
{
    /// <summary>Creates the record; <paramref name="region"/> maps <paramref name="physicalAddress"/> for its whole length.</summary>
    public DmaBuffer(ulong physicalAddress, IMmioRegion region)
    {
        PhysicalAddress = physicalAddress;
        Region = region;
    }

    /// <summary>The address devices are given (page aligned).</summary>
    public ulong PhysicalAddress { get; }

    /// <summary>The CPU's view of the same bytes.</summary>
    public IMmioRegion Region { get; }
}
