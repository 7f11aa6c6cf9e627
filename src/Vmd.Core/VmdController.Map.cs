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

/// <summary>Step 1 internals: BAR sizing and mapping, bus range, MSI-X location, shadow offsets.</summary>
public sealed partial class VmdController
{
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

        Msix = ReadMsix(address);

        ushort command = _host.Read16(address, PciHeader.Command);
        if ((command & (ushort)PciCommand.MemorySpaceEnable) == 0)
        {
            // A mapped BAR whose decode is off reads all-ones; the shadow registers below need it on.
            _host.Write16(address, PciHeader.Command, (ushort)(command | (ushort)PciCommand.MemorySpaceEnable));
            EnabledMemoryDecode = true;
            Log.MemoryDecodeEnabled(_logger, address);
        }

        ulong cfgLength = Math.Min(cfg.Size, (ulong)BusRange!.Count << Ecam.BusShift);
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

        // One decode-off window for all six BARs: the VMD answers nothing in between.
        int sized = BarSizer.SizeAll(_host, address, Type0Header.BarCount, bars, out VmdError error);
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

        return true;
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
        bool restricted = (Endpoint.Device.Features & VmdFeatures.BusRestrictions) != 0
            && (VmCap & VmdRegisters.VmCapBusRestrictCap) != 0;
        int selector = -1;
        byte start = 0;
        if (restricted)
        {
            selector = (VmConfig & VmdRegisters.VmConfigBusStartMask) >> VmdRegisters.VmConfigBusStartShift;
            if (!VmdRegisters.TryDecodeBusStart(VmConfig, out start))
            {
                failure = Fail(VmdError.Unsupported,
                    $"VMCONFIG of {address} reads {VmConfig:x4}: bus-start selector (bits 9:8) = {selector}, which 8086:{Endpoint.Device.DeviceId:x4} does not define (0 → bus 00, 1 → 80, 2 → e0)");
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
