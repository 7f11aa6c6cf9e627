using System;
using Vmd.Core.Identification;
using Vmd.Core.Logging;
using Vmd.Core.Mapping;
using Vmd.Core.Reports;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Capabilities;
using Vmd.Interrupts;
using Vmd.Registers;

namespace Vmd.Core;

/// <summary>Step 1 internals: BAR sizing and mapping, bus range and root buses, MSI-X location, shadow offsets.</summary>
public sealed partial class VmdController
{
    /// <summary>VMCONFIG[9:8] value that means a second root bus on IDs with the feature.</summary>
    private const int SecondRootBusSelector = 3;

    /// <summary>Root bus 0's number with a second root bus (the same as selector 2 gives).</summary>
    private const byte SecondRootBusStart0 = 0xE0;

    /// <summary>Root bus 1's number: its root ports hard-wire their primary bus number to it.</summary>
    private const byte SecondRootBusStart1 = 0x80;

    private VmdRootBus[] _rootBuses = [];

    // The endpoint's six BAR registers as the library first found them (read before its first sizing), refreshed from
    // every sizing that passed the checks. A sizing cut short (the host port failing after the all-ones write, a lost
    // write-back) leaves a BAR holding its size mask, and the hardware keeps it: only these say where the BAR was.
    private readonly uint[] _knownBars = new uint[Type0Header.BarCount];
    private int _knownBarSlots; // bit i: _knownBars[i] holds a value read from, or confirmed by, the hardware
    private bool _barsSizedOnce;
    private (ushort Raw0, ushort Raw1, int First0, int First1, byte Last1)? _busRange1;

    private VmdFailure? MapCore(ushort commandBefore)
    {
        PciAddress address = Endpoint.Address;
        if (commandBefore == 0xFFFF || !_host.IsPresent(address))
        {
            return Fail(VmdError.AllOnes, $"{address} no longer answers (Vendor ID reads ffff)");
        }

        Span<PciBar> bars = stackalloc PciBar[Type0Header.BarCount];
        if (!TrySizeBars(address, bars, out VmdFailure? sizing))
        {
            return sizing;
        }

        PciBar cfg = bars[VmdRegisters.CfgBarIndex];
        PciBar mem1 = bars[VmdRegisters.MemBar1Index];
        PciBar mem2 = bars[VmdRegisters.MemBar2Index];
        if (cfg.Size < VmdRegisters.MinimumCfgBarSize)
        {
            return Fail(VmdError.BarTooSmall, $"CFGBAR of {address} is {SizeFormat.Format(cfg.Size)}; a VMD needs at least 1 MiB (one bus of ECAM)");
        }

        if (mem2.Size <= VmdRegisters.MemBar2ReservedWithShadow)
        {
            return Fail(VmdError.BarTooSmall, $"MEMBAR2 of {address} is {SizeFormat.Format(mem2.Size)}; its first 8 KiB hold the VMD's MSI-X table, so it must be larger");
        }

        VmCap = _host.Read16(address, VmdRegisters.VmCap);
        VmConfig = _host.Read16(address, VmdRegisters.VmConfig);
        if (!TryComputeBusRange(cfg.Size, out VmdFailure? busFailure))
        {
            return busFailure;
        }

        if (!TryComputeRootBuses(mem1.Size, mem2.Size, out VmdFailure? rootFailure))
        {
            return rootFailure;
        }

        Msix = ReadMsix(address);

        ushort command = _host.Read16(address, PciHeader.Command);
        if ((command & (ushort)PciCommand.MemorySpaceEnable) == 0)
        {
            // A mapped BAR whose decode is off reads all-ones; the shadow registers below need it on.
            _host.Write16(address, PciHeader.Command, (ushort)(command | (ushort)PciCommand.MemorySpaceEnable));
            EnabledMemoryDecode = true;
            Log.MemoryDecodeEnabled(_logger, address);
        }

        int cfgBuses = 0;
        foreach (VmdRootBus root in _rootBuses)
        {
            cfgBuses = Math.Max(cfgBuses, root.CfgBarIndex + root.Count);
        }

        // Only the CFGBAR buses the root buses use are mapped: an oversized CFGBAR costs no address space.
        ulong cfgLength = Math.Min(cfg.Size, (ulong)cfgBuses << Ecam.BusShift);
        if (!TryMapBar(VmdBarRole.CfgBar, cfg, cfgLength, out _cfgBar, out VmdFailure? mapFailure)
            || !TryMapBar(VmdBarRole.MemBar1, mem1, mem1.Size, out _memBar1, out mapFailure)
            || !TryMapBar(VmdBarRole.MemBar2, mem2, mem2.Size, out _memBar2, out mapFailure))
        {
            return mapFailure;
        }

        return ReadShadowOffsets(address);
    }

    private bool TrySizeBars(PciAddress address, Span<PciBar> bars, out VmdFailure? failure)
    {
        failure = null;

        if (!_barsSizedOnce)
        {
            RememberFirmwareBars(address);
            _barsSizedOnce = true;
        }

        // One decode-off window for all six BARs: the VMD answers nothing in between.
        int sized = BarSizer.SizeAll(_host, address, Type0Header.BarCount, bars, out VmdError error);
        if (error != VmdError.AllOnes && sized == Type0Header.BarCount && HoldsSizingMask(bars) && TryRestoreKnownBars(address))
        {
            // An earlier sizing was cut short and left its mask; with the remembered values back, size again.
            Log.BarsRestored(_logger, address);
            sized = BarSizer.SizeAll(_host, address, Type0Header.BarCount, bars, out error);
        }

        if (error == VmdError.AllOnes || sized < Type0Header.BarCount)
        {
            failure = Fail(VmdError.AllOnes, $"{address} stopped answering while its BARs were sized (a BAR read ffffffff)");
            return false;
        }

        int roleIndex = 0;
        foreach (int index in (ReadOnlySpan<int>)[VmdRegisters.CfgBarIndex, VmdRegisters.MemBar1Index, VmdRegisters.MemBar2Index])
        {
            string name = VmdBar.RoleName((VmdBarRole)roleIndex++);
            PciBar bar = bars[index];
            if (bar.Kind == PciBarKind.None)
            {
                failure = Fail(VmdError.BarNotImplemented, $"{name} (BAR{index}) of {address} is not implemented or malformed (sizing gave no size)");
                return false;
            }

            if (bar.Kind == PciBarKind.Io)
            {
                failure = Fail(VmdError.Unsupported, $"{name} (BAR{index}) of {address} is an I/O BAR; a VMD window must be memory");
                return false;
            }

            if (bar.Address == 0)
            {
                failure = Fail(VmdError.BarNotImplemented, $"{name} (BAR{index}) of {address} has no address; firmware did not assign it");
                return false;
            }

            if (bar.Address + bar.Size < bar.Address)
            {
                failure = Fail(VmdError.Malformed, $"{name} (BAR{index}) of {address} at {bar.Address:x} with size {bar.Size:x} wraps past the top of memory");
                return false;
            }
        }

        RememberSizedBars(bars);
        return true;
    }

    /// <summary>Reads the six BAR registers once, before the library first writes them; an all-ones slot stays unknown.</summary>
    private void RememberFirmwareBars(PciAddress address)
    {
        for (int i = 0; i < Type0Header.BarCount; i++)
        {
            uint raw = _host.Read32(address, PciHeader.BaseAddress(i));
            if (raw != uint.MaxValue)
            {
                _knownBars[i] = raw;
                _knownBarSlots |= 1 << i;
            }
        }
    }

    /// <summary>
    /// After a sizing that passed every check: the role BARs' values as the sizer read them (address and flag bits), so a
    /// host that moved the VMD's BARs between maps gets its own values back, not firmware's.
    /// </summary>
    private void RememberSizedBars(ReadOnlySpan<PciBar> bars)
    {
        foreach (int index in (ReadOnlySpan<int>)[VmdRegisters.CfgBarIndex, VmdRegisters.MemBar1Index, VmdRegisters.MemBar2Index])
        {
            PciBar bar = bars[index];
            uint flags = (bar.Is64Bit ? BaseAddressBits.Type64 : BaseAddressBits.Type32) | (bar.Prefetchable ? BaseAddressBits.Prefetchable : 0);
            _knownBars[index] = ((uint)bar.Address & BaseAddressBits.MemoryAddressMask) | flags;
            _knownBarSlots |= 1 << index;
            if (bar.Is64Bit && index + 1 < Type0Header.BarCount)
            {
                _knownBars[index + 1] = (uint)(bar.Address >> 32);
                _knownBarSlots |= 1 << (index + 1);
            }
        }
    }

    /// <summary>
    /// True when a role BAR reads back as its own size mask, wholly (the address is the last aligned one below 4 GiB, or
    /// below 2^64 for a 64-bit BAR) or in its upper half (all-ones: no CPU has physical addresses there). Firmware never
    /// places a VMD window there; a sizing whose write-back never arrived does.
    /// </summary>
    private static bool HoldsSizingMask(ReadOnlySpan<PciBar> bars)
    {
        foreach (int index in (ReadOnlySpan<int>)[VmdRegisters.CfgBarIndex, VmdRegisters.MemBar1Index, VmdRegisters.MemBar2Index])
        {
            PciBar bar = bars[index];
            if (bar.Kind is not (PciBarKind.Memory32 or PciBarKind.Memory64) || bar.Size == 0)
            {
                continue;
            }

            ulong width = bar.Is64Bit ? ulong.MaxValue : uint.MaxValue;
            if (bar.Address == (~(bar.Size - 1) & width) || (bar.Is64Bit && (bar.Address >> 32) == uint.MaxValue))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes every remembered BAR value that differs from the register back, with decode off (a 64-bit BAR is written
    /// half by half); false when nothing is remembered, nothing differed, or the endpoint does not answer.
    /// </summary>
    private bool TryRestoreKnownBars(PciAddress address)
    {
        if (_knownBarSlots == 0)
        {
            return false;
        }

        ushort command = _host.Read16(address, PciHeader.Command);
        if (command == ushort.MaxValue)
        {
            return false;
        }

        const ushort decode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.IoSpaceEnable);
        if ((command & decode) != 0)
        {
            _host.Write16(address, PciHeader.Command, (ushort)(command & ~decode));
        }

        bool wrote = false;
        for (int i = 0; i < Type0Header.BarCount; i++)
        {
            ushort offset = PciHeader.BaseAddress(i);
            if ((_knownBarSlots & (1 << i)) != 0 && _host.Read32(address, offset) != _knownBars[i])
            {
                _host.Write32(address, offset, _knownBars[i]);
                wrote = true;
            }
        }

        if ((command & decode) != 0)
        {
            _host.Write16(address, PciHeader.Command, command);
        }

        return wrote;
    }

    private bool TryComputeBusRange(ulong cfgSize, out VmdFailure? failure)
    {
        failure = null;
        PciAddress address = Endpoint.Address;
        if (VmCap == 0xFFFF && VmConfig == 0xFFFF)
        {
            failure = Fail(VmdError.AllOnes, $"VMCAP and VMCONFIG of {address} read ffff; the endpoint does not answer");
            return false;
        }

        int busesInCfgBar = (int)Math.Min(cfgSize >> Ecam.BusShift, 256);
        VmdFeatures features = Endpoint.Device.Features;
        bool restricted = (features & VmdFeatures.BusRestrictions) != 0
            && (VmCap & VmdRegisters.VmCapBusRestrictCap) != 0;
        int selector = -1;
        byte start = 0;
        _busRange1 = null;
        if (restricted)
        {
            selector = (VmConfig & VmdRegisters.VmConfigBusStartMask) >> VmdRegisters.VmConfigBusStartShift;
            if (selector == SecondRootBusSelector && (features & VmdFeatures.SecondRootBus) != 0)
            {
                return TryReadBusRanges(cfgSize, busesInCfgBar, out failure);
            }

            if (!VmdRegisters.TryDecodeBusStart(VmConfig, out start))
            {
                string hint = selector == SecondRootBusSelector
                    ? $"; 3 means a second root bus on IDs with that feature (Arrow Lake and later) — if this part has one, add it with VmdHostOptions.AddFeatures(0x{Endpoint.Device.DeviceId:x4}, VmdFeatures.SecondRootBus)"
                    : string.Empty;
                failure = Fail(VmdError.Unsupported,
                    $"VMCONFIG of {address} reads {VmConfig:x4}: bus-start selector (bits 9:8) = {selector}, which 8086:{Endpoint.Device.DeviceId:x4} does not define (0 → bus 00, 1 → 80, 2 → e0){hint}");
                return false;
            }
        }

        int end = Math.Min(start + busesInCfgBar - 1, 0xFF);
        if (start + busesInCfgBar - 1 > 0xFF)
        {
            Log.CfgBarClamped(_logger, address, busesInCfgBar, end - start + 1);
        }

        BusRange = new VmdBusRange(start, (byte)end, restricted, selector, (int)Math.Min(cfgSize >> Ecam.BusShift, int.MaxValue));
        return true;
    }

    /// <summary>
    /// VMCONFIG[9:8] = 3 on an ID with a second root bus: BUSRANGE0 and BUSRANGE1 give each root bus its CFGBAR buses.
    /// Root bus 0 is bus e0 and root bus 1 bus 80 (its ports hard-wire that primary number); each range must lie inside
    /// CFGBAR, read first ≤ last, and not overlap the other, or nothing is mapped.
    /// </summary>
    private bool TryReadBusRanges(ulong cfgSize, int busesInCfgBar, out VmdFailure? failure)
    {
        failure = null;
        PciAddress address = Endpoint.Address;
        ushort raw0 = _host.Read16(address, VmdRegisters.BusRange0);
        ushort raw1 = _host.Read16(address, VmdRegisters.BusRange1);
        if (raw0 == 0xFFFF && raw1 == 0xFFFF)
        {
            failure = Fail(VmdError.AllOnes, $"BUSRANGE0 and BUSRANGE1 of {address} read ffff; the second-root-bus split cannot be trusted");
            return false;
        }

        int first0 = raw0 & 0xFF, last0 = raw0 >> 8, first1 = raw1 & 0xFF, last1 = raw1 >> 8;
        if (!CheckBusRange(0, VmdRegisters.BusRange0, raw0, first0, last0, cfgSize, busesInCfgBar, out failure)
            || !CheckBusRange(1, VmdRegisters.BusRange1, raw1, first1, last1, cfgSize, busesInCfgBar, out failure))
        {
            return false;
        }

        if (first0 <= last1 && first1 <= last0)
        {
            failure = Fail(VmdError.Malformed,
                $"BUSRANGE0 ({raw0:x4}: CFGBAR buses {first0}-{last0}) and BUSRANGE1 ({raw1:x4}: CFGBAR buses {first1}-{last1}) of {address} overlap; each CFGBAR bus belongs to one root bus");
            return false;
        }

        // Bus numbers must stay unique in the domain: root bus 0 runs from e0 to at most ff, root bus 1 from 80 to at most df.
        byte start0 = SecondRootBusStart0, start1 = SecondRootBusStart1;
        int count0 = Math.Min(last0 - first0 + 1, 0x100 - start0);
        int count1 = Math.Min(last1 - first1 + 1, start0 - start1);
        if (count0 < last0 - first0 + 1)
        {
            Log.RootBusClamped(_logger, address, 0, last0 - first0 + 1, count0, start0);
        }

        if (count1 < last1 - first1 + 1)
        {
            Log.RootBusClamped(_logger, address, 1, last1 - first1 + 1, count1, start1);
        }

        BusRange = new VmdBusRange(start0, (byte)(start0 + count0 - 1), restricted: true, SecondRootBusSelector, (int)Math.Min(cfgSize >> Ecam.BusShift, int.MaxValue));
        _busRange1 = (raw0, raw1, first0, first1, (byte)(start1 + count1 - 1));
        return true;
    }

    private bool CheckBusRange(int rootBus, ushort register, ushort raw, int first, int last, ulong cfgSize, int busesInCfgBar, out VmdFailure? failure)
    {
        failure = null;
        string name = $"BUSRANGE{rootBus} (0x{register:x2}) of {Endpoint.Address} reads {raw:x4}";
        if (first > last)
        {
            failure = Fail(VmdError.Malformed, $"{name}: its first CFGBAR bus ({first}) is after its last ({last})");
            return false;
        }

        if (last >= busesInCfgBar)
        {
            failure = Fail(VmdError.Malformed,
                $"{name}: CFGBAR buses {first}-{last}, but CFGBAR ({SizeFormat.Format(cfgSize)}) holds only buses 0-{busesInCfgBar - 1}");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Splits the domain into its root buses: one root bus with all of MEMBAR1 and MEMBAR2 (after the VMD's own registers),
    /// or, with a second root bus, the MEMBAR1 split (0xD0) and MEMBAR2 split (0xD8/0xDC) read and checked — each must lie
    /// strictly inside its BAR, MEMBAR2's after the VMD's MSI-X table (and shadow) area.
    /// </summary>
    private bool TryComputeRootBuses(ulong memBar1Size, ulong memBar2Size, out VmdFailure? failure)
    {
        failure = null;
        ulong reserved = (Endpoint.Device.Features & VmdFeatures.MemBarShadow) != 0
            ? VmdRegisters.MemBar2ReservedWithShadow
            : VmdRegisters.MemBar2Reserved;
        VmdBusRange buses = BusRange!;
        if (_busRange1 is not { } split)
        {
            _rootBuses = [new VmdRootBus(0, buses.Start, buses.End, 0, 0, memBar1Size, reserved, memBar2Size - reserved)];
            return true;
        }

        PciAddress address = Endpoint.Address;
        ulong split1 = _host.Read32(address, VmdRegisters.MemBar1Bus1Offset);
        ulong split2 = _host.Read32(address, VmdRegisters.MemBar2Bus1OffsetLow)
            | ((ulong)_host.Read32(address, VmdRegisters.MemBar2Bus1OffsetHigh) << 32);
        if (split1 == 0 || split1 >= memBar1Size)
        {
            failure = Fail(VmdError.Malformed,
                $"the MEMBAR1 split (0xd0) of {address} reads 0x{split1:x}: root bus 1's part must start inside MEMBAR1 ({SizeFormat.Format(memBar1Size)}), after root bus 0's");
            return false;
        }

        if (split2 <= reserved || split2 >= memBar2Size)
        {
            failure = Fail(VmdError.Malformed,
                $"the MEMBAR2 split (0xd8/0xdc) of {address} reads 0x{split2:x}: root bus 1's part must start inside MEMBAR2 ({SizeFormat.Format(memBar2Size)}), after the VMD's own registers at +0-0x{reserved - 1:x}");
            return false;
        }

        _rootBuses =
        [
            new VmdRootBus(0, buses.Start, buses.End, split.First0, 0, split1, reserved, split2 - reserved, split.Raw0),
            new VmdRootBus(1, SecondRootBusStart1, split.Last1, split.First1, split1, memBar1Size - split1, split2, memBar2Size - split2, split.Raw1),
        ];
        Log.SecondRootBus(_logger, address, buses.Start, buses.End, split.First0, SecondRootBusStart1, split.Last1, split.First1, split1, split2);
        return true;
    }

    private VmdMsixInfo? ReadMsix(PciAddress address)
    {
        if (!MsixCapabilityInfo.TryFind(_host, address, out MsixCapabilityInfo info, out ushort offset))
        {
            Log.MsixMissing(_logger, address);
            return null;
        }

        return new VmdMsixInfo(offset, info.TableSize, info.TableBir, info.TableOffset, info.PbaBir, info.PbaOffset);
    }

    private bool TryMapBar(VmdBarRole role, PciBar bar, ulong length, out VmdBar? mapped, out VmdFailure? failure)
    {
        mapped = null;
        failure = null;
        bool ok;
        IMmioRegion? region;
        try
        {
            ok = _mapper.TryMap(bar.Address, length, out region);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = Fail(VmdError.HostPortFailed, $"the host mapper threw while mapping {VmdBar.RoleName(role)} at {bar.Address:x}: {ex.Message}");
            return false;
        }

        if (!ok || region is null)
        {
            failure = Fail(VmdError.MapFailed, $"the host could not map {VmdBar.RoleName(role)} ({SizeFormat.Format(length)} at {bar.Address:x})");
            return false;
        }

        mapped = new VmdBar(role, bar.Index, bar.Address, bar.Size, bar.Is64Bit, bar.Prefetchable, length, region);
        return true;
    }

    private VmdFailure? ReadShadowOffsets(PciAddress address)
    {
        VmdFeatures features = Endpoint.Device.Features;
        Shadow = ShadowOffsets.None;
        if ((features & VmdFeatures.MemBarShadow) != 0)
        {
            uint vmLock = _host.Read32(address, VmdRegisters.VmLock);
            VmLock = vmLock;
            if (vmLock == 0xFFFF_FFFF)
            {
                return Fail(VmdError.AllOnes, $"VMLOCK of {address} reads ffffffff; its shadow registers cannot be trusted");
            }

            if ((vmLock & VmdRegisters.VmLockMemBar2ShadowEnable) != 0)
            {
                ulong phys1 = _memBar2!.Region.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar1);
                ulong phys2 = _memBar2.Region.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar2);
                if (phys1 == ulong.MaxValue || phys2 == ulong.MaxValue)
                {
                    return Fail(VmdError.AllOnes, $"MEMBAR2 shadow registers of {address} read all-ones");
                }

                SetShadow(ShadowSource.MemBar2Registers, phys1, phys2);
            }
        }
        else if ((features & VmdFeatures.MemBarShadowVendorCapability) != 0
            && CapabilityWalker.TryFind(_host, address, CapabilityId.VendorSpecific, out ushort cap))
        {
            uint signature = _host.Read32(address, (ushort)(cap + VmdShadowRegisters.ShdwSignatureOffset));
            if (signature == VmdShadowRegisters.ShdwSignature)
            {
                ulong phys1 = _host.Read32(address, (ushort)(cap + VmdShadowRegisters.ShdwMemBar1Low))
                    | ((ulong)_host.Read32(address, (ushort)(cap + VmdShadowRegisters.ShdwMemBar1High)) << 32);
                ulong phys2 = _host.Read32(address, (ushort)(cap + VmdShadowRegisters.ShdwMemBar2Low))
                    | ((ulong)_host.Read32(address, (ushort)(cap + VmdShadowRegisters.ShdwMemBar2High)) << 32);
                SetShadow(ShadowSource.VendorCapability, phys1, phys2);
            }
        }

        return null;
    }

    private void SetShadow(ShadowSource source, ulong phys1, ulong phys2)
    {
        // The low four bits of a BAR value are flags; the shadow copies them.
        phys1 &= ~0xFUL;
        phys2 &= ~0xFUL;
        Shadow = new ShadowOffsets(source, phys1, phys2, unchecked(_memBar1!.Address - phys1), unchecked(_memBar2!.Address - phys2));
        Log.ShadowOffsetsRead(_logger, Endpoint.Address, phys1, phys2, source, Shadow.MemBar1Offset, Shadow.MemBar2Offset);
    }
}
