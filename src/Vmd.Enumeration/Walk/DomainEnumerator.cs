using System;
using System.Collections.Generic;
using System.IO.Hashing;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Capabilities;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Walk;

/// <summary>
/// Enumerates one PCI domain depth-first from its root bus (or root buses, one after the other): finds every
/// function, numbers the bridges inside each root bus's range, sizes BARs, and keeps the result as reusable <see cref="PciFunction"/>
/// records. <see cref="Rescan"/> walks the domain again read-only and, when nothing changed, allocates nothing.
/// </summary>
/// <remarks>
/// Bounded on hostile hardware: every bus number it programs comes from its own counter inside the range,
/// so the walk visits each bus at most once and recurses at most (bus count) deep; capability walks are
/// bounded; at most <see cref="EnumerationOptions.MaxFunctions"/> functions are listed. Absent device
/// slots cost one config read each. Not thread-safe: one enumerator per domain, called from one thread.
/// </remarks>
public sealed partial class DomainEnumerator
{
    private const int InitialCapacity = 32;
    private const uint AllOnes = 0xFFFF_FFFF;

    private readonly IConfigSpace _config;
    private readonly uint _segment;
    private readonly RootBusRange[] _roots;
    private readonly int[] _rootEnd;
    private readonly int[] _rootHighestBus;
    private byte _firstBus;
    private byte _lastBus;
    private readonly EnumerationOptions _options;
    private readonly XxHash64 _hash = new();
    private readonly Comparison<PciFunction> _byAddress = AddressOrder.Compare; // one delegate, made once: sorting then allocates nothing
    private readonly ulong[] _visitedBuses = new ulong[4];
    private PciFunction[] _functions = new PciFunction[InitialCapacity];
    private PciFunction[] _scratch = new PciFunction[InitialCapacity];
    private PciFunction[] _sorted = new PciFunction[InitialCapacity];
    private byte[] _latency = new byte[InitialCapacity];
    private int _count;
    private int _nextBus;

    // Taken once per walk when the port offers it, so the walk's reads skip the port's per-access lock.
    private readonly IExclusiveConfigAccess? _exclusive;

    /// <summary>Creates an enumerator for the domain <paramref name="segment"/> with buses <paramref name="firstBus"/>–<paramref name="lastBus"/>.</summary>
    /// <param name="config">The domain's config space (for a VMD: its CFGBAR port). Not owned.</param>
    /// <param name="segment">The domain's segment number.</param>
    /// <param name="firstBus">The root bus.</param>
    /// <param name="lastBus">The last bus number the enumerator may hand out.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    public DomainEnumerator(IConfigSpace config, uint segment, byte firstBus, byte lastBus, EnumerationOptions? options = null)
        : this(config, segment, [new RootBusRange(firstBus, lastBus)], options)
    {
    }

    /// <summary>
    /// Creates an enumerator for the domain <paramref name="segment"/> with one or more root buses, enumerated in the
    /// order given; each hands out bus numbers only inside its own range.
    /// </summary>
    /// <param name="config">The domain's config space. Not owned.</param>
    /// <param name="segment">The domain's segment number.</param>
    /// <param name="rootBuses">The root buses (at least one); their ranges must not overlap.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <exception cref="ArgumentException">No root bus, or two ranges overlap.</exception>
    public DomainEnumerator(IConfigSpace config, uint segment, ReadOnlySpan<RootBusRange> rootBuses, EnumerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (rootBuses.IsEmpty)
        {
            throw new ArgumentException("A domain needs at least one root bus.", nameof(rootBuses));
        }

        for (int i = 0; i < rootBuses.Length; i++)
        {
            for (int j = i + 1; j < rootBuses.Length; j++)
            {
                if (rootBuses[i].Overlaps(rootBuses[j]))
                {
                    throw new ArgumentException($"Root bus ranges {rootBuses[i].FirstBus:x2}-{rootBuses[i].LastBus:x2} and {rootBuses[j].FirstBus:x2}-{rootBuses[j].LastBus:x2} overlap.", nameof(rootBuses));
                }
            }
        }

        _config = config;
        _exclusive = config as IExclusiveConfigAccess;
        _segment = segment;
        _roots = rootBuses.ToArray();
        _rootEnd = new int[_roots.Length];
        _rootHighestBus = new int[_roots.Length];
        _firstBus = _roots[0].FirstBus;
        _lastBus = _roots[0].LastBus;
        _options = options ?? new EnumerationOptions();
    }

    /// <summary>Number of root buses.</summary>
    public int RootBusCount => _roots.Length;

    /// <summary>Root bus <paramref name="index"/> as given to the constructor.</summary>
    public RootBusRange GetRootBus(int index) => _roots[index];

    /// <summary>The functions of root bus <paramref name="index"/> in walk order (a slice of <see cref="WalkOrder"/>).</summary>
    public ReadOnlySpan<PciFunction> GetWalkOrder(int index)
    {
        int start = index == 0 ? 0 : _rootEnd[index - 1];
        return _functions.AsSpan(start, _rootEnd[index] - start);
    }

    /// <summary>Highest bus number in use below root bus <paramref name="index"/> after the last <see cref="Enumerate"/> (hot-plug reserves included; a re-scan does not change it).</summary>
    public int GetHighestBus(int index) => _rootHighestBus[index];

    /// <summary>The functions found, in address order (lspci's order).</summary>
    public ReadOnlySpan<PciFunction> Functions => _sorted.AsSpan(0, _count);

    /// <summary>The functions in walk order: every bridge before the functions below it.</summary>
    public ReadOnlySpan<PciFunction> WalkOrder => _functions.AsSpan(0, _count);

    /// <summary>Highest bus number in use below the first root bus after the last enumeration (including hot-plug reserves).</summary>
    public int HighestBus => _rootHighestBus[0];

    /// <summary>Functions that answered but stopped answering while decoded (not listed).</summary>
    public int VanishedFunctions { get; private set; }

    /// <summary>Functions beyond <see cref="EnumerationOptions.MaxFunctions"/> (not listed).</summary>
    public int FunctionsOverLimit { get; private set; }

    /// <summary>The topology fingerprint computed by the last <see cref="ComputeFingerprint"/>.</summary>
    public ulong Fingerprint { get; private set; }

    /// <summary>
    /// Full enumeration: resets every bridge's windows and bus numbers, numbers bridges depth-first
    /// (secondary = next free bus, subordinate = highest bus below plus the hot-plug reserve), decodes
    /// and sizes every function. Resources are assigned afterwards by the caller.
    /// </summary>
    public void Enumerate()
    {
        _exclusive?.BeginExclusive();
        try
        {
            EnumerateAll();
        }
        finally
        {
            _exclusive?.EndExclusive();
        }
    }

    private void EnumerateAll()
    {
        _count = 0;
        VanishedFunctions = 0;
        FunctionsOverLimit = 0;
        for (int root = 0; root < _roots.Length; root++)
        {
            _firstBus = _roots[root].FirstBus;
            _lastBus = _roots[root].LastBus;
            _nextBus = _firstBus + 1;
            ScanBus(_firstBus, null, 0);
            _rootEnd[root] = _count;
            _rootHighestBus[root] = _nextBus - 1;
        }

        Sort();
        ComputeFingerprint();
    }

    /// <summary>
    /// Hashes (XxHash64) what identifies the domain: each function's address, IDs, class, header type,
    /// bus numbers, BAR kinds, sizes and bus addresses, and whether it is assigned. Allocation-free.
    /// </summary>
    public ulong ComputeFingerprint()
    {
        _hash.Reset();
        Span<byte> record = stackalloc byte[64];
        foreach (PciFunction function in Functions)
        {
            int at = 0;
            Put32(record, ref at, function.Address.Segment);
            Put32(record, ref at, function.Address.RoutingId);
            Put32(record, ref at, function.VendorId | ((uint)function.DeviceId << 16));
            Put32(record, ref at, function.ClassCode | ((uint)function.HeaderType << 24));
            Put32(record, ref at, function.IsBridge ? (function.Bridge.Primary | ((uint)function.Bridge.Secondary << 8) | ((uint)function.Bridge.Subordinate << 16)) : 0);
            Put32(record, ref at, function.Assigned ? 1u : 0u);
            _hash.Append(record[..at]);
            foreach (PciBar bar in function.Bars)
            {
                at = 0;
                Put32(record, ref at, (uint)bar.Index | ((uint)bar.Kind << 8));
                Put64(record, ref at, bar.Size);
                Put64(record, ref at, bar.Address);
                _hash.Append(record[..at]);
            }
        }

        Fingerprint = _hash.GetCurrentHashAsUInt64();
        return Fingerprint;
    }

    private void ScanBus(int bus, PciFunction? parent, int depth)
    {
        int first = _count;
        bool linkBelow = parent is not null && parent.Express.IsDownstreamPort;
        int lastDevice = linkBelow ? 0 : PciAddress.MaxDevice;
        for (int device = 0; device <= lastDevice; device++)
        {
            var function0 = new PciAddress(_segment, (byte)bus, device, 0);
            uint ids = _config.Read32(function0, PciHeader.VendorId);
            if (IsAbsent(ids) || !TryAdd(function0, ids, parent, depth, out PciFunction? head))
            {
                continue;
            }

            if (linkBelow && parent!.Express.AriForwardingSupported && head.TryGetExtendedCapability(ExtendedCapabilityId.AlternativeRoutingId, out ushort ari))
            {
                // The port blocks device numbers other than 0 until software enables ARI forwarding.
                _config.Update16(parent.Address, (ushort)(parent.Express.CapabilityOffset + PciExpressCapability.DeviceControl2), 0, PciExpressCapability.AriForwardingEnable);
                ScanAriFunctions(function0, ari, parent, depth);
            }
            else if (head.IsMultiFunction)
            {
                for (int function = 1; function <= PciAddress.MaxFunction; function++)
                {
                    PciAddress address = function0.WithFunction(function);
                    uint more = _config.Read32(address, PciHeader.VendorId);
                    if (!IsAbsent(more))
                    {
                        TryAdd(address, more, parent, depth, out _);
                    }
                }
            }
        }

        int last = _count;

        // Close every bridge on this bus before numbering any: a later sibling that still holds stale
        // numbers would otherwise claim the bus handed to an earlier one, and a device would appear twice.
        for (int i = first; i < last; i++)
        {
            PciFunction bridge = _functions[i];
            if (bridge.IsBridge && bridge.Parent == parent)
            {
                BridgeReset.DisableWindows(_config, bridge.Address);
                BridgeReset.ClearBusNumbers(_config, bridge.Address, (byte)bus, _latency[i]);
            }
        }

        for (int i = first; i < last; i++)
        {
            PciFunction bridge = _functions[i];
            if (bridge.IsBridge && bridge.Parent == parent)
            {
                NumberAndDescend(bridge, _latency[i], bus, depth);
            }
        }
    }

    private void ScanAriFunctions(PciAddress function0, ushort ariCapability, PciFunction parent, int depth)
    {
        // ARI: the 8-bit function number spans device and function bits; follow Next Function Number.
        Span<ulong> seen = stackalloc ulong[4];
        seen[0] = 1;
        int next = (int)(_config.Read32(function0, (ushort)(ariCapability + 4)) >> 8) & 0xFF;
        while (next != 0 && (seen[next >> 6] & (1UL << (next & 63))) == 0)
        {
            seen[next >> 6] |= 1UL << (next & 63);
            var address = new PciAddress(_segment, function0.Bus, next >> 3, next & 7);
            uint ids = _config.Read32(address, PciHeader.VendorId);
            if (IsAbsent(ids) || !TryAdd(address, ids, parent, depth, out PciFunction? added)
                || !added.TryGetExtendedCapability(ExtendedCapabilityId.AlternativeRoutingId, out ushort ari))
            {
                break;
            }

            next = (int)(_config.Read32(address, (ushort)(ari + 4)) >> 8) & 0xFF;
        }
    }

    private void NumberAndDescend(PciFunction bridge, byte latency, int bus, int depth)
    {
        if (_nextBus > _lastBus)
        {
            bridge.Issues |= FunctionIssues.BusNumbersExhausted;
            return;
        }

        int secondary = _nextBus++;

        // Subordinate is left open to the end of the range while the bus below is scanned, so every bus
        // handed out further down is routed through this bridge; it is closed to the real value after.
        _config.Write32(bridge.Address, Type1Header.PrimaryBusNumber, Numbers(latency, bus, secondary, _lastBus));
        uint back = _config.Read32(bridge.Address, Type1Header.PrimaryBusNumber);
        if ((byte)(back >> 8) != secondary || (byte)(back >> 16) != _lastBus)
        {
            bridge.Issues |= FunctionIssues.BusNumberNotWritable;
            BridgeReset.ClearBusNumbers(_config, bridge.Address, (byte)bus, latency);
            _nextBus--;
            return;
        }

        if ((byte)back != bus)
        {
            bridge.Issues |= FunctionIssues.HardWiredPrimaryBus;
        }

        // After the window reset, the low nibbles say whether the prefetchable window is 64-bit and
        // whether an I/O window exists (read-only capability bits).
        uint prefetchable = _config.Read32(bridge.Address, Type1Header.PrefetchableMemoryBase);
        ushort io = _config.Read16(bridge.Address, Type1Header.IoBase);
        bool hasIo = (io & 0xF0) != 0;
        if (hasIo)
        {
            bridge.Issues |= FunctionIssues.IoWindowUnsupported;
        }

        ScanBus(secondary, bridge, depth + 1);

        int subordinate = _nextBus - 1;
        if (bridge.Express.HotPlugCapable && _options.HotPlugBusReserve > 0)
        {
            int spare = Math.Min(_options.HotPlugBusReserve, _lastBus - subordinate);
            subordinate += spare;
            _nextBus += spare;
        }

        _config.Write32(bridge.Address, Type1Header.PrimaryBusNumber, Numbers(latency, bus, secondary, subordinate));
        bridge.Bridge = new BridgeInfo((byte)back, (byte)secondary, (byte)subordinate, MemoryWindow.Disabled, MemoryWindow.Disabled, (prefetchable & 0xF) == 1, hasIo);
    }

    private bool TryAdd(PciAddress address, uint ids, PciFunction? parent, int depth, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PciFunction? function)
    {
        function = null;
        if (_count >= _options.MaxFunctions)
        {
            FunctionsOverLimit++;
            return false;
        }

        EnsureCapacity(_count + 1);
        PciFunction record = _functions[_count] ??= new PciFunction();
        if (!FunctionDecoder.TryDecode(_config, address, ids, record, readWindows: false, out byte latency))
        {
            VanishedFunctions++;
            return false;
        }

        record.Parent = parent;
        record.Depth = depth;
        if (record.BarCount > 0)
        {
            // Command was read while decoding, and the ROM shares the BARs' decode-off window.
            int sized = BarSizer.SizeAll(_config, address, record.BarCount, record.BarStorage, record.Command, record.HeaderType, out PciBar rom, out VmdError error);
            if (error == VmdError.AllOnes || sized < record.BarCount)
            {
                VanishedFunctions++;
                return false;
            }

            if (error == VmdError.Malformed)
            {
                record.Issues |= FunctionIssues.MalformedBar;
            }

            foreach (PciBar bar in record.Bars)
            {
                if (bar.Kind == PciBarKind.Io)
                {
                    record.Issues |= FunctionIssues.IoBarUnsupported;
                }
            }

            if (rom.Kind != PciBarKind.None)
            {
                record.ExpansionRom = rom;
            }
        }

        _latency[_count] = latency;
        _count++;
        function = record;
        return true;
    }

    private static bool IsAbsent(uint ids) => (ushort)ids is 0xFFFF or 0x0000;

    private static uint Numbers(byte latency, int primary, int secondary, int subordinate) =>
        ((uint)latency << 24) | ((uint)subordinate << 16) | ((uint)secondary << 8) | (uint)primary;

    private void EnsureCapacity(int needed)
    {
        if (needed <= _functions.Length)
        {
            return;
        }

        int size = Math.Max(needed, _functions.Length * 2);
        Array.Resize(ref _functions, size);
        Array.Resize(ref _latency, size);
        Array.Resize(ref _sorted, size);
    }

    private void EnsureScratchCapacity(int needed)
    {
        if (needed > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(needed, _scratch.Length * 2));
        }

        if (needed > _sorted.Length)
        {
            Array.Resize(ref _sorted, Math.Max(needed, _sorted.Length * 2));
        }

        if (needed > _latency.Length)
        {
            Array.Resize(ref _latency, Math.Max(needed, _latency.Length * 2));
        }
    }

    private void Sort()
    {
        Array.Copy(_functions, _sorted, _count);
        _sorted.AsSpan(0, _count).Sort(_byAddress);
    }

    private static void Put32(Span<byte> buffer, ref int at, uint value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], value);
        at += 4;
    }

    private static void Put64(Span<byte> buffer, ref int at, ulong value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer[at..], value);
        at += 8;
    }
}
