using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Capabilities;

/// <summary>
/// Entry points for walking and searching a function's capability lists; see
/// <see cref="StandardCapabilityEnumerator"/> and <see cref="ExtendedCapabilityEnumerator"/> for the bounds.
/// </summary>
/// <remarks>Stateless; allocation-free; never throws for hardware values; only reads the port.</remarks>
public static class CapabilityWalker
{
    /// <summary>A walk over the standard list (from the pointer at 0x34, when Status bit 4 is set).</summary>
    public static StandardCapabilityEnumerator EnumerateStandard(IConfigSpace config, PciAddress address) => new(config, address);

    /// <summary>A walk over the extended list (from 0x100; empty on a host without extended space).</summary>
    public static ExtendedCapabilityEnumerator EnumerateExtended(IConfigSpace config, PciAddress address) => new(config, address);

    /// <summary>Finds the first standard capability with <paramref name="id"/>.</summary>
    /// <returns>True with its config offset; false when absent or the list broke before it.</returns>
    public static bool TryFind(IConfigSpace config, PciAddress address, CapabilityId id, out ushort offset) =>
        TryFind(config, address, id, out offset, out _);

    /// <summary>Finds the first standard capability with <paramref name="id"/>, telling why it was not found.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="id">The capability wanted.</param>
    /// <param name="offset">Its config offset; 0 when false is returned.</param>
    /// <param name="error">None when found or when the list ended without it; otherwise why the walk stopped.</param>
    public static bool TryFind(IConfigSpace config, PciAddress address, CapabilityId id, out ushort offset, out VmdError error)
    {
        var walk = new StandardCapabilityEnumerator(config, address);
        while (walk.MoveNext())
        {
            if (walk.Current.Id == id)
            {
                offset = walk.Current.Offset;
                error = VmdError.None;
                return true;
            }
        }

        offset = 0;
        error = walk.Error;
        return false;
    }

    /// <summary>Finds the first extended capability with <paramref name="id"/>; false on a host without extended space.</summary>
    public static bool TryFindExtended(IConfigSpace config, PciAddress address, ExtendedCapabilityId id, out ushort offset) =>
        TryFindExtended(config, address, id, out offset, out _);

    /// <summary>Finds the first extended capability with <paramref name="id"/>, telling why it was not found.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="id">The capability wanted.</param>
    /// <param name="offset">Its config offset; 0 when false is returned.</param>
    /// <param name="error">None when found or when the list ended without it; otherwise why the walk stopped.</param>
    public static bool TryFindExtended(IConfigSpace config, PciAddress address, ExtendedCapabilityId id, out ushort offset, out VmdError error)
    {
        var walk = new ExtendedCapabilityEnumerator(config, address);
        while (walk.MoveNext())
        {
            if (walk.Current.Id == id)
            {
                offset = walk.Current.Offset;
                error = VmdError.None;
                return true;
            }
        }

        offset = 0;
        error = walk.Error;
        return false;
    }
}
