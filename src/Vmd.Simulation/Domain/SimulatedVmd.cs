using System;
using System.Diagnostics.CodeAnalysis;
using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>
/// A VMD endpoint and the private PCI domain behind it. CFGBAR is the domain's ECAM window (relative bus
/// from the bus start that VMCAP/VMCONFIG select); MEMBAR2 begins with the VMD's own MSI-X table and PBA
/// (and, on 28c0, shadow registers); the rest of MEMBAR1 and MEMBAR2 forwards to the domain by bus address.
/// DMA and messages from the domain leave through the endpoint (its Bus Master Enable gates them); messages to
/// 0xFEEx_xxxx are remapped onto its own MSI-X entries or bypass it, as VMCONFIG bit 1 says. Plug root ports and other root-bus functions into <see cref="RootBus"/>.
/// </summary>
/// <remarks>Accesses through the machine's ports are serialised by the machine's lock; reading these properties from tests is safe when no other thread is driving the machine.</remarks>
public sealed partial class SimulatedVmd
{
    private const int MaxBusNumber = 255;
    private const ulong AddressMask = ~0xFUL;

    private readonly ulong? _memBar1HostPhysical;
    private readonly ulong? _memBar2HostPhysical;

    internal SimulatedVmd(MachineFabric fabric, VmdOptions options, uint domainSegment)
    {
        ArgumentNullException.ThrowIfNull(options);
        Fabric = fabric;
        Address = options.Address;
        DomainSegment = domainSegment;
        HasMemBar2Shadow = options.HasMemBar2Shadow ?? VmdModelDefaults.HasMemBar2Shadow(options.DeviceId);
        _memBar1HostPhysical = options.MemBar1HostPhysical;
        _memBar2HostPhysical = options.MemBar2HostPhysical;
        MsixTable = new MsixTable(options.MsixEntries);
        RootBus = new SimulatedBus(isLink: false);
        if (options.HasSecondRootBus)
        {
            SecondRootBus = new SimulatedBus(isLink: false) { OwnerVmd = this };
        }

        Function = VmdEndpointLayout.Build(options, new CfgBarTarget(this), new MemBar1Target(this), new MemBar2Target(this));
        Function.Owner = this;
        Function.AttachMsixTable(MsixTable);
        RootBus.OwnerVmd = this;
    }

    /// <summary>Where the endpoint sits in the host segment.</summary>
    public PciAddress Address { get; }

    /// <summary>
    /// The segment number the simulator reports domain accesses under (0x10000 for the first VMD of a machine,
    /// then 0x10001, …, as Linux numbers them). Hardware has no such number; a driver picks its own.
    /// </summary>
    public uint DomainSegment { get; }

    /// <summary>The endpoint's configuration function.</summary>
    public SimulatedFunction Function { get; }

    /// <summary>The domain's root bus (relative bus 0): root ports, and on client parts SATA and the 09ab companion.</summary>
    public SimulatedBus RootBus { get; }

    /// <summary>
    /// The second root bus ("BUS1") of a second-root-bus part (<see cref="VmdOptions.HasSecondRootBus"/>), null otherwise.
    /// Its root ports hard-wire their primary bus to <see cref="SecondRootBusNumber"/>; plug them (and chipset SATA, the 09ab
    /// companion) in here. It shares the VMD's MSI-X vectors and Bus Master Enable with <see cref="RootBus"/>.
    /// </summary>
    public SimulatedBus? SecondRootBus { get; }

    /// <summary>The bus number the second root bus's root ports hard-wire as their primary bus (0x80).</summary>
    public const int SecondRootBusNumber = 0x80;

    /// <summary>
    /// True while CFGBAR and the apertures are split between the two root buses: the VMD has a second root bus, VMCAP bit 0
    /// is set and VMCONFIG[9:8] reads 3. Otherwise the VMD decodes as earlier parts do and only <see cref="RootBus"/> is reachable.
    /// </summary>
    public bool SplitsRootBuses =>
        SecondRootBus is not null
        && (VmCap & VmdRegisters.VmCapBusRestrictCap) != 0
        && ((ushort)VmConfig & VmdRegisters.VmConfigBusStartMask) == VmdRegisters.VmConfigBusStartMask;

    /// <summary>BUSRANGE0 (0xC8) as it reads now: bits 7:0 first, 15:8 last CFGBAR bus index of the first root bus's part.</summary>
    public ushort BusRange0 => Function.Read16(VmdRegisters.BusRange0);

    /// <summary>BUSRANGE1 (0xCC) as it reads now: the same for the second root bus.</summary>
    public ushort BusRange1 => Function.Read16(VmdRegisters.BusRange1);

    /// <summary>Offset inside MEMBAR1 where the second root bus's part begins (0xD0 as it reads now).</summary>
    public uint MemBar1Bus1Offset => Function.Read32(VmdRegisters.MemBar1Bus1Offset);

    /// <summary>Offset inside MEMBAR2 where the second root bus's part begins (0xD8/0xDC as they read now).</summary>
    public ulong MemBar2Bus1Offset => Function.Read32(VmdRegisters.MemBar2Bus1OffsetLow) | ((ulong)Function.Read32(VmdRegisters.MemBar2Bus1OffsetHigh) << 32);

    /// <summary>The VMD's own MSI-X table and PBA (MEMBAR2 + 0 and + 0x1000).</summary>
    public MsixTable MsixTable { get; }

    /// <summary>True when MEMBAR2 + 0x2000/0x2008 hold shadow registers (28c0).</summary>
    public bool HasMemBar2Shadow { get; }

    /// <summary>
    /// True while VMCONFIG bit 1 is clear: a message from the domain to 0xFEEx_xxxx signals the VMD's own MSI-X entry
    /// (address bits 19:12), the data is ignored. False (bit 1 set, bypass): messages reach the host unchanged.
    /// </summary>
    public bool RemapsInterrupts => (VmConfig & VmdRegisters.VmConfigMsiRemapDisable) == 0;

    /// <summary>Device ID of the endpoint.</summary>
    public ushort DeviceId => Function.DeviceId;

    /// <summary>VMCAP as it reads now.</summary>
    public uint VmCap => Function.Read32(VmdRegisters.VmCap);

    /// <summary>VMCONFIG as it reads now (a driver's writes to bit 1 show here).</summary>
    public uint VmConfig => Function.Read32(VmdRegisters.VmConfig);

    /// <summary>VMLOCK as it reads now.</summary>
    public uint VmLock => Function.Read32(VmdRegisters.VmLock);

    /// <summary>
    /// First bus of the domain as the hardware decodes CFGBAR now: 0 unless VMCAP bit 0 is set, then VMCONFIG[9:8]
    /// 0 → 0, 1 → 128, 2 → 224. Selector 3 (invalid before second-root-bus parts) is decoded as 224, the start of
    /// the first root bus on parts that define it.
    /// </summary>
    public int BusStart
    {
        get
        {
            if ((VmCap & VmdRegisters.VmCapBusRestrictCap) == 0)
            {
                return 0;
            }

            ushort vmConfig = (ushort)VmConfig;
            return VmdRegisters.TryDecodeBusStart(vmConfig, out byte start) ? start : 224;
        }
    }

    /// <summary>Buses CFGBAR covers: its size divided by 1 MiB.</summary>
    public int BusCount => (int)(CfgBarSize / Ecam.BytesPerBus);

    /// <summary>CFGBAR address as programmed now.</summary>
    public ulong CfgBarAddress => Function.GetBarAddress(VmdRegisters.CfgBarIndex);

    /// <summary>CFGBAR size.</summary>
    public ulong CfgBarSize => Function.GetBarSize(VmdRegisters.CfgBarIndex);

    /// <summary>MEMBAR1 address as programmed now.</summary>
    public ulong MemBar1Address => Function.GetBarAddress(VmdRegisters.MemBar1Index);

    /// <summary>MEMBAR1 size.</summary>
    public ulong MemBar1Size => Function.GetBarSize(VmdRegisters.MemBar1Index);

    /// <summary>MEMBAR2 address as programmed now.</summary>
    public ulong MemBar2Address => Function.GetBarAddress(VmdRegisters.MemBar2Index);

    /// <summary>MEMBAR2 size.</summary>
    public ulong MemBar2Size => Function.GetBarSize(VmdRegisters.MemBar2Index);

    /// <summary>
    /// The raw host-physical value of MEMBAR1 that the shadow registers report: the configured host-physical address,
    /// or on bare metal the BAR register itself (type bits included, which is why drivers mask with ~0xF).
    /// </summary>
    public ulong MemBar1HostPhysical => _memBar1HostPhysical ?? RawBar(VmdRegisters.MemBar1Index);

    /// <summary>The raw host-physical value of MEMBAR2 that the shadow registers report.</summary>
    public ulong MemBar2HostPhysical => _memBar2HostPhysical ?? RawBar(VmdRegisters.MemBar2Index);

    /// <summary>Bus address MEMBAR1 offset 0 forwards to inside the domain (device BARs and bridge windows hold bus addresses).</summary>
    public ulong MemBar1BusAddress => MemBar1HostPhysical & AddressMask;

    /// <summary>Bus address MEMBAR2 offset 0 forwards to inside the domain.</summary>
    public ulong MemBar2BusAddress => MemBar2HostPhysical & AddressMask;

    internal MachineFabric Fabric { get; }

    /// <summary>
    /// The function a configuration request for absolute <paramref name="bus"/> below the first root bus would reach now
    /// (routing through the bridges' current registers), or null. While <see cref="SplitsRootBuses"/>, the bus must lie in
    /// BUSRANGE0's part; use <see cref="FindFunctionAtIndex"/> to reach the second root bus.
    /// </summary>
    public SimulatedFunction? FindFunction(int bus, int device, int function)
    {
        int start = BusStart;
        if (bus < start || bus > MaxBusNumber)
        {
            return null;
        }

        if (SplitsRootBuses)
        {
            (int first, int last) = Decode(BusRange0);
            int index = first + (bus - start);
            return index > last || index >= BusCount ? null : DomainRouter.RouteConfig(RootBus, start, bus, device, function);
        }

        return bus - start >= BusCount ? null : DomainRouter.RouteConfig(RootBus, start, bus, device, function);
    }

    /// <summary>
    /// The function a configuration request at CFGBAR bus index <paramref name="index"/> (ECAM offset bits 27:20) would reach now, or null.
    /// </summary>
    public SimulatedFunction? FindFunctionAtIndex(int index, int device, int function) =>
        TryDecodeIndex(index, out SimulatedBus? root, out int rootNumber, out int bus)
            ? DomainRouter.RouteConfig(root, rootNumber, bus, device, function)
            : null;

    /// <summary>
    /// Decodes CFGBAR bus index <paramref name="index"/>: which root bus it enters, that root bus's number and the absolute
    /// bus it addresses. Without the split: the first root bus, bus start + index. With it: BUSRANGE0's part gives
    /// bus start + index − first, BUSRANGE1's part 0x80 + index − first; an index in neither part (or past CFGBAR, or past
    /// bus 255) decodes to nothing.
    /// </summary>
    internal bool TryDecodeIndex(int index, [NotNullWhen(true)] out SimulatedBus? root, out int rootNumber, out int bus)
    {
        root = null;
        rootNumber = 0;
        bus = 0;
        if (index < 0 || index >= BusCount)
        {
            return false;
        }

        int start = BusStart;
        if (!SplitsRootBuses)
        {
            root = RootBus;
            rootNumber = start;
            bus = start + index;
            return bus <= MaxBusNumber;
        }

        (int first0, int last0) = Decode(BusRange0);
        (int first1, int last1) = Decode(BusRange1);
        if (index >= first0 && index <= last0)
        {
            root = RootBus;
            rootNumber = start;
            bus = start + index - first0;
        }
        else if (index >= first1 && index <= last1 && SecondRootBus is SimulatedBus second)
        {
            root = second;
            rootNumber = SecondRootBusNumber;
            bus = SecondRootBusNumber + index - first1;
        }
        else
        {
            return false;
        }

        return bus <= MaxBusNumber;
    }

    /// <summary>
    /// The root bus an aperture access enters: the first root bus, or while <see cref="SplitsRootBuses"/> the second one
    /// from the split offset (<paramref name="secondRootBusOffset"/>) on.
    /// </summary>
    internal SimulatedBus ApertureRoot(ulong offset, ulong secondRootBusOffset) =>
        SplitsRootBuses && offset >= secondRootBusOffset && SecondRootBus is SimulatedBus second ? second : RootBus;

    private static (int First, int Last) Decode(ushort busRange) => (busRange & 0xFF, busRange >> 8);

    private ulong RawBar(int index)
    {
        ushort offset = PciHeader.BaseAddress(index);
        ulong low = Function.Read32(offset);
        return Function.GetBarKind(index) == BarKind.Memory64 ? low | ((ulong)Function.Read32((ushort)(offset + 4)) << 32) : low;
    }
}
