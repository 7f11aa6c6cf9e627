using System;
using System.Threading;
using Vmd.Registers;

namespace Vmd.Core.Domain;

/// <summary>
/// The VMD's private domain as an <see cref="IConfigSpace"/>: ECAM through CFGBAR, indexed by bus relative
/// to the domain's first bus (hardware digest §4.2, §4.3).
/// </summary>
/// <remarks>
/// <para>Every access takes this VMD's lock, because unserialised config accesses can deadlock the CPU on
/// some VMD versions; every write is followed by a read of the same offset and width, because VMD turns
/// the non-posted config write into a posted MMIO write and the read makes it complete before returning.</para>
/// <para>Addresses outside the domain (another segment, a bus outside the range), misaligned offsets and
/// offsets above 0xFFF never reach CFGBAR: reads return all-ones and writes are dropped, and each such
/// access is counted in <see cref="RejectedAccesses"/>. Nothing here allocates or throws.</para>
/// </remarks>
public sealed class VmdConfigSpace : IConfigSpace
{
    private readonly IMmioRegion _cfgBar;
    private readonly object _lock = new();
    private readonly uint _domain;
    private readonly byte _firstBus;
    private readonly byte _lastBus;
    private long _reads;
    private long _writes;
    private long _rejected;
    private long _readBacks;

    /// <summary>Creates the domain's config space over a mapped CFGBAR.</summary>
    /// <param name="cfgBar">The mapped CFGBAR; must cover every bus of the range (1 MiB each).</param>
    /// <param name="domain">The domain's segment number; other segments are outside the domain.</param>
    /// <param name="firstBus">The root bus number (relative bus 0 of CFGBAR).</param>
    /// <param name="lastBus">The last bus number of the domain.</param>
    public VmdConfigSpace(IMmioRegion cfgBar, uint domain, byte firstBus, byte lastBus)
    {
        ArgumentNullException.ThrowIfNull(cfgBar);
        if (lastBus < firstBus)
        {
            throw new ArgumentOutOfRangeException(nameof(lastBus), lastBus, "The last bus must not be below the first.");
        }

        ulong needed = (ulong)(lastBus - firstBus + 1) << Ecam.BusShift;
        if ((ulong)cfgBar.Length < needed)
        {
            throw new ArgumentException($"CFGBAR mapping of {(ulong)cfgBar.Length:x} bytes does not cover buses {firstBus:x2}-{lastBus:x2}.", nameof(cfgBar));
        }

        _cfgBar = cfgBar;
        _domain = domain;
        _firstBus = firstBus;
        _lastBus = lastBus;
    }

    /// <summary>Always true: CFGBAR gives every function of the domain its full 4 KiB.</summary>
    public bool HasExtendedSpace => true;

    /// <summary>The domain's segment number.</summary>
    public uint Domain => _domain;

    /// <summary>The root bus.</summary>
    public byte FirstBus => _firstBus;

    /// <summary>The last bus of the domain.</summary>
    public byte LastBus => _lastBus;

    /// <summary>Config reads that reached CFGBAR (read-backs after writes not included).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Config writes that reached CFGBAR.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Reads issued after writes to make them complete (one per write that reached CFGBAR).</summary>
    public long ReadBacks => Interlocked.Read(ref _readBacks);

    /// <summary>Every read that crossed the VMD: <see cref="Reads"/> plus <see cref="ReadBacks"/>.</summary>
    public long HardwareReads => Reads + ReadBacks;

    /// <summary>Accesses refused before reaching CFGBAR (outside the domain, misaligned or past 0xFFF).</summary>
    public long RejectedAccesses => Interlocked.Read(ref _rejected);

    /// <summary>True when <paramref name="address"/> is inside this domain (segment and bus range).</summary>
    public bool Contains(PciAddress address) => address.Segment == _domain && address.Bus >= _firstBus && address.Bus <= _lastBus;

    /// <inheritdoc />
    public byte Read8(PciAddress address, ushort offset)
    {
        if (!TryOffset(address, offset, 1, out nuint at))
        {
            return 0xFF;
        }

        lock (_lock)
        {
            _reads++;
            return _cfgBar.Read8(at);
        }
    }

    /// <inheritdoc />
    public ushort Read16(PciAddress address, ushort offset)
    {
        if (!TryOffset(address, offset, 2, out nuint at))
        {
            return 0xFFFF;
        }

        lock (_lock)
        {
            _reads++;
            return _cfgBar.Read16(at);
        }
    }

    /// <inheritdoc />
    public uint Read32(PciAddress address, ushort offset)
    {
        if (!TryOffset(address, offset, 4, out nuint at))
        {
            return 0xFFFF_FFFF;
        }

        lock (_lock)
        {
            _reads++;
            return _cfgBar.Read32(at);
        }
    }

    /// <inheritdoc />
    public void Write8(PciAddress address, ushort offset, byte value)
    {
        if (!TryOffset(address, offset, 1, out nuint at))
        {
            return;
        }

        lock (_lock)
        {
            _writes++;
            _readBacks++;
            _cfgBar.Write8(at, value);
            _ = _cfgBar.Read8(at); // VMD posts config writes; the read makes this one complete.
        }
    }

    /// <inheritdoc />
    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        if (!TryOffset(address, offset, 2, out nuint at))
        {
            return;
        }

        lock (_lock)
        {
            _writes++;
            _readBacks++;
            _cfgBar.Write16(at, value);
            _ = _cfgBar.Read16(at);
        }
    }

    /// <inheritdoc />
    public void Write32(PciAddress address, ushort offset, uint value)
    {
        if (!TryOffset(address, offset, 4, out nuint at))
        {
            return;
        }

        lock (_lock)
        {
            _writes++;
            _readBacks++;
            _cfgBar.Write32(at, value);
            _ = _cfgBar.Read32(at);
        }
    }

    private bool TryOffset(PciAddress address, ushort offset, int width, out nuint at)
    {
        if (address.Segment != _domain || address.Bus < _firstBus || address.Bus > _lastBus
            || (offset & (width - 1)) != 0 || offset > Ecam.RegisterMask)
        {
            Interlocked.Increment(ref _rejected);
            at = 0;
            return false;
        }

        at = (nuint)Ecam.Offset(address.Bus - _firstBus, address.Device, address.Function, offset);
        return true;
    }
}
