using System;
using System.Collections.Generic;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>
/// Builds a <see cref="SimulatedMachine"/> from what <c>lspci</c> printed on a real computer (see
/// <see cref="LspciDumpReader"/>), so every bring-up step can run on it as on a built-in machine.
/// </summary>
/// <remarks>
/// <para>
/// Segment 0 functions become host functions at their addresses; one whose vendor is 0x8086 and whose device ID is a
/// known VMD (201d, 28c0, 467f, 4c3d, 9a0b, a77f, 7d0b, ad0b, b60b, b06f, b07f; never the class code) becomes a
/// <see cref="SimulatedVmd"/> with VMCAP, VMCONFIG, VMLOCK, BUSRANGE and its BARs from its own bytes. Domain 0x10000 + k
/// belongs to the k-th VMD in host address order; each of its functions sits on the simulated bus the dump's bridge
/// registers route its bus number to (the VMD's root bus for the bus start, a bridge's secondary bus for that bridge's
/// secondary number). Root, switch downstream and switch upstream ports become <see cref="PciePort"/>s, NVMe controllers
/// <see cref="NvmeEndpoint"/>s where the dump allows, everything else a function built with <see cref="FunctionBuilder"/>.
/// </para>
/// <para>
/// Every function gets the masks the PCI rules give each known register (Command, RW1C Status, BARs by their sizes,
/// expansion ROM, bridge bus numbers and windows, PM, MSI, MSI-X, PCI Express, AER, DSN, LTR, DPC) and then the dumped bytes,
/// so each register reads exactly as dumped; unknown capabilities and bytes are read-only. Bytes past the dump read 0.
/// Values the dump does not give (BAR sizes without <c>-vv</c>, VMD registers of a 64-byte dump) follow documented defaults,
/// each listed in the <see cref="ImportReport"/>.
/// </para>
/// </remarks>
public static class DumpMachineBuilder
{
    /// <summary>CFGBAR size assumed when the dump gives none (32 MiB on every part seen, hardware digest §2.3).</summary>
    public const ulong DefaultCfgBarSize = 32UL << 20;

    /// <summary>VMD MSI-X entries assumed when the dump has no MSI-X capability for a VMD (19 on client parts).</summary>
    public const int DefaultVmdMsixEntries = 19;

    private const ushort IntelVendorId = 0x8086;
    private const int MaxBus = 255;
    private const ulong RamAlignment = 1UL << 30;

    /// <summary>True for the device IDs the library treats as VMD endpoints (vendor 0x8086).</summary>
    public static bool IsVmd(ushort vendorId, ushort deviceId) =>
        vendorId == IntelVendorId && deviceId is 0x201D or 0x28C0 or 0x467F or 0x4C3D or 0x9A0B or 0xA77F or 0x7D0B or 0xAD0B or 0xB60B or 0xB06F or 0xB07F;

    /// <summary>Parses <paramref name="lspciText"/> and builds the machine (see <see cref="Build(DumpFile, string, TimeProvider?, out ImportReport)"/>).</summary>
    /// <exception cref="DumpFormatException">The text is not an lspci hex dump.</exception>
    public static SimulatedMachine Build(string lspciText, string name, TimeProvider? time, out ImportReport report) =>
        Build(LspciDumpReader.Parse(lspciText), name, time, out report);

    /// <summary>
    /// Builds a machine called <paramref name="name"/> from <paramref name="dump"/>, on clock <paramref name="time"/>
    /// (null: the system clock). <paramref name="report"/> lists counts, every assumption and every function left out.
    /// </summary>
    public static SimulatedMachine Build(DumpFile dump, string name, TimeProvider? time, out ImportReport report)
    {
        ArgumentNullException.ThrowIfNull(dump);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var collector = new ImportReport.Collector();
        var ordered = new List<DumpFunction>(dump.Functions);
        ordered.Sort(static (a, b) => a.Address.CompareTo(b.Address));

        var hostPlans = new List<(DumpFunction Dump, VmdOptions? Vmd, FunctionPlan? Plan)>();
        var domains = new SortedDictionary<uint, List<DumpFunction>>();
        foreach (DumpFunction function in ordered)
        {
            uint segment = function.Address.Segment;
            if (segment == 0)
            {
                if (IsVmd(function.VendorId, function.DeviceId))
                {
                    VmdOptions? options = DecodeVmd(function, collector);
                    if (options is not null)
                    {
                        hostPlans.Add((function, options, null));
                    }
                }
                else
                {
                    hostPlans.Add((function, null, DumpFunctionImporter.Plan(function, collector)));
                }
            }
            else if (segment >= MachineBuilder.FirstDomainSegment)
            {
                if (!domains.TryGetValue(segment, out List<DumpFunction>? list))
                {
                    domains.Add(segment, list = []);
                }

                list.Add(function);
            }
            else
            {
                collector.Skip(function.Address, $"segment {segment:x4} is not modelled: the simulated host has segment 0 and VMD domains from 10000 only");
            }
        }

        var builder = new MachineBuilder(name, $"imported from an lspci dump ({dump.Functions.Count} functions)")
        {
            TimeProvider = time ?? TimeProvider.System,
        };
        ChooseRam(builder, hostPlans, collector);

        var vmds = new List<(SimulatedVmd Vmd, DumpFunction Dump)>();
        int hostCount = 0;
        foreach ((DumpFunction function, VmdOptions? options, FunctionPlan? plan) in hostPlans)
        {
            try
            {
                if (options is not null)
                {
                    SimulatedVmd vmd = builder.AddVmd(options);
                    FunctionPlan vmdPlan = DumpFunctionImporter.Plan(function, new ImportReport.Collector(), [options.CfgBarSize, null, options.MemBar1Size, null, options.MemBar2Size, null]);
                    SimulatedFunction template = DumpFunctionImporter.Build(vmdPlan, new ImportReport.Collector(), withTargets: false, out _);
                    template.SetWritable(VmdRegisters.VmConfig, 4, options.VmConfigWritable);
                    DumpFunctionImporter.Overlay(vmd.Function, template, vmdPlan, vmd.MsixTable);
                    ClearUpperHalfOf32BitType(vmd.Function, VmdRegisters.CfgBarIndex);
                    ClearUpperHalfOf32BitType(vmd.Function, VmdRegisters.MemBar2Index);
                    vmds.Add((vmd, function));
                    collector.Models.Add($"{function.Address} VMD {function.VendorId:x4}:{function.DeviceId:x4} (SimulatedVmd, domain {vmd.DomainSegment:x}, bus start {vmd.BusStart:x2})");
                }
                else
                {
                    SimulatedFunction built = DumpFunctionImporter.Build(plan!, collector, withTargets: true, out _);
                    builder.AddHostFunction(function.Address, built);
                    collector.Models.Add($"{function.Address} {function.VendorId:x4}:{function.DeviceId:x4} class {function.ClassCode:x6} (generic host function)");
                }

                hostCount++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                collector.Skip(function.Address, $"could not be built: {e.Message}");
            }
        }

        int domainCount = 0;
        foreach ((uint segment, List<DumpFunction> functions) in domains)
        {
            int k = (int)(segment - MachineBuilder.FirstDomainSegment);
            if (k >= vmds.Count)
            {
                foreach (DumpFunction function in functions)
                {
                    collector.Skip(function.Address, $"domain {segment:x} belongs to VMD number {k} in host address order, but the dump has {vmds.Count} VMD(s)");
                }

                continue;
            }

            domainCount += PopulateDomain(vmds[k].Vmd, functions, collector);
        }

        SimulatedMachine machine = builder.Build();
        report = new ImportReport(name, hostCount, vmds.Count, domainCount, collector.Assumptions.ToArray(), collector.Skipped.ToArray(), collector.Models.ToArray());
        return machine;
    }

    private static int PopulateDomain(SimulatedVmd vmd, List<DumpFunction> functions, ImportReport.Collector report)
    {
        var pending = new List<Imported>();
        foreach (DumpFunction function in functions)
        {
            try
            {
                bool onSecondRootBus = vmd.SplitsRootBuses && function.Address.Bus == SimulatedVmd.SecondRootBusNumber;
                pending.Add(CreateDomainFunction(function, onSecondRootBus, report));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                report.Skip(function.Address, $"could not be built: {e.Message}");
            }
        }

        var buses = new Dictionary<int, SimulatedBus> { [vmd.BusStart] = vmd.RootBus };
        if (vmd.SplitsRootBuses && vmd.SecondRootBus is SimulatedBus second)
        {
            buses[SimulatedVmd.SecondRootBusNumber] = second;
        }

        var placed = new List<Imported>();
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < pending.Count; i++)
            {
                Imported item = pending[i];
                PciAddress address = item.Plan.Dump.Address;
                if (!buses.TryGetValue(address.Bus, out SimulatedBus? bus))
                {
                    continue;
                }

                pending.RemoveAt(i--);
                progress = true;
                try
                {
                    bus.Add(address.Device, address.Function, item.Function);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    report.Skip(address, $"could not be plugged in at {address.Device:x2}.{address.Function}: {e.Message}");
                    continue;
                }

                placed.Add(item);
                if (item.Function.IsBridge && item.Function.SecondaryBus is SimulatedBus below)
                {
                    int secondary = item.Plan.Dump.Read8(Type1Header.SecondaryBusNumber);
                    if (secondary <= address.Bus || secondary > MaxBus)
                    {
                        report.Assume(address, "secondary bus number", $"{secondary:x2}", "not above the bridge's own bus; nothing is placed below it");
                    }
                    else if (!buses.TryAdd(secondary, below))
                    {
                        report.Assume(address, "secondary bus number", $"{secondary:x2}", "another bridge already leads to that bus; nothing is placed below this one");
                    }
                }
            }
        }

        foreach (Imported item in pending)
        {
            PciAddress address = item.Plan.Dump.Address;
            report.Skip(address, $"bus {address.Bus:x2} is not reached through the VMD's root bus (bus start {vmd.BusStart:x2}) or any bridge in the dump");
        }

        foreach (Imported item in placed)
        {
            if (item.Template is not null)
            {
                DumpFunctionImporter.Overlay(item.Function, item.Template, item.Plan, item.Table);
            }

            report.Models.Add($"{item.Plan.Dump.Address} {item.Plan.Dump.VendorId:x4}:{item.Plan.Dump.DeviceId:x4} class {item.Plan.Dump.ClassCode:x6} ({item.Model})");
        }

        return placed.Count;
    }

    private static Imported CreateDomainFunction(DumpFunction function, bool onSecondRootBus, ImportReport.Collector report)
    {
        FunctionPlan plan = DumpFunctionImporter.Plan(function, report);
        if (plan.IsBridge)
        {
            byte primary = function.Read8(Type1Header.PrimaryBusNumber);
            if (primary == 0 && function.Address.Bus != 0)
            {
                plan.HardWiredPrimaryBus = true;
                report.Assume(function.Address, "primary bus number", "hard-wired 00", $"the bridge sits on bus {function.Address.Bus:x2} but reads 00, as client VMD root ports do");
            }
            else if (onSecondRootBus && primary == SimulatedVmd.SecondRootBusNumber)
            {
                plan.HardWiredPrimaryBus = true;
                report.Assume(function.Address, "primary bus number", "hard-wired 80", "root ports of a second root bus hard-wire their primary bus to 0x80");
            }

            if (TryCreatePort(plan, report) is Imported port)
            {
                return port;
            }

            SimulatedFunction bridge = DumpFunctionImporter.Build(plan, report, withTargets: true, out MsixTable? bridgeTable);
            PciExpressPortType? type = plan.PortType;
            bridge.SecondaryBus = new SimulatedBus(isLink: type is PciExpressPortType.RootPort or PciExpressPortType.SwitchDownstreamPort);
            return new Imported(plan, bridge, null, bridgeTable, "generic bridge");
        }

        if (function.ClassCode == ClassCodes.NvmExpress && TryCreateNvme(plan, report) is Imported nvme)
        {
            return nvme;
        }

        SimulatedFunction generic = DumpFunctionImporter.Build(plan, report, withTargets: true, out MsixTable? table);
        return new Imported(plan, generic, null, table, "generic function");
    }

    private static Imported? TryCreatePort(FunctionPlan plan, ImportReport.Collector report)
    {
        DumpFunction dump = plan.Dump;
        ushort at = plan.Find(CapabilityId.PciExpress);
        PciExpressPortType? type = plan.PortType;
        string? refusal = null;
        if (at == 0 || !dump.Covers(at, PciExpressDevice.CapabilityLength))
        {
            refusal = "the dump has no PCI Express capability";
        }
        else if (type is not (PciExpressPortType.RootPort or PciExpressPortType.SwitchDownstreamPort or PciExpressPortType.SwitchUpstreamPort))
        {
            refusal = $"PCI Express port type {(int?)type} is not a root, switch upstream or switch downstream port";
        }
        else if (plan.Bars.Count != 0)
        {
            refusal = "the bridge has BARs, which the port model lacks";
        }

        if (refusal is not null)
        {
            report.Assume(dump.Address, "device model", "generic bridge", $"{refusal}; link and slot behaviour are not modelled");
            return null;
        }

        var pcie = DumpFunctionImporter.DecodePciExpress(dump, at);
        ushort linkStatus = dump.Read16(at + PciExpressCapability.LinkStatus);
        byte speed = (byte)(linkStatus & PciExpressLink.SpeedMask);
        byte width = (byte)((linkStatus & PciExpressLink.WidthMask) >> PciExpressLink.WidthShift);
        var options = new PciePortOptions
        {
            VendorId = dump.VendorId,
            DeviceId = dump.DeviceId,
            RevisionId = dump.Read8(PciHeader.RevisionId),
            MultiFunction = (dump.Read8(PciHeader.HeaderType) & HeaderType.MultiFunction) != 0,
            PrimaryBus = dump.Read8(Type1Header.PrimaryBusNumber),
            SecondaryBus = dump.Read8(Type1Header.SecondaryBusNumber),
            SubordinateBus = dump.Read8(Type1Header.SubordinateBusNumber),
            HardWiredPrimaryBus = plan.HardWiredPrimaryBus ? dump.Read8(Type1Header.PrimaryBusNumber) : null,
            Command = dump.Read16(PciHeader.Command),
            InterruptPin = dump.Read8(PciHeader.InterruptPin),
            MaxLinkSpeed = Math.Max((byte)1, speed != 0 ? speed : pcie.MaxLinkSpeed),
            MaxLinkWidth = Math.Max((byte)1, width != 0 ? width : pcie.MaxLinkWidth),
            PortNumber = pcie.PortNumber,
            DataLinkLayerActiveReporting = pcie.DataLinkLayerActiveReporting,
            SlotImplemented = pcie.SlotImplemented,
            HotPlugCapable = pcie.HotPlugCapable,
            HotPlugSurprise = pcie.HotPlugSurprise,
            PhysicalSlotNumber = pcie.PhysicalSlotNumber,
            AttentionIndicatorPresent = pcie.AttentionIndicatorPresent,
            PowerIndicatorPresent = pcie.PowerIndicatorPresent,
            AttentionButtonPresent = pcie.AttentionButtonPresent,
            PowerControllerPresent = pcie.PowerControllerPresent,
            NoCommandCompletedSupport = pcie.NoCommandCompletedSupport,
            AriForwardingSupported = pcie.AriForwardingSupported,
            PciExpressCapabilityOffset = at,
            MsiCapabilityOffset = 0,
            SubsystemCapabilityOffset = 0,
            PowerManagementCapabilityOffset = 0,
            AdvancedErrorReporting = false,
        };

        PciePort port;
        try
        {
            port = type switch
            {
                PciExpressPortType.RootPort => PciePort.CreateRootPort(options),
                PciExpressPortType.SwitchDownstreamPort => PciePort.CreateSwitchDownstreamPort(options),
                _ => PciePort.CreateSwitchUpstreamPort(options),
            };
        }
        catch (ArgumentException e)
        {
            report.Assume(dump.Address, "device model", "generic bridge", $"the port model refused the dumped layout ({e.Message})");
            return null;
        }

        SimulatedFunction template = DumpFunctionImporter.Build(plan, report, withTargets: false, out _);
        return new Imported(plan, port.Function, template, null, $"PciePort, {type}");
    }

    private static Imported? TryCreateNvme(FunctionPlan plan, ImportReport.Collector report)
    {
        DumpFunction dump = plan.Dump;
        var msix = plan.Msix;
        BarPlan? bar0 = plan.Bar(0);
        string? refusal = null;
        if (msix is not { } m)
        {
            refusal = "the dump has no MSI-X capability";
        }
        else if (m.TableBir != 0 || m.PbaBir != 0)
        {
            refusal = "its MSI-X table or PBA is not in BAR0";
        }
        else if (bar0 is not { IsIo: false, Is64Bit: true } || plan.Bars.Count != 1)
        {
            refusal = "it does not have exactly one BAR, a 64-bit memory BAR0";
        }

        if (refusal is null)
        {
            var found = msix!.Value;
            var options = new NvmeOptions
            {
                VendorId = dump.VendorId,
                DeviceId = dump.DeviceId,
                RevisionId = dump.Read8(PciHeader.RevisionId),
                SubsystemVendorId = dump.Read16(Type0Header.SubsystemVendorId),
                SubsystemId = dump.Read16(Type0Header.SubsystemId),
                Bar0Address = bar0!.Value.Address,
                Bar0Size = bar0.Value.Size,
                MsixEntries = found.Entries,
                MsixTableOffset = found.TableOffset,
                MsixPbaOffset = found.PbaOffset,
                Command = dump.Read16(PciHeader.Command),
                SerialNumber = SerialNumber(plan),
                ModelNumber = ModelNumber(dump),
            };

            try
            {
                var nvme = new NvmeEndpoint(options);
                SimulatedFunction template = DumpFunctionImporter.Build(plan, report, withTargets: false, out _);
                report.Assume(dump.Address, "NVMe controller registers and Identify data", "simulated", "lspci shows configuration space only; the controller behind BAR0 is the simulator's NVMe model");
                return new Imported(plan, nvme.Function, template, nvme.MsixTable, "NvmeEndpoint");
            }
            catch (ArgumentException e)
            {
                refusal = $"the NVMe model refused the dumped layout ({e.Message})";
            }
        }

        report.Assume(dump.Address, "device model", "generic function", $"NVMe model not used: {refusal}; BAR memory reads 0 and Identify does not work");
        return null;
    }

    private static ulong SerialNumber(FunctionPlan plan)
    {
        ushort at = plan.FindExtended(ExtendedCapabilityId.DeviceSerialNumber);
        return at == 0 ? new NvmeOptions().SerialNumber
            : plan.Dump.Read32(at + DeviceSerialNumberCapability.SerialNumberLow) | ((ulong)plan.Dump.Read32(at + DeviceSerialNumberCapability.SerialNumberHigh) << 32);
    }

    private static string ModelNumber(DumpFunction dump)
    {
        const int MaxLength = 40;
        string text = dump.Description;
        int colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            text = text[(colon + 2)..];
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            return new NvmeOptions().ModelNumber;
        }

        return text.Length > MaxLength ? text[..MaxLength] : text;
    }

    private static VmdOptions? DecodeVmd(DumpFunction dump, ImportReport.Collector report)
    {
        ushort id = dump.DeviceId;
        PciAddress address = dump.Address;
        ulong cfgAddress = BarAddress(dump, VmdRegisters.CfgBarIndex, out bool cfg64, out bool cfgPrefetchable);
        ulong mem1Address = BarAddress(dump, VmdRegisters.MemBar1Index, out bool mem1Is64, out _);
        ulong mem2Address = BarAddress(dump, VmdRegisters.MemBar2Index, out bool mem2Is64, out _);
        if (!cfg64 || !mem2Is64)
        {
            report.Assume(address, "CFGBAR/MEMBAR2 type", "64-bit", "the simulator models both as 64-bit BARs; the type bits read as dumped and the upper half reads 0");
        }

        if (mem1Is64)
        {
            report.Assume(address, "MEMBAR1 type", "32-bit", "the simulator models MEMBAR1 as a 32-bit BAR; bits 63:32 of the dumped address are dropped");
            mem1Address &= uint.MaxValue;
        }

        ulong? cfgSize = VmdBarSize(dump, report, VmdRegisters.CfgBarIndex, "CFGBAR (BAR0) size", cfgAddress, DefaultCfgBarSize, "32 MiB on every part seen");
        ulong? mem1Size = VmdBarSize(dump, report, VmdRegisters.MemBar1Index, "MEMBAR1 (BAR2) size", mem1Address, VmdModelDefaults.MemBar1Size(id), $"the simulator's default for {id:x4}");
        ulong? mem2Size = VmdBarSize(dump, report, VmdRegisters.MemBar2Index, "MEMBAR2 (BAR4) size", mem2Address, VmdModelDefaults.MemBar2Size(id), $"the simulator's default for {id:x4}");
        if (cfgSize is null || mem1Size is null || mem2Size is null)
        {
            report.Skip(address, "a VMD BAR address is not aligned to any size the simulator can give it; the VMD and its domain are left out");
            return null;
        }

        if (!dump.Covers(VmdRegisters.VmLock, 4))
        {
            report.Assume(address, "VMCAP, VMCONFIG, VMLOCK", "0", $"only {dump.Length} bytes were dumped (use lspci -xxx); the domain's bus start is 0");
        }

        uint vmCap = dump.Read32(VmdRegisters.VmCap);
        uint vmConfig = dump.Read32(VmdRegisters.VmConfig);
        bool split = (vmCap & VmdRegisters.VmCapBusRestrictCap) != 0 && (vmConfig & VmdRegisters.VmConfigBusStartMask) == VmdRegisters.VmConfigBusStartMask;
        if (split && !dump.Covers(VmdRegisters.MemBar2Bus1OffsetHigh, 4))
        {
            report.Assume(address, "BUSRANGE0/1 and the aperture split", "0", $"only {dump.Length} bytes were dumped; the split registers read 0");
        }
        else if (split)
        {
            // A default size must at least reach past the split, or the second root bus would get nothing of the BAR.
            mem1Size = CoverSplit(dump, report, VmdRegisters.MemBar1Index, "MEMBAR1 (BAR2) size", mem1Address, mem1Size.Value, dump.Read32(VmdRegisters.MemBar1Bus1Offset));
            mem2Size = CoverSplit(dump, report, VmdRegisters.MemBar2Index, "MEMBAR2 (BAR4) size", mem2Address, mem2Size.Value,
                dump.Read32(VmdRegisters.MemBar2Bus1OffsetLow) | ((ulong)dump.Read32(VmdRegisters.MemBar2Bus1OffsetHigh) << 32));
            if (mem1Size is null || mem2Size is null)
            {
                report.Skip(address, "a VMD BAR large enough for its aperture split would not be aligned at its address; the VMD and its domain are left out");
                return null;
            }
        }

        int msixEntries = DefaultVmdMsixEntries;
        ushort msix = FindCapability(dump, CapabilityId.MsiX);
        if (msix != 0)
        {
            msixEntries = (dump.Read16(msix + MsixCapability.MessageControl) & MsixCapability.TableSizeMask) + 1;
            uint table = dump.Read32(msix + MsixCapability.TableOffset);
            uint pba = dump.Read32(msix + MsixCapability.PbaOffset);
            if (table != (uint)VmdRegisters.MemBar2Index || pba != (VmdRegisters.MemBar2Index | (uint)VmdRegisters.MsixPbaOffset))
            {
                report.Assume(address, "VMD MSI-X table location", "MEMBAR2 + 0, PBA MEMBAR2 + 0x1000", "the simulator's VMD keeps its table there whatever the capability says");
            }
        }
        else
        {
            report.Assume(address, "VMD MSI-X table size", $"{DefaultVmdMsixEntries} entries", "the dump shows no MSI-X capability; the count seen on client parts");
        }

        ulong? memBar1Host = null;
        ulong? memBar2Host = null;
        ushort shdw = FindCapability(dump, CapabilityId.VendorSpecific);
        if (shdw != 0 && dump.Covers(shdw, VmdShadowRegisters.ShdwLength) && dump.Read32(shdw + VmdShadowRegisters.ShdwSignatureOffset) == VmdShadowRegisters.ShdwSignature)
        {
            memBar1Host = dump.Read32(shdw + VmdShadowRegisters.ShdwMemBar1Low) | ((ulong)dump.Read32(shdw + VmdShadowRegisters.ShdwMemBar1High) << 32);
            memBar2Host = dump.Read32(shdw + VmdShadowRegisters.ShdwMemBar2Low) | ((ulong)dump.Read32(shdw + VmdShadowRegisters.ShdwMemBar2High) << 32);
            report.Assume(address, "MEMBAR host-physical addresses", $"{memBar1Host:x}/{memBar2Host:x}", "taken from the SHDW capability: the dump comes from a guest");
        }

        return new VmdOptions
        {
            Address = address,
            DeviceId = id,
            RevisionId = dump.Read8(PciHeader.RevisionId),
            SubsystemVendorId = dump.Read16(Type0Header.SubsystemVendorId),
            SubsystemId = dump.Read16(Type0Header.SubsystemId),
            MultiFunction = (dump.Read8(PciHeader.HeaderType) & HeaderType.MultiFunction) != 0,
            Command = dump.Read16(PciHeader.Command),
            CfgBarAddress = cfgAddress,
            CfgBarSize = cfgSize.Value,
            CfgBarPrefetchable = cfgPrefetchable,
            MemBar1Address = mem1Address,
            MemBar1Size = mem1Size,
            MemBar2Address = mem2Address,
            MemBar2Size = mem2Size,
            VmCap = vmCap,
            VmConfig = vmConfig,
            VmLock = dump.Read32(VmdRegisters.VmLock),
            MsixEntries = msixEntries,
            MemBar1HostPhysical = memBar1Host,
            MemBar2HostPhysical = memBar2Host,
            HasSecondRootBus = split,
            BusRange0 = dump.Read16(VmdRegisters.BusRange0),
            BusRange1 = dump.Read16(VmdRegisters.BusRange1),
            MemBar1Bus1Offset = dump.Read32(VmdRegisters.MemBar1Bus1Offset),
            MemBar2Bus1Offset = dump.Read32(VmdRegisters.MemBar2Bus1OffsetLow) | ((ulong)dump.Read32(VmdRegisters.MemBar2Bus1OffsetHigh) << 32),
        };
    }

    private static ulong? VmdBarSize(DumpFunction dump, ImportReport.Collector report, int index, string register, ulong address, ulong fallback, string why)
    {
        if (dump.GetRegionSize(index) is ulong size)
        {
            if (size >= 16 && (size & (size - 1)) == 0 && (address & (size - 1)) == 0 && (index != VmdRegisters.MemBar1Index || size <= 1UL << 31))
            {
                return size;
            }

            report.Assume(dump.Address, register, ImportReport.Collector.Size(fallback), $"the dumped size {ImportReport.Collector.Size(size)} is not a power of two aligned with the BAR; {why}");
        }
        else
        {
            report.Assume(dump.Address, register, ImportReport.Collector.Size(fallback), $"no 'Region {index}' size line in the dump (use lspci -vv); {why}");
        }

        return (address & (fallback - 1)) == 0 ? fallback : null;
    }

    /// <summary>
    /// Without a size line, grows a default MEMBAR size to the smallest power of two past <paramref name="split"/> (the
    /// second root bus's part must not be empty); a dumped size is kept as it is, even when the split lies past it (the
    /// library then refuses the VMD, as it would on the real part).
    /// </summary>
    private static ulong? CoverSplit(DumpFunction dump, ImportReport.Collector report, int index, string register, ulong address, ulong size, ulong split)
    {
        if (dump.GetRegionSize(index) is not null || split < size || split >= 1UL << 40)
        {
            return size;
        }

        ulong grown = System.Numerics.BitOperations.RoundUpToPowerOf2(split + 1);
        report.Assume(dump.Address, register, ImportReport.Collector.Size(grown), $"no size line, and the default {ImportReport.Collector.Size(size)} ends before the second root bus's split at +0x{split:x}");
        return (address & (grown - 1)) == 0 ? grown : null;
    }

    // The model decodes CFGBAR and MEMBAR2 as 64-bit whatever their dumped type bits say; when those say 32-bit, a driver
    // never reads the next register as the upper half, so it must read 0 there for both to agree on the address.
    private static void ClearUpperHalfOf32BitType(SimulatedFunction function, int index)
    {
        if ((function.Read32(PciHeader.BaseAddress(index)) & BaseAddressBits.TypeMask) != BaseAddressBits.Type64)
        {
            function.Set32(PciHeader.BaseAddress(index + 1), 0);
        }
    }

    private static ulong BarAddress(DumpFunction dump, int index, out bool is64Bit, out bool prefetchable)
    {
        uint low = dump.Read32(PciHeader.BaseAddress(index));
        is64Bit = (low & BaseAddressBits.TypeMask) == BaseAddressBits.Type64;
        prefetchable = (low & BaseAddressBits.Prefetchable) != 0;
        ulong address = low & BaseAddressBits.MemoryAddressMask;
        return is64Bit ? address | ((ulong)dump.Read32(PciHeader.BaseAddress(index + 1)) << 32) : address;
    }

    private static ushort FindCapability(DumpFunction dump, CapabilityId id)
    {
        if ((dump.Read16(PciHeader.Status) & (ushort)PciStatus.CapabilitiesList) == 0)
        {
            return 0;
        }

        int at = dump.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
        for (int n = 0; at >= PciHeader.Length && n < CapabilityHeader.MaxStandardEntries && dump.Covers(at, 2); n++)
        {
            if (dump.Read8(at) == (byte)id)
            {
                return (ushort)at;
            }

            at = dump.Read8(at + CapabilityHeader.Next) & CapabilityHeader.PointerMask;
        }

        return 0;
    }

    private static void ChooseRam(MachineBuilder builder, List<(DumpFunction Dump, VmdOptions? Vmd, FunctionPlan? Plan)> hostPlans, ImportReport.Collector report)
    {
        ulong ramBase = SimulatedPhysicalMemory.DefaultRamBase;
        ulong ramEnd = ramBase + SimulatedPhysicalMemory.DefaultRamSize;
        ulong highest = 0;
        PciAddress? conflict = null;
        foreach ((DumpFunction dump, VmdOptions? vmd, FunctionPlan? plan) in hostPlans)
        {
            var ranges = new List<(ulong Start, ulong Size)>();
            if (vmd is not null)
            {
                ranges.Add((vmd.CfgBarAddress, vmd.CfgBarSize));
                ranges.Add((vmd.MemBar1Address, vmd.MemBar1Size ?? 0));
                ranges.Add((vmd.MemBar2Address, vmd.MemBar2Size ?? 0));
            }
            else if (plan is not null)
            {
                foreach (BarPlan bar in plan.Bars)
                {
                    if (!bar.IsIo)
                    {
                        ranges.Add((bar.Address, bar.Size));
                    }
                }
            }

            foreach ((ulong start, ulong size) in ranges)
            {
                if (size == 0 || start == 0)
                {
                    continue;
                }

                highest = Math.Max(highest, start + size);
                if (start < ramEnd && start + size > ramBase)
                {
                    conflict ??= dump.Address;
                }
            }
        }

        if (conflict is PciAddress at)
        {
            ulong moved = (highest + RamAlignment - 1) & ~(RamAlignment - 1);
            builder.RamBase = moved;
            report.Assume(at, "host RAM base", $"0x{moved:x}", $"a BAR overlaps the default RAM at 0x{ramBase:x}; RAM (for DMA buffers) moved above every BAR");
        }
    }

    private sealed record Imported(FunctionPlan Plan, SimulatedFunction Function, SimulatedFunction? Template, MsixTable? Table, string Model);
}
