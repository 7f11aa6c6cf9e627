using System;
using System.Collections.Generic;
using Vmd.Registers;
using Vmd.Simulation.Errors;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>One BAR as the importer reads it from a dump: kind, address and the size it will decode.</summary>
internal readonly record struct BarPlan(int Index, bool IsIo, bool Is64Bit, bool Prefetchable, ulong Address, ulong Size);

/// <summary>A capability found in a dump: offset, ID and (extended ones) version.</summary>
internal readonly record struct CapabilityPlan(ushort Offset, ushort Id, byte Version);

/// <summary>What the importer decoded from one dumped function before building anything.</summary>
internal sealed class FunctionPlan
{
    public FunctionPlan(DumpFunction dump) => Dump = dump;

    public DumpFunction Dump { get; }

    public List<BarPlan> Bars { get; } = [];

    public List<CapabilityPlan> Capabilities { get; } = [];

    public List<CapabilityPlan> ExtendedCapabilities { get; } = [];

    public bool IsBridge => Dump.HeaderLayout == HeaderType.Bridge;

    public uint? RomAddressRegister { get; set; }

    public uint RomSize { get; set; }

    public bool HardWiredPrimaryBus { get; set; }

    public ushort Find(CapabilityId id)
    {
        foreach (CapabilityPlan cap in Capabilities)
        {
            if (cap.Id == (ushort)id)
            {
                return cap.Offset;
            }
        }

        return 0;
    }

    public ushort FindExtended(ExtendedCapabilityId id)
    {
        foreach (CapabilityPlan cap in ExtendedCapabilities)
        {
            if (cap.Id == (ushort)id)
            {
                return cap.Offset;
            }
        }

        return 0;
    }

    public BarPlan? Bar(int index)
    {
        foreach (BarPlan bar in Bars)
        {
            if (bar.Index == index)
            {
                return bar;
            }
        }

        return null;
    }

    /// <summary>PCI Express device/port type from the dumped capability, or null without one.</summary>
    public PciExpressPortType? PortType
    {
        get
        {
            ushort at = Find(CapabilityId.PciExpress);
            return at == 0 ? null : (PciExpressPortType)((Dump.Read16(at + PciExpressCapability.Capabilities) >> PciExpressCapability.PortTypeShift) & 0xF);
        }
    }

    /// <summary>The dumped MSI-X capability: entries, table BIR/offset, PBA BIR/offset; null without one.</summary>
    public (int Entries, int TableBir, uint TableOffset, int PbaBir, uint PbaOffset)? Msix
    {
        get
        {
            ushort at = Find(CapabilityId.MsiX);
            if (at == 0)
            {
                return null;
            }

            uint table = Dump.Read32(at + MsixCapability.TableOffset);
            uint pba = Dump.Read32(at + MsixCapability.PbaOffset);
            return ((Dump.Read16(at + MsixCapability.MessageControl) & MsixCapability.TableSizeMask) + 1,
                (int)(table & MsixCapability.BirMask), table & MsixCapability.OffsetMask,
                (int)(pba & MsixCapability.BirMask), pba & MsixCapability.OffsetMask);
        }
    }
}

/// <summary>
/// Turns one dumped function into simulator functions: decodes BARs (sizes from the decode lines or documented defaults)
/// and capabilities, builds a function whose masks follow the PCI rules for every known register, then copies the dumped
/// bytes over it so every value reads as dumped. Unknown capabilities and bytes are copied and read-only.
/// </summary>
internal static class DumpFunctionImporter
{
    /// <summary>Default memory BAR size without a decode line: 4 KiB (if the address is aligned to it).</summary>
    public const ulong DefaultMemoryBarSize = 4096;

    /// <summary>Default I/O BAR size without a decode line: 16 bytes (if the address is aligned to it).</summary>
    public const uint DefaultIoBarSize = 16;

    /// <summary>Default expansion ROM size without a decode line: 2 KiB, the smallest a ROM BAR can be.</summary>
    public const uint DefaultRomSize = 2048;

    // The Command bits a PCIe function implements (PCIe Base §7.5.1.1.3), as FunctionBuilder defaults them.
    private const ushort CommandWritable = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable
        | PciCommand.ParityErrorResponse | PciCommand.SerrEnable | PciCommand.InterruptDisable);

    private const ulong FarAway = 1UL << 63;
    private const int MaxLegacySize = 256;

    /// <summary>Decodes BARs, ROM and capability lists. <paramref name="knownSizes"/> (by BAR index) overrides decode lines and defaults without an assumption.</summary>
    public static FunctionPlan Plan(DumpFunction dump, ImportReport.Collector report, ulong?[]? knownSizes = null)
    {
        var plan = new FunctionPlan(dump);
        WalkCapabilities(plan, report);
        PlanBars(plan, report, knownSizes);
        PlanRom(plan, report);
        if (plan.IsBridge && !HasIoWindow(dump))
        {
            report.Assume(dump.Address, "I/O window", "not implemented", "I/O Base and I/O Limit read 0, as on a bridge without one; the registers stay read-only 0");
        }

        return plan;
    }

    /// <summary>
    /// Builds the function: masks from the PCI rules (BARs backed by memory that reads 0, the MSI-X table laid over its BAR when
    /// <paramref name="withTargets"/>), then the dumped bytes. The result is ready to plug in.
    /// </summary>
    public static SimulatedFunction Build(FunctionPlan plan, ImportReport.Collector report, bool withTargets, out MsixTable? msixTable)
    {
        DumpFunction dump = plan.Dump;
        msixTable = null;
        var builder = new FunctionBuilder(plan.IsBridge ? HeaderType.Bridge : HeaderType.Endpoint);
        if (dump.HeaderLayout is not (HeaderType.Endpoint or HeaderType.Bridge))
        {
            report.Assume(dump.Address, "header layout", $"{dump.HeaderLayout}", "only type 0 and type 1 headers are modelled; the function gets type 0 masks and its bytes as dumped");
        }

        IMemoryTarget?[] targets = new IMemoryTarget?[DumpFunction.RegionCount];
        if (withTargets)
        {
            msixTable = PlanMsixTargets(plan, report, targets);
        }

        foreach (BarPlan bar in plan.Bars)
        {
            if (bar.IsIo)
            {
                builder.IoBar(bar.Index, (uint)bar.Size, (uint)bar.Address);
            }
            else
            {
                builder.MemoryBar(bar.Index, bar.Size, bar.Is64Bit, bar.Prefetchable, bar.Address, withTargets ? targets[bar.Index] ?? new SparseMemory() : null);
            }
        }

        if (plan.RomAddressRegister is uint rom)
        {
            builder.ExpansionRom(plan.RomSize, rom & BaseAddressBits.RomAddressMask & ~(plan.RomSize - 1), (rom & BaseAddressBits.RomEnable) != 0);
        }

        if (plan.IsBridge)
        {
            AddBridgeMasks(builder, plan);
        }

        AddCapabilityMasks(builder, plan, report);

        // Command: the bits every PCIe function implements, plus I/O Space Enable when something decodes I/O or the dump
        // shows it set (a bit that reads 1 is implemented).
        bool decodesIo = plan.Bars.Exists(static b => b.IsIo) || (plan.IsBridge && HasIoWindow(dump))
            || (dump.Read16(PciHeader.Command) & (ushort)PciCommand.IoSpaceEnable) != 0;
        builder.CommandWritable((ushort)(CommandWritable | (decodesIo ? (ushort)PciCommand.IoSpaceEnable : 0)));
        SimulatedFunction function = builder.Function;
        CopyBytes(function, dump);
        function = builder.Build();
        if (msixTable is not null)
        {
            function.AttachMsixTable(msixTable);
        }

        return function;
    }

    /// <summary>
    /// Lays the dump over a function a device model built: its bytes become the dump's, its masks the template's (except
    /// the BAR registers, which the model sized itself), its power-on state the dump, and its message logic re-reads the
    /// capability offsets.
    /// </summary>
    public static void Overlay(SimulatedFunction model, SimulatedFunction template, FunctionPlan plan, MsixTable? msixTable)
    {
        int barEnd = PciHeader.BaseAddress(plan.IsBridge ? Type1Header.BarCount : Type0Header.BarCount);
        for (ushort at = 0; at < SimulatedFunction.ConfigSpaceSize; at += 4)
        {
            if (at >= PciHeader.BaseAddress0 && at < barEnd)
            {
                continue;
            }

            model.SetWritable(at, 4, template.GetWritable(at, 4));
            model.SetWriteOneToClear(at, 4, template.GetWriteOneToClear(at, 4));
        }

        CopyBytes(model, plan.Dump);
        model.CapturePowerOnState();
        model.ReloadInterruptCapabilities(msixTable);
    }

    /// <summary>Options of the dumped PCI Express capability at <paramref name="at"/>, for the capability helper and the port and drive models.</summary>
    public static PciExpressCapabilityOptions DecodePciExpress(DumpFunction dump, ushort at)
    {
        ushort capabilities = dump.Read16(at + PciExpressCapability.Capabilities);
        uint deviceCapabilities = dump.Read32(at + PciExpressCapability.DeviceCapabilities);
        uint linkCapabilities = dump.Read32(at + PciExpressCapability.LinkCapabilities);
        ushort linkStatus = dump.Read16(at + PciExpressCapability.LinkStatus);
        uint slotCapabilities = dump.Read32(at + PciExpressCapability.SlotCapabilities);
        ushort slotStatus = dump.Read16(at + PciExpressCapability.SlotStatus);
        uint deviceCapabilities2 = dump.Read32(at + PciExpressCapability.DeviceCapabilities2);
        return new PciExpressCapabilityOptions
        {
            PortType = (PciExpressPortType)((capabilities >> PciExpressCapability.PortTypeShift) & 0xF),
            SlotImplemented = (capabilities & PciExpressCapability.SlotImplemented) != 0,
            InterruptMessageNumber = (byte)((capabilities >> 9) & 0x1F),
            MaxPayloadSizeSupported = (byte)(deviceCapabilities & PciExpressDevice.MaxPayloadSizeSupportedMask),
            FunctionLevelReset = (deviceCapabilities & PciExpressCapability.FunctionLevelResetCapable) != 0,
            RoleBasedErrorReporting = (deviceCapabilities & PciExpressDevice.RoleBasedErrorReporting) != 0,
            MaxLinkSpeed = (byte)(linkCapabilities & PciExpressLink.SpeedMask),
            MaxLinkWidth = (byte)((linkCapabilities & PciExpressLink.WidthMask) >> PciExpressLink.WidthShift),
            PortNumber = (byte)(linkCapabilities >> PciExpressLink.PortNumberShift),
            AspmSupport = (byte)((linkCapabilities & PciExpressLink.AspmSupportMask) >> PciExpressLink.AspmSupportShift),
            DataLinkLayerActiveReporting = (linkCapabilities & PciExpressCapability.DataLinkLayerActiveReportingCapable) != 0,
            LinkUp = (linkStatus & PciExpressLink.WidthMask) != 0,
            HotPlugCapable = (slotCapabilities & PciExpressSlot.HotPlugCapable) != 0,
            HotPlugSurprise = (slotCapabilities & PciExpressSlot.HotPlugSurprise) != 0,
            AttentionButtonPresent = (slotCapabilities & PciExpressSlot.AttentionButtonPresent) != 0,
            PowerControllerPresent = (slotCapabilities & PciExpressSlot.PowerControllerPresent) != 0,
            MrlSensorPresent = (slotCapabilities & PciExpressSlot.MrlSensorPresent) != 0,
            AttentionIndicatorPresent = (slotCapabilities & PciExpressSlot.AttentionIndicatorPresent) != 0,
            PowerIndicatorPresent = (slotCapabilities & PciExpressSlot.PowerIndicatorPresent) != 0,
            NoCommandCompletedSupport = (slotCapabilities & PciExpressSlot.NoCommandCompletedSupport) != 0,
            PhysicalSlotNumber = (ushort)((slotCapabilities >> PciExpressSlot.PhysicalSlotNumberShift) & PciExpressSlot.PhysicalSlotNumberMax),
            SlotPowerLimitValue = (byte)(slotCapabilities >> PciExpressSlot.SlotPowerLimitValueShift),
            SlotPowerLimitScale = (byte)((slotCapabilities >> PciExpressSlot.SlotPowerLimitScaleShift) & 3),
            PresenceDetected = (slotStatus & PciExpressSlot.PresenceDetectState) != 0,
            LtrSupported = (deviceCapabilities2 & PciExpressDevice.LtrMechanismSupported) != 0,
            AriForwardingSupported = (deviceCapabilities2 & PciExpressCapability.AriForwardingSupported) != 0,
        };
    }

    private static void CopyBytes(SimulatedFunction function, DumpFunction dump)
    {
        ReadOnlySpan<byte> bytes = dump.Bytes;
        for (ushort at = 0; at < SimulatedFunction.ConfigSpaceSize; at += 4)
        {
            uint value = at + 4 <= bytes.Length
                ? (uint)(bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24))
                : 0u;
            function.Set32(at, value);
        }
    }

    private static void WalkCapabilities(FunctionPlan plan, ImportReport.Collector report)
    {
        DumpFunction dump = plan.Dump;
        if ((dump.Read16(PciHeader.Status) & (ushort)PciStatus.CapabilitiesList) != 0)
        {
            var seen = new HashSet<int>();
            int at = dump.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
            for (int n = 0; at != 0 && n < CapabilityHeader.MaxStandardEntries; n++)
            {
                if (at < PciHeader.Length || !seen.Add(at))
                {
                    report.Assume(dump.Address, "capability list", $"ends before 0x{at:x2}", "the pointer leaves 0x40-0xff or loops; the bytes are copied as dumped");
                    break;
                }

                if (!dump.Covers(at, 2))
                {
                    report.Assume(dump.Address, "capability list", $"ends before 0x{at:x2}", $"only {dump.Length} bytes were dumped; the missing capabilities read 0");
                    break;
                }

                plan.Capabilities.Add(new CapabilityPlan((ushort)at, dump.Read8(at), 0));
                at = dump.Read8(at + CapabilityHeader.Next) & CapabilityHeader.PointerMask;
            }
        }

        if (dump.Length > CapabilityHeader.FirstExtended)
        {
            var seen = new HashSet<int>();
            int at = CapabilityHeader.FirstExtended;
            for (int n = 0; at != 0 && n < CapabilityHeader.MaxExtendedEntries; n++)
            {
                uint header = dump.Read32(at);
                if (header is 0 or uint.MaxValue)
                {
                    break;
                }

                if (at < CapabilityHeader.FirstExtended || !seen.Add(at) || !dump.Covers(at, 4))
                {
                    report.Assume(dump.Address, "extended capability list", $"ends before 0x{at:x3}", "the pointer leaves 0x100-0xfff, loops or leaves the dumped bytes; the bytes are copied as dumped");
                    break;
                }

                plan.ExtendedCapabilities.Add(new CapabilityPlan((ushort)at, (ushort)(header & CapabilityHeader.ExtendedIdMask), (byte)((header >> CapabilityHeader.ExtendedVersionShift) & CapabilityHeader.ExtendedVersionMask)));
                at = (int)((header >> CapabilityHeader.ExtendedNextShift) & CapabilityHeader.ExtendedNextMask);
            }
        }
    }

    private static void PlanBars(FunctionPlan plan, ImportReport.Collector report, ulong?[]? knownSizes)
    {
        DumpFunction dump = plan.Dump;
        int count = plan.IsBridge ? Type1Header.BarCount : Type0Header.BarCount;
        if (dump.HeaderLayout is not (HeaderType.Endpoint or HeaderType.Bridge))
        {
            return;
        }

        var msix = plan.Msix;
        for (int index = 0; index < count; index++)
        {
            uint raw = dump.Read32(PciHeader.BaseAddress(index));
            ulong? known = knownSizes is not null && index < knownSizes.Length ? knownSizes[index] : null;
            ulong? decoded = known ?? dump.GetRegionSize(index);
            if (raw == 0 && decoded is null)
            {
                continue; // not implemented (or nothing says otherwise)
            }

            string name = $"BAR{index} size";
            if ((raw & BaseAddressBits.IoSpace) != 0)
            {
                uint address = raw & BaseAddressBits.IoAddressMask;
                uint size;
                if (decoded is ulong d && IsPowerOfTwo(d) && d >= 4 && d <= MaxLegacySize && (address & (d - 1)) == 0)
                {
                    size = (uint)d;
                }
                else
                {
                    size = DefaultIoBarSize;
                    while ((address & (size - 1)) != 0)
                    {
                        size >>= 1;
                    }

                    report.Assume(dump.Address, name, $"{size} bytes (I/O)", decoded is null
                        ? "no size in the dump; the smallest power of two of at least 16 bytes that keeps the address aligned"
                        : $"the dumped size {decoded} is not a power of two from 4 to 256 aligned with the address; a default instead");
                }

                plan.Bars.Add(new BarPlan(index, IsIo: true, Is64Bit: false, Prefetchable: false, address, size));
                continue;
            }

            uint type = raw & BaseAddressBits.TypeMask;
            bool is64 = type == BaseAddressBits.Type64;
            if (is64 && index + 1 >= count)
            {
                report.Assume(dump.Address, $"BAR{index} type", "32-bit", "a 64-bit BAR in the last slot has no upper half");
                is64 = false;
            }
            else if (type is BaseAddressBits.TypeBelow1MiB or BaseAddressBits.TypeReserved)
            {
                report.Assume(dump.Address, $"BAR{index} type", "32-bit", $"type {type >> 1} is not modelled");
            }

            ulong memoryAddress = (raw & BaseAddressBits.MemoryAddressMask) | (is64 ? (ulong)dump.Read32(PciHeader.BaseAddress(index + 1)) << 32 : 0);
            bool prefetchable = (raw & BaseAddressBits.Prefetchable) != 0;
            ulong limit = is64 ? ulong.MaxValue : 1UL << 31;
            ulong memorySize;
            if (decoded is ulong ds && IsPowerOfTwo(ds) && ds >= 16 && ds <= limit && (memoryAddress & (ds - 1)) == 0)
            {
                memorySize = ds;
            }
            else
            {
                ulong wanted = DefaultMemoryBarSize;
                if (msix is { } m)
                {
                    if (m.TableBir == index)
                    {
                        wanted = Math.Max(wanted, RoundUp((ulong)m.TableOffset + ((ulong)m.Entries * MsixCapability.EntrySize)));
                    }

                    if (m.PbaBir == index)
                    {
                        wanted = Math.Max(wanted, RoundUp((ulong)m.PbaOffset + (((ulong)m.Entries + 63) / 64 * 8)));
                    }
                }

                memorySize = wanted;
                while (memorySize > 16 && (memoryAddress & (memorySize - 1)) != 0)
                {
                    memorySize >>= 1;
                }

                string why = decoded is null
                    ? "no size in the dump; the smallest power of two of at least 4 KiB (and covering the MSI-X table and PBA in it) that keeps the address aligned"
                    : $"the dumped size {ImportReport.Collector.Size(decoded.Value)} is not a power of two aligned with the address; a default instead";
                report.Assume(dump.Address, name, ImportReport.Collector.Size(memorySize), why);
            }

            plan.Bars.Add(new BarPlan(index, IsIo: false, is64, prefetchable, memoryAddress, memorySize));
            if (is64)
            {
                index++;
            }
        }
    }

    private static void PlanRom(FunctionPlan plan, ImportReport.Collector report)
    {
        DumpFunction dump = plan.Dump;
        if (dump.HeaderLayout is not (HeaderType.Endpoint or HeaderType.Bridge))
        {
            return;
        }

        ushort offset = plan.IsBridge ? Type1Header.ExpansionRomBaseAddress : Type0Header.ExpansionRomBaseAddress;
        uint raw = dump.Read32(offset);
        if (raw == 0 && dump.ExpansionRomSize is null)
        {
            return;
        }

        uint address = raw & BaseAddressBits.RomAddressMask;
        uint size;
        if (dump.ExpansionRomSize is ulong d && IsPowerOfTwo(d) && d >= DefaultRomSize && d <= 1UL << 31 && (address & (d - 1)) == 0)
        {
            size = (uint)d;
        }
        else
        {
            size = DefaultRomSize;
            report.Assume(dump.Address, "expansion ROM size", ImportReport.Collector.Size(size), dump.ExpansionRomSize is null
                ? "no 'Expansion ROM ... [size=...]' line; the smallest ROM BAR"
                : "the dumped size is not a power of two of at least 2 KiB aligned with the address; the smallest ROM BAR instead");
        }

        plan.RomAddressRegister = raw;
        plan.RomSize = size;
    }

    private static MsixTable? PlanMsixTargets(FunctionPlan plan, ImportReport.Collector report, IMemoryTarget?[] targets)
    {
        if (plan.Msix is not { } msix)
        {
            return null;
        }

        BarPlan? tableBar = plan.Bar(msix.TableBir);
        BarPlan? pbaBar = plan.Bar(msix.PbaBir);
        if (tableBar is not { IsIo: false } || pbaBar is not { IsIo: false })
        {
            report.Assume(plan.Dump.Address, "MSI-X table", "not backed", $"the table (BIR {msix.TableBir}) or PBA (BIR {msix.PbaBir}) names no memory BAR of the function");
            return null;
        }

        var table = new MsixTable(msix.Entries);
        if ((ulong)msix.TableOffset + table.TableLength > tableBar.Value.Size || (ulong)msix.PbaOffset + table.PbaLength > pbaBar.Value.Size)
        {
            report.Assume(plan.Dump.Address, "MSI-X table", "partly outside its BAR", "the table or PBA runs past the BAR's size; entries past the end are unreachable");
        }

        if (msix.TableBir == msix.PbaBir)
        {
            targets[msix.TableBir] = new MsixBarTarget(new SparseMemory(), table, msix.TableOffset, msix.PbaOffset);
        }
        else
        {
            targets[msix.TableBir] = new MsixBarTarget(new SparseMemory(), table, msix.TableOffset, FarAway);
            targets[msix.PbaBir] = new MsixBarTarget(new SparseMemory(), table, FarAway, msix.PbaOffset);
        }

        return table;
    }

    private static void AddBridgeMasks(FunctionBuilder builder, FunctionPlan plan)
    {
        DumpFunction dump = plan.Dump;
        byte ioBase = dump.Read8(Type1Header.IoBase);
        byte ioLimit = dump.Read8(Type1Header.IoLimit);
        bool io = HasIoWindow(dump);
        builder.IoWindow(io, is32Bit: (ioBase & 0xF) == 1, ioBase, ioLimit, dump.Read16(Type1Header.IoBaseUpper16), dump.Read16(Type1Header.IoLimitUpper16));
        ushort prefetchBase = dump.Read16(Type1Header.PrefetchableMemoryBase);
        ushort prefetchLimit = dump.Read16(Type1Header.PrefetchableMemoryLimit);
        bool prefetch = prefetchBase != 0 || prefetchLimit != 0 || dump.Read32(Type1Header.PrefetchableBaseUpper32) != 0 || dump.Read32(Type1Header.PrefetchableLimitUpper32) != 0;
        builder.PrefetchableWindow(prefetch, is64Bit: (prefetchBase & 0xF) == 1, prefetchBase, prefetchLimit, dump.Read32(Type1Header.PrefetchableBaseUpper32), dump.Read32(Type1Header.PrefetchableLimitUpper32));
        if (plan.HardWiredPrimaryBus)
        {
            builder.HardWiredPrimaryBus(dump.Read8(Type1Header.PrimaryBusNumber));
        }
    }

    private static void AddCapabilityMasks(FunctionBuilder builder, FunctionPlan plan, ImportReport.Collector report)
    {
        DumpFunction dump = plan.Dump;
        foreach (CapabilityPlan cap in plan.Capabilities)
        {
            try
            {
                AddKnownCapability(builder, plan, cap);
            }
            catch (ArgumentException)
            {
                TryAddPlain(builder, dump, report, cap);
            }
        }

        bool rootPort = plan.PortType == PciExpressPortType.RootPort;
        foreach (CapabilityPlan cap in plan.ExtendedCapabilities)
        {
            try
            {
                AddKnownExtendedCapability(builder, dump, cap, rootPort);
            }
            catch (ArgumentException)
            {
                try
                {
                    builder.AddExtendedCapability((ExtendedCapabilityId)cap.Id, cap.Version, 4, cap.Offset);
                    report.Assume(dump.Address, $"extended capability 0x{cap.Id:x4} at 0x{cap.Offset:x3}", "read-only", "its registers do not fit the simulator's layout for that ID; copied as dumped");
                }
                catch (ArgumentException)
                {
                    report.Assume(dump.Address, $"extended capability 0x{cap.Id:x4} at 0x{cap.Offset:x3}", "read-only", "it cannot be placed there; copied as dumped");
                }
            }
        }
    }

    private static void TryAddPlain(FunctionBuilder builder, DumpFunction dump, ImportReport.Collector report, CapabilityPlan cap)
    {
        try
        {
            builder.AddCapability((CapabilityId)cap.Id, 2, cap.Offset);
            report.Assume(dump.Address, $"capability 0x{cap.Id:x2} at 0x{cap.Offset:x2}", "read-only", "its registers do not fit the simulator's layout for that ID; copied as dumped");
        }
        catch (ArgumentException)
        {
            report.Assume(dump.Address, $"capability 0x{cap.Id:x2} at 0x{cap.Offset:x2}", "read-only", "it cannot be placed there; copied as dumped");
        }
    }

    private static void AddKnownCapability(FunctionBuilder builder, FunctionPlan plan, CapabilityPlan cap)
    {
        DumpFunction dump = plan.Dump;
        ushort at = cap.Offset;
        switch ((CapabilityId)cap.Id)
        {
            case CapabilityId.PowerManagement:
                builder.AddPowerManagement(at, dump.Read16(at + PowerManagementCapability.Capabilities), (dump.Read16(at + PowerManagementCapability.ControlStatus) & PowerManagementCapability.NoSoftReset) != 0);
                break;
            case CapabilityId.Msi:
                ushort control = dump.Read16(at + MsiCapability.MessageControl);
                builder.AddMsi((control & MsiCapability.Address64Capable) != 0, Math.Min(5, (control & MsiCapability.MultipleMessageCapableMask) >> 1), at, (control & MsiCapability.PerVectorMaskingCapable) != 0);
                break;
            case CapabilityId.MsiX:
                var msix = plan.Msix!.Value;
                builder.AddMsix(msix.Entries, msix.TableBir, msix.TableOffset, msix.PbaBir, msix.PbaOffset, at);
                break;
            case CapabilityId.PciExpress:
                builder.AddPciExpress(DecodePciExpress(dump, at), at);
                break;
            case CapabilityId.BridgeSubsystemVendorId:
                builder.AddBridgeSubsystem(dump.Read16(at + BridgeSubsystemVendorIdCapability.SubsystemVendorId), dump.Read16(at + BridgeSubsystemVendorIdCapability.SubsystemId), at);
                break;
            default:
                builder.AddCapability((CapabilityId)cap.Id, 2, at); // vendor-specific and unknown: read-only
                break;
        }
    }

    private static void AddKnownExtendedCapability(FunctionBuilder builder, DumpFunction dump, CapabilityPlan cap, bool rootPort)
    {
        ushort at = cap.Offset;
        switch ((ExtendedCapabilityId)cap.Id)
        {
            case ExtendedCapabilityId.AdvancedErrorReporting:
                builder.AddAdvancedErrorReporting(rootPort, at);
                break;
            case ExtendedCapabilityId.DeviceSerialNumber:
                builder.AddDeviceSerialNumber(dump.Read32(at + DeviceSerialNumberCapability.SerialNumberLow) | ((ulong)dump.Read32(at + DeviceSerialNumberCapability.SerialNumberHigh) << 32), at);
                break;
            case ExtendedCapabilityId.LatencyToleranceReporting:
                builder.AddLatencyToleranceReporting(offset: at);
                break;
            case ExtendedCapabilityId.DownstreamPortContainment:
                builder.AddDownstreamPortContainment((byte)(dump.Read16(at + Vmd.Registers.DownstreamPortContainmentCapability.Capability) & Vmd.Registers.DownstreamPortContainmentCapability.InterruptMessageNumberMask), at);
                break;
            default:
                builder.AddExtendedCapability((ExtendedCapabilityId)cap.Id, cap.Version, 4, at);
                break;
        }
    }

    /// <summary>A bridge's I/O window is taken as implemented when I/O Base or I/O Limit reads non-zero (an unimplemented one reads 0/0).</summary>
    public static bool HasIoWindow(DumpFunction dump) => dump.Read8(Type1Header.IoBase) != 0 || dump.Read8(Type1Header.IoLimit) != 0;

    private static bool IsPowerOfTwo(ulong value) => value != 0 && (value & (value - 1)) == 0;

    private static ulong RoundUp(ulong value)
    {
        ulong size = 1;
        while (size < value && size != 0)
        {
            size <<= 1;
        }

        return size == 0 ? value : size;
    }
}
