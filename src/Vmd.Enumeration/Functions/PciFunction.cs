using System;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Enumeration.Functions;

/// <summary>
/// One function as a kernel's PCI list sees it: identity, class, capabilities, PCIe link, BARs with CPU and
/// bus addresses, bridge registers, and whether its resources were assigned.
/// </summary>
/// <remarks>
/// Records are owned and reused by the enumerator that produced them: a re-scan of an unchanged domain
/// refills the same objects without allocating. Read them on the thread that runs the enumerator, or copy
/// what you need; they change on the next enumeration or re-scan.
/// </remarks>
public sealed class PciFunction
{
    /// <summary>Most extended capabilities kept per function; a longer list is still walked to its end, bounded.</summary>
    public const int MaxStoredExtendedCapabilities = 32;

    private readonly PciBar[] _bars = new PciBar[Type0Header.BarCount];
    private readonly ulong[] _barCpuAddresses = new ulong[Type0Header.BarCount];
    private readonly CapabilityEntry[] _capabilities = new CapabilityEntry[CapabilityHeader.MaxStandardEntries];
    private readonly ExtendedCapabilityEntry[] _extended = new ExtendedCapabilityEntry[MaxStoredExtendedCapabilities];

    internal PciFunction()
    {
    }

    /// <summary>Where the function answers (segment = the VMD domain, or a host segment).</summary>
    public PciAddress Address { get; internal set; }

    /// <summary>Vendor ID.</summary>
    public ushort VendorId { get; internal set; }

    /// <summary>Device ID.</summary>
    public ushort DeviceId { get; internal set; }

    /// <summary>Revision ID.</summary>
    public byte Revision { get; internal set; }

    /// <summary>24-bit class code (base, sub-class, programming interface).</summary>
    public uint ClassCode { get; internal set; }

    /// <summary>The raw Header Type byte (bit 7 multi-function).</summary>
    public byte HeaderType { get; internal set; }

    /// <summary>Header layout (0 endpoint, 1 bridge, 2 CardBus).</summary>
    public int Layout => HeaderType & Registers.HeaderType.LayoutMask;

    /// <summary>True for a PCI-to-PCI bridge (type 1 header).</summary>
    public bool IsBridge => Layout == Registers.HeaderType.Bridge;

    /// <summary>True when the device has functions 1–7 (Header Type bit 7 of this function).</summary>
    public bool IsMultiFunction => (HeaderType & Registers.HeaderType.MultiFunction) != 0;

    /// <summary>Subsystem vendor ID (type 0 only; 0 otherwise).</summary>
    public ushort SubsystemVendorId { get; internal set; }

    /// <summary>Subsystem ID (type 0 only; 0 otherwise).</summary>
    public ushort SubsystemId { get; internal set; }

    /// <summary>The Command register as the enumerator left it.</summary>
    public ushort Command { get; internal set; }

    /// <summary>Number of BAR slots of the header (6 for type 0, 2 for type 1, 0 otherwise).</summary>
    public int BarCount { get; internal set; }

    /// <summary>
    /// The BARs by slot (<c>Bars[i]</c> is BAR i). <see cref="PciBar.Address"/> is the bus address the BAR holds;
    /// the CPU address is <see cref="GetBarCpuAddress"/>. The upper slot of a 64-bit BAR is <see cref="PciBarKind.None"/>.
    /// </summary>
    public ReadOnlySpan<PciBar> Bars => _bars.AsSpan(0, BarCount);

    /// <summary>The expansion ROM BAR (sized, never assigned behind a VMD).</summary>
    public PciBar ExpansionRom { get; internal set; }

    /// <summary>Standard capabilities in list order.</summary>
    public ReadOnlySpan<CapabilityEntry> Capabilities => _capabilities.AsSpan(0, CapabilityCount);

    /// <summary>Extended capabilities in list order (at most <see cref="MaxStoredExtendedCapabilities"/>).</summary>
    public ReadOnlySpan<ExtendedCapabilityEntry> ExtendedCapabilities => _extended.AsSpan(0, ExtendedCapabilityCount);

    /// <summary>The PCI Express capability, decoded; <see cref="PciExpressInfo.IsPresent"/> false when absent.</summary>
    public PciExpressInfo Express { get; internal set; }

    /// <summary>Bridge registers (type 1 only).</summary>
    public BridgeInfo Bridge { get; internal set; }

    /// <summary>The bridge above this function, or null on the root bus.</summary>
    public PciFunction? Parent { get; internal set; }

    /// <summary>Depth below the root bus (0 on the root bus).</summary>
    public int Depth { get; internal set; }

    /// <summary>True when every memory BAR (and, for a bridge, every window its children need) got an address and decode is on.</summary>
    public bool Assigned { get; internal set; }

    /// <summary>What was wrong; <see cref="FunctionIssues.None"/> for a healthy function.</summary>
    public FunctionIssues Issues { get; internal set; }

    internal int CapabilityCount { get; set; }

    internal int ExtendedCapabilityCount { get; set; }

    /// <summary>The CPU physical address of BAR <paramref name="index"/> (bus address + the aperture's offset); 0 when unassigned.</summary>
    public ulong GetBarCpuAddress(int index) => (uint)index < (uint)BarCount ? _barCpuAddresses[index] : 0;

    /// <summary>True when the function has a capability with <paramref name="id"/>; its offset in <paramref name="offset"/>.</summary>
    public bool TryGetCapability(CapabilityId id, out ushort offset)
    {
        foreach (CapabilityEntry entry in Capabilities)
        {
            if (entry.Id == id)
            {
                offset = entry.Offset;
                return true;
            }
        }

        offset = 0;
        return false;
    }

    /// <summary>True when the function has an extended capability with <paramref name="id"/>; its offset in <paramref name="offset"/>.</summary>
    public bool TryGetExtendedCapability(ExtendedCapabilityId id, out ushort offset)
    {
        foreach (ExtendedCapabilityEntry entry in ExtendedCapabilities)
        {
            if (entry.Id == id)
            {
                offset = entry.Offset;
                return true;
            }
        }

        offset = 0;
        return false;
    }

    internal Span<PciBar> BarStorage => _bars;

    internal Span<ulong> BarCpuStorage => _barCpuAddresses;

    internal Span<CapabilityEntry> CapabilityStorage => _capabilities;

    internal Span<ExtendedCapabilityEntry> ExtendedStorage => _extended;

    internal void SetBarSize(int index, PciBar sized, ulong busAddress, ulong cpuAddress)
    {
        _bars[index] = new PciBar(sized.Index, sized.Kind, busAddress, sized.Size, sized.Prefetchable);
        _barCpuAddresses[index] = cpuAddress;
    }

    internal void SetBarAssignment(int index, ulong busAddress, ulong cpuAddress)
    {
        PciBar bar = _bars[index];
        _bars[index] = new PciBar(bar.Index, bar.Kind, busAddress, bar.Size, bar.Prefetchable);
        _barCpuAddresses[index] = cpuAddress;
    }

    /// <summary>Clears the record for reuse; no allocation.</summary>
    internal void Clear()
    {
        Address = default;
        VendorId = 0;
        DeviceId = 0;
        Revision = 0;
        ClassCode = 0;
        HeaderType = 0;
        SubsystemVendorId = 0;
        SubsystemId = 0;
        Command = 0;
        BarCount = 0;
        ExpansionRom = default;
        CapabilityCount = 0;
        ExtendedCapabilityCount = 0;
        Express = default;
        Bridge = default;
        Parent = null;
        Depth = 0;
        Assigned = false;
        Issues = FunctionIssues.None;
        Array.Clear(_bars);
        Array.Clear(_barCpuAddresses);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address} [{VendorId:x4}:{DeviceId:x4}] class {ClassCode:x6}";
}
