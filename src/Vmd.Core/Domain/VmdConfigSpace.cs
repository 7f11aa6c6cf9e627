using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Vmd.Registers;

namespace Vmd.Core.Domain;

/// <summary>
/// The VMD's private domain as an <see cref="IConfigSpace"/>: ECAM through CFGBAR, indexed by bus relative
/// to the domain's first bus (hardware digest §4.2, §4.3). On a VMD with a second root bus, CFGBAR is split in two
/// windows: each root bus's buses are indexed from the CFGBAR bus its BUSRANGE register names (docs/decisions.md).
/// </summary>
/// <remarks>
/// <para>Every access takes this VMD's lock, because unserialised config accesses can deadlock the CPU on
/// some VMD versions; every write is followed by a read of the same offset and width, because VMD turns
/// the non-posted config write into a posted MMIO write and the read makes it complete before returning.</para>
/// <para>Addresses outside the domain (another segment, a bus outside the range), misaligned offsets and
/// offsets above 0xFFF never reach CFGBAR: reads return all-ones and writes are dropped, and each such
/// access is counted in <see cref="RejectedAccesses"/>. Nothing here allocates or throws.</para>
/// <para>A walk takes the lock once (<see cref="IExclusiveConfigAccess"/>): the accesses of the thread that holds it skip
/// the per-access lock, which in the simulator is most of the cost of an access (docs/benchmarks.md §1).</para>
/// </remarks>
public sealed class VmdConfigSpace : IConfigSpace, IExclusiveConfigAccess
{
    private readonly IMmioRegion _cfgBar;
    private readonly object _lock = new();
    private readonly uint _domain;
    private readonly byte _firstBus;
    private readonly byte _lastBus;
    private readonly int _index0;
    private readonly int _firstBus1;
    private readonly int _lastBus1;
    private readonly int _index1;
    private long _reads;
    private long _writes;
    private long _rejected;
    private long _readBacks;
    private readonly uint _span0;
    private readonly uint _span1;
    private int _exclusiveOwner;
    private int _exclusiveDepth;

    /// <summary>Creates the domain's config space over a mapped CFGBAR.</summary>
    /// <param name="cfgBar">The mapped CFGBAR; must cover every bus of the range (1 MiB each).</param>
    /// <param name="domain">The domain's segment number; other segments are outside the domain.</param>
    /// <param name="firstBus">The root bus number (relative bus 0 of CFGBAR).</param>
    /// <param name="lastBus">The last bus number of the domain.</param>
    public VmdConfigSpace(IMmioRegion cfgBar, uint domain, byte firstBus, byte lastBus)
        : this(cfgBar, domain, new ConfigWindow(firstBus, lastBus, 0), null)
    {
    }

    /// <summary>
    /// Creates the domain's config space over a mapped CFGBAR with one or two windows (the second for a second root bus).
    /// </summary>
    /// <param name="cfgBar">The mapped CFGBAR; must cover the highest CFGBAR bus either window uses.</param>
    /// <param name="domain">The domain's segment number.</param>
    /// <param name="first">The first root bus's window.</param>
    /// <param name="second">The second root bus's window, or null.</param>
    /// <exception cref="ArgumentException">The mapping is too short, or the windows overlap in bus numbers or in CFGBAR.</exception>
    public VmdConfigSpace(IMmioRegion cfgBar, uint domain, ConfigWindow first, ConfigWindow? second)
    {
        ArgumentNullException.ThrowIfNull(cfgBar);
        int highestIndex = first.CfgBarIndex + first.Count - 1;
        if (second is { } w)
        {
            if (w.FirstBus <= first.LastBus && first.FirstBus <= w.LastBus)
            {
                throw new ArgumentException($"Buses {w.FirstBus:x2}-{w.LastBus:x2} overlap buses {first.FirstBus:x2}-{first.LastBus:x2}.", nameof(second));
            }

            if (w.CfgBarIndex <= first.CfgBarIndex + first.Count - 1 && first.CfgBarIndex <= w.CfgBarIndex + w.Count - 1)
            {
                throw new ArgumentException("The two windows overlap in CFGBAR.", nameof(second));
            }

            highestIndex = Math.Max(highestIndex, w.CfgBarIndex + w.Count - 1);
        }

        ulong needed = (ulong)(highestIndex + 1) << Ecam.BusShift;
        if ((ulong)cfgBar.Length < needed)
        {
            throw new ArgumentException($"CFGBAR mapping of {(ulong)cfgBar.Length:x} bytes does not cover CFGBAR buses 0-{highestIndex}.", nameof(cfgBar));
        }

        _cfgBar = cfgBar;
        _domain = domain;
        _firstBus = first.FirstBus;
        _lastBus = first.LastBus;
        _index0 = first.CfgBarIndex;
        _span0 = (uint)(first.LastBus - first.FirstBus);
        if (second is { } s)
        {
            _firstBus1 = s.FirstBus;
            _lastBus1 = s.LastBus;
            _index1 = s.CfgBarIndex;
            _span1 = (uint)(s.LastBus - s.FirstBus);
        }
        else
        {
            // An empty second window: no bus is ever inside it.
            _firstBus1 = 0x200; // bus - 0x200 is negative for every bus, so no range compare ever matches
            _lastBus1 = 0;
        }
    }

    /// <summary>Always true: CFGBAR gives every function of the domain its full 4 KiB.</summary>
    public bool HasExtendedSpace => true;

    /// <summary>The domain's segment number.</summary>
    public uint Domain => _domain;

    /// <summary>The (first) root bus.</summary>
    public byte FirstBus => _firstBus;

    /// <summary>The last bus of the first root bus's range.</summary>
    public byte LastBus => _lastBus;

    /// <summary>The second root bus's window, or null on a VMD with one root bus.</summary>
    public ConfigWindow? SecondWindow => _lastBus1 >= _firstBus1 ? new ConfigWindow((byte)_firstBus1, (byte)_lastBus1, _index1) : null;

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

    /// <summary>True when <paramref name="address"/> is inside this domain (segment and one of the bus ranges).</summary>
    public bool Contains(PciAddress address) => address.Segment == _domain && TryIndex(address.Bus, out _);

    /// <inheritdoc />
    public byte Read8(PciAddress address, ushort offset)
    {
        if (!TryOffset(address, offset, 1, out nuint at))
        {
            return 0xFF;
        }

        if (_exclusiveOwner == Environment.CurrentManagedThreadId)
        {
            _reads++; // this thread holds the lock for its walk
            return _cfgBar.Read8(at);
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

        if (_exclusiveOwner == Environment.CurrentManagedThreadId)
        {
            _reads++; // this thread holds the lock for its walk
            return _cfgBar.Read16(at);
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

        if (_exclusiveOwner == Environment.CurrentManagedThreadId)
        {
            _reads++; // this thread holds the lock for its walk
            return _cfgBar.Read32(at);
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

    /// <inheritdoc />
    public void BeginExclusive()
    {
        Monitor.Enter(_lock);
        if (_exclusiveDepth++ == 0)
        {
            _exclusiveOwner = Environment.CurrentManagedThreadId;
        }
    }

    /// <inheritdoc />
    public void EndExclusive()
    {
        if (_exclusiveOwner != Environment.CurrentManagedThreadId)
        {
            throw new SynchronizationLockException("This thread does not hold the VMD's config lock.");
        }

        if (--_exclusiveDepth == 0)
        {
            _exclusiveOwner = 0; // managed thread IDs start at 1
        }

        Monitor.Exit(_lock);
    }

    // The hot path of every access: one range compare per window, one mask for alignment and the 4 KiB limit, and the
    // ECAM offset built from the routing ID (its low byte is device and function, as ECAM bits 19:12 want them).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryOffset(PciAddress address, ushort offset, int width, out nuint at)
    {
        int routingId = address.RoutingId;
        int bus = routingId >> 8;
        int index;
        if ((uint)(bus - _firstBus) <= _span0)
        {
            index = _index0 + bus - _firstBus;
        }
        else if ((uint)(bus - _firstBus1) <= _span1)
        {
            index = _index1 + bus - _firstBus1;
        }
        else
        {
            return Reject(out at);
        }

        if (address.Segment != _domain || (offset & ((width - 1) | ~(int)Ecam.RegisterMask)) != 0)
        {
            return Reject(out at);
        }

        at = ((nuint)(uint)index << Ecam.BusShift) | ((nuint)(uint)(routingId & 0xFF) << Ecam.FunctionShift) | offset;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Reject(out nuint at)
    {
        Interlocked.Increment(ref _rejected);
        at = 0;
        return false;
    }

    private bool TryIndex(int bus, out int index)
    {
        if (bus >= _firstBus && bus <= _lastBus)
        {
            index = _index0 + bus - _firstBus;
            return true;
        }

        if (bus >= _firstBus1 && bus <= _lastBus1)
        {
            index = _index1 + bus - _firstBus1;
            return true;
        }

        index = 0;
        return false;
    }
}
