using System;
using Vmd.Registers;

namespace Vmd.Interrupts.Vectors;

/// <summary>
/// The child message format of VMD interrupt remapping (hardware digest §8.1): a child's MSI or MSI-X entry is
/// programmed with address 0xFEE00000 | (VMD vector index &lt;&lt; 12), upper address 0 and data 0; the index sits
/// in the x86 destination-ID field (bits 19:12), and the VMD raises that entry of its own MSI-X table.
/// </summary>
/// <remarks>Stateless; allocation-free.</remarks>
public static class VmdRemapping
{
    /// <summary>Highest VMD vector index the 8-bit destination-ID field can name.</summary>
    public const int MaxVectorIndex = (int)X86MsiAddress.DestinationIdMask;

    /// <summary>The message a child programs so that its interrupt arrives on VMD vector <paramref name="vectorIndex"/>.</summary>
    /// <param name="vectorIndex">VMD MSI-X table entry, 0–255.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index does not fit bits 19:12.</exception>
    public static MsiMessage ChildMessage(int vectorIndex)
    {
        if ((uint)vectorIndex > MaxVectorIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(vectorIndex), vectorIndex, "A remapped message names VMD vectors 0 to 255.");
        }

        return new MsiMessage(X86MsiAddress.Base | ((uint)vectorIndex << X86MsiAddress.DestinationIdShift), 0);
    }

    /// <summary>Reads the VMD vector index back from a child's message (diagnostics, simulators).</summary>
    /// <param name="message">A child's programmed message.</param>
    /// <param name="vectorIndex">Bits 19:12 of the address; 0 when false is returned.</param>
    /// <returns>False when the message is not in the remapped format (address outside 0xFEExxxxx, other bits set, data not 0).</returns>
    public static bool TryGetVectorIndex(MsiMessage message, out int vectorIndex)
    {
        const ulong indexBits = (ulong)X86MsiAddress.DestinationIdMask << X86MsiAddress.DestinationIdShift;
        if ((message.Address & ~indexBits) != X86MsiAddress.Base || message.Data != 0)
        {
            vectorIndex = 0;
            return false;
        }

        vectorIndex = (int)((message.Address >> X86MsiAddress.DestinationIdShift) & X86MsiAddress.DestinationIdMask);
        return true;
    }
}
