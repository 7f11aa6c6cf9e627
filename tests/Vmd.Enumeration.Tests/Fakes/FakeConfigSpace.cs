using System.Collections.Generic;

namespace Vmd.Enumeration.Tests.Fakes;

/// <summary>
/// An <see cref="IConfigSpace"/> over <see cref="FakeFunction"/> register maps. Absent functions read
/// all-ones and ignore writes; on a legacy host offsets from 0x100 read all-ones (and are counted, so a
/// test can prove they were never asked for). Reads and writes allocate nothing.
/// </summary>
public sealed class FakeConfigSpace : IConfigSpace
{
    private readonly Dictionary<PciAddress, FakeFunction> _functions = new();

    public bool HasExtendedSpace { get; set; } = true;

    /// <summary>Accesses a legacy host could not have made (offset 0x100 or above while <see cref="HasExtendedSpace"/> is false).</summary>
    public int UnreachableAccesses { get; private set; }

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    public FakeFunction Add(PciAddress address)
    {
        var function = new FakeFunction();
        _functions[address] = function;
        return function;
    }

    public byte Read8(PciAddress address, ushort offset) => TryReach(address, offset, read: true, out FakeFunction? f) ? f.Read8(offset) : (byte)0xFF;

    public ushort Read16(PciAddress address, ushort offset) => TryReach(address, offset, read: true, out FakeFunction? f) ? f.Read16(offset) : (ushort)0xFFFF;

    public uint Read32(PciAddress address, ushort offset) => TryReach(address, offset, read: true, out FakeFunction? f) ? f.Read32(offset) : 0xFFFF_FFFF;

    public void Write8(PciAddress address, ushort offset, byte value)
    {
        if (TryReach(address, offset, read: false, out FakeFunction? f))
        {
            f.Write8(offset, value);
        }
    }

    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        if (TryReach(address, offset, read: false, out FakeFunction? f))
        {
            f.Write16(offset, value);
        }
    }

    public void Write32(PciAddress address, ushort offset, uint value)
    {
        if (TryReach(address, offset, read: false, out FakeFunction? f))
        {
            f.Write32(offset, value);
        }
    }

    private bool TryReach(PciAddress address, ushort offset, bool read, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FakeFunction? function)
    {
        if (read)
        {
            Reads++;
        }
        else
        {
            Writes++;
        }

        if (!HasExtendedSpace && offset > ConfigSpaceExtensions.MaxLegacyOffset)
        {
            UnreachableAccesses++;
            function = null;
            return false;
        }

        return _functions.TryGetValue(address, out function);
    }
}
