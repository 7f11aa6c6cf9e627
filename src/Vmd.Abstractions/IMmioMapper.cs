using System.Diagnostics.CodeAnalysis;

namespace Vmd;

/// <summary>The host's mapping port: physical address and length in, an uncached <see cref="IMmioRegion"/> out.</summary>
/// <remarks>Called only at bring-up, reset and hot-plug time, never at interrupt time.</remarks>
public interface IMmioMapper
{
    /// <summary>Maps <paramref name="length"/> bytes at <paramref name="physicalAddress"/> uncached.</summary>
    /// <returns>False when the host cannot map the range (no virtual space, range refused); nothing is mapped then.</returns>
    bool TryMap(ulong physicalAddress, ulong length, [NotNullWhen(true)] out IMmioRegion? region);

    /// <summary>Releases a region returned by <see cref="TryMap"/>. The library calls it once per region.</summary>
    void Unmap(IMmioRegion region);
}
