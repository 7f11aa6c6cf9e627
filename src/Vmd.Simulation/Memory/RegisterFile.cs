using System;

namespace Vmd.Simulation.Memory;

/// <summary>
/// Plain memory behind a BAR: every byte reads back what was last written. Device models use it for
/// register blocks whose behaviour is not modelled yet, and seed it with the values hardware resets to.
/// </summary>
/// <remarks>Not thread-safe on its own; the machine's lock serialises accesses that come through the ports.</remarks>
public sealed class RegisterFile : IMemoryTarget
{
    private readonly byte[] _bytes;

    /// <summary>Creates <paramref name="length"/> bytes of zeroed registers.</summary>
    public RegisterFile(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _bytes = new byte[length];
    }

    /// <summary>Number of bytes backed; accesses past it read all-ones and are dropped.</summary>
    public int Length => _bytes.Length;

    /// <summary>The current contents.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Stores a 32-bit value as hardware would at reset (no side effects).</summary>
    public void Set32(int offset, uint value) => AccessWidth.Write(_bytes.AsSpan(offset, 4), 4, value);

    /// <summary>Stores a 64-bit value as hardware would at reset (no side effects).</summary>
    public void Set64(int offset, ulong value) => AccessWidth.Write(_bytes.AsSpan(offset, 8), 8, value);

    /// <inheritdoc />
    public ulong Read(ulong offset, int width)
    {
        if (offset + (ulong)width > (ulong)_bytes.Length)
        {
            return AccessWidth.AllOnes(width);
        }

        return AccessWidth.Read(_bytes.AsSpan((int)offset, width), width);
    }

    /// <inheritdoc />
    public void Write(ulong offset, int width, ulong value)
    {
        if (offset + (ulong)width > (ulong)_bytes.Length)
        {
            return;
        }

        AccessWidth.Write(_bytes.AsSpan((int)offset, width), width, value);
    }
}
