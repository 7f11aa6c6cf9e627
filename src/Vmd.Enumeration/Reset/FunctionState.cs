using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// The configuration of one function saved before a reset and written back after it: Command, the BARs (six, or two
/// on a bridge, every dword exactly as read), the Expansion ROM register; on a bridge the bus numbers, the I/O, memory
/// and prefetchable windows with their upper halves and Bridge Control; MSI (control, address, data, mask); MSI-X
/// Message Control and, when given the mapped table, every entry (address, data, vector control); PCI Express Device
/// Control, Link Control, Device Control 2 and (when a slot is implemented) Slot Control; the LTR max latencies.
/// </summary>
/// <remarks>
/// One holder is reused: it allocates only in its constructor (the MSI-X entry buffer), never in
/// <see cref="TrySave(IConfigSpace, PciAddress, IMmioRegion?, nuint, out VmdError)"/> or
/// <see cref="TryRestore(IConfigSpace, out VmdError)"/>. Not thread-safe; not for interrupt context.
/// </remarks>
public sealed partial class FunctionState
{
    /// <summary>The most entries an MSI-X table can have (Table Size is 11 bits, N − 1).</summary>
    public const int MaxMsixEntries = 2048;

    private const int DwordsPerEntry = MsixCapability.EntrySize / 4;

    private readonly uint[] _bars = new uint[Type0Header.BarCount];
    private readonly uint[] _msixTable;

    private ushort _command;
    private bool _isBridge;
    private int _barCount;
    private ushort _romOffset;
    private uint _rom;

    private uint _busNumbers;
    private byte _ioBase;
    private byte _ioLimit;
    private ushort _ioBaseUpper;
    private ushort _ioLimitUpper;
    private uint _memory;
    private ushort _prefetchableBase;
    private ushort _prefetchableLimit;
    private uint _prefetchableBaseUpper;
    private uint _prefetchableLimitUpper;
    private ushort _bridgeControl;

    private ushort _msi;
    private ushort _msiControl;
    private uint _msiAddress;
    private uint _msiUpperAddress;
    private ushort _msiData;
    private uint _msiMask;

    private ushort _msix;
    private ushort _msixControl;
    private IMmioRegion? _msixRegion;
    private nuint _msixTableOffset;

    private ushort _express;
    private uint _deviceCapabilities;
    private ushort _deviceControl;
    private ushort _linkControl;
    private bool _hasDeviceControl2;
    private ushort _deviceControl2;
    private bool _hasSlot;
    private ushort _slotControl;

    private ushort _ltr;
    private uint _ltrLatencies;

    /// <summary>A holder that saves no MSI-X table entries (only the MSI-X Message Control register).</summary>
    public FunctionState()
        : this(0)
    {
    }

    /// <summary>A holder that can save up to <paramref name="msixEntryCapacity"/> MSI-X table entries (16 bytes each).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0 to <see cref="MaxMsixEntries"/>.</exception>
    public FunctionState(int msixEntryCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(msixEntryCapacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(msixEntryCapacity, MaxMsixEntries);
        _msixTable = new uint[msixEntryCapacity * DwordsPerEntry];
    }

    /// <summary>How many MSI-X entries this holder can save.</summary>
    public int MsixEntryCapacity => _msixTable.Length / DwordsPerEntry;

    /// <summary>True after a successful save, until <see cref="Clear"/>.</summary>
    public bool IsSaved { get; private set; }

    /// <summary>The function last saved.</summary>
    public PciAddress Address { get; private set; }

    /// <summary>How many MSI-X table entries the last save holds (0 when no table region was given).</summary>
    public int SavedMsixEntries { get; private set; }

    /// <summary>Forgets the saved state.</summary>
    public void Clear()
    {
        IsSaved = false;
        SavedMsixEntries = 0;
        _msixRegion = null;
        _msi = 0;
        _msix = 0;
        _express = 0;
        _ltr = 0;
    }

    /// <summary>Saves <paramref name="address"/> without its MSI-X table entries.</summary>
    /// <returns>False (and <paramref name="error"/>) when the function reads all-ones.</returns>
    public bool TrySave(IConfigSpace config, PciAddress address, out VmdError error) =>
        TrySave(config, address, null, 0, out error);

    /// <summary>
    /// Saves <paramref name="address"/>. When <paramref name="msixTable"/> is given (the mapped BAR holding the MSI-X
    /// table, which this holder does not own), every entry of the table at <paramref name="msixTableOffset"/> in it is
    /// saved too; MSI-X Message Control gives the entry count.
    /// </summary>
    /// <returns>
    /// False with <see cref="VmdError.Absent"/> for a function reading all-ones, <see cref="VmdError.Malformed"/> for an
    /// MSI-X table that does not fit in <paramref name="msixTable"/>, <see cref="VmdError.Exhausted"/> for one larger than
    /// <see cref="MsixEntryCapacity"/>. Nothing is kept on failure.
    /// </returns>
    public bool TrySave(IConfigSpace config, PciAddress address, IMmioRegion? msixTable, nuint msixTableOffset, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        Clear();
        if (!config.IsPresent(address))
        {
            error = VmdError.Absent;
            return false;
        }

        Address = address;
        _command = config.Read16(address, PciHeader.Command);
        _isBridge = (config.Read8(address, PciHeader.HeaderType) & HeaderType.LayoutMask) == HeaderType.Bridge;
        _barCount = _isBridge ? Type1Header.BarCount : Type0Header.BarCount;
        for (int i = 0; i < _barCount; i++)
        {
            _bars[i] = config.Read32(address, PciHeader.BaseAddress(i));
        }

        _romOffset = _isBridge ? Type1Header.ExpansionRomBaseAddress : Type0Header.ExpansionRomBaseAddress;
        _rom = config.Read32(address, _romOffset);
        if (_isBridge)
        {
            SaveBridge(config, address);
        }

        SaveCapabilities(config, address);
        if (!TrySaveMsixTable(msixTable, msixTableOffset, out error))
        {
            Clear();
            return false;
        }

        IsSaved = true;
        return true;
    }

    private void SaveBridge(IConfigSpace config, PciAddress address)
    {
        _busNumbers = config.Read32(address, Type1Header.PrimaryBusNumber);
        _ioBase = config.Read8(address, Type1Header.IoBase);
        _ioLimit = config.Read8(address, Type1Header.IoLimit);
        _ioBaseUpper = config.Read16(address, Type1Header.IoBaseUpper16);
        _ioLimitUpper = config.Read16(address, Type1Header.IoLimitUpper16);
        _memory = config.Read32(address, Type1Header.MemoryBase);
        _prefetchableBase = config.Read16(address, Type1Header.PrefetchableMemoryBase);
        _prefetchableLimit = config.Read16(address, Type1Header.PrefetchableMemoryLimit);
        _prefetchableBaseUpper = config.Read32(address, Type1Header.PrefetchableBaseUpper32);
        _prefetchableLimitUpper = config.Read32(address, Type1Header.PrefetchableLimitUpper32);
        _bridgeControl = config.Read16(address, Type1Header.BridgeControl);
    }

    private void SaveCapabilities(IConfigSpace config, PciAddress address)
    {
        if (CapabilityWalker.TryFind(config, address, CapabilityId.Msi, out ushort msi))
        {
            _msi = msi;
            _msiControl = config.Read16(address, (ushort)(msi + MsiCapability.MessageControl));
            _msiAddress = config.Read32(address, (ushort)(msi + MsiCapability.MessageAddress));
            bool wide = (_msiControl & MsiCapability.Address64Capable) != 0;
            _msiUpperAddress = wide ? config.Read32(address, (ushort)(msi + MsiCapability.MessageUpperAddress)) : 0;
            _msiData = config.Read16(address, (ushort)(msi + (wide ? MsiCapability.MessageData64 : MsiCapability.MessageData32)));
            _msiMask = (_msiControl & MsiCapability.PerVectorMaskingCapable) != 0
                ? config.Read32(address, (ushort)(msi + (wide ? MsiMaskBits.MaskBits64 : MsiMaskBits.MaskBits32)))
                : 0;
        }

        if (CapabilityWalker.TryFind(config, address, CapabilityId.MsiX, out ushort msix))
        {
            _msix = msix;
            _msixControl = config.Read16(address, (ushort)(msix + MsixCapability.MessageControl));
        }

        if (CapabilityWalker.TryFind(config, address, CapabilityId.PciExpress, out ushort express))
        {
            _express = express;
            ushort capabilities = config.Read16(address, (ushort)(express + PciExpressCapability.Capabilities));
            _deviceCapabilities = config.Read32(address, (ushort)(express + PciExpressCapability.DeviceCapabilities));
            _deviceControl = config.Read16(address, (ushort)(express + PciExpressCapability.DeviceControl));
            _linkControl = config.Read16(address, (ushort)(express + PciExpressCapability.LinkControl));
            _hasDeviceControl2 = (capabilities & PciExpressDevice.CapabilityVersionMask) >= PciExpressDevice.CapabilityVersion2;
            _deviceControl2 = _hasDeviceControl2 ? config.Read16(address, (ushort)(express + PciExpressCapability.DeviceControl2)) : (ushort)0;
            _hasSlot = (capabilities & PciExpressCapability.SlotImplemented) != 0;
            _slotControl = _hasSlot ? config.Read16(address, (ushort)(express + PciExpressCapability.SlotControl)) : (ushort)0;
        }

        if (config.HasExtendedSpace
            && CapabilityWalker.TryFindExtended(config, address, ExtendedCapabilityId.LatencyToleranceReporting, out ushort ltr))
        {
            _ltr = ltr;
            _ltrLatencies = config.Read32(address, (ushort)(ltr + LatencyToleranceReportingCapability.MaxSnoopLatency));
        }
    }

    private bool TrySaveMsixTable(IMmioRegion? region, nuint tableOffset, out VmdError error)
    {
        error = VmdError.None;
        if (region is null || _msix == 0)
        {
            return true;
        }

        int entries = (_msixControl & MsixCapability.TableSizeMask) + 1;
        if (entries > MsixEntryCapacity)
        {
            error = VmdError.Exhausted;
            return false;
        }

        nuint length = (nuint)entries * MsixCapability.EntrySize;
        if (tableOffset > region.Length || region.Length - tableOffset < length)
        {
            error = VmdError.Malformed;
            return false;
        }

        for (int i = 0; i < entries * DwordsPerEntry; i++)
        {
            _msixTable[i] = region.Read32(tableOffset + ((nuint)i * 4));
        }

        _msixRegion = region;
        _msixTableOffset = tableOffset;
        SavedMsixEntries = entries;
        return true;
    }
}
