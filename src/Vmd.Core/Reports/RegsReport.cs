using System;
using System.IO;
using System.Text.Json;
using Vmd.Core.Identification;
using Vmd.Core.Mapping;
using Vmd.Registers;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>
/// The <c>vmd regs</c> report (roadmap step 1): VMCAP, VMCONFIG and VMLOCK decoded bit by bit, each
/// BAR's physical and mapped range, the shadow offsets and the bus range, as read by <see cref="VmdController.TryMap"/>.
/// </summary>
public static class RegsReport
{
    /// <summary>Writes the human-readable report.</summary>
    public static void Write(TextWriter writer, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(host);
        WriteNoVmd(writer, host);

        foreach (VmdController vmd in host.Controllers)
        {
            writer.WriteLine($"VMD {vmd.Endpoint.Address} [8086:{Hex4(vmd.Endpoint.Device.DeviceId)}] domain {Hex(vmd.Endpoint.Domain)}");
            if (vmd.State < VmdState.Mapped)
            {
                writer.WriteLine($"  not mapped: {(vmd.LastFailure is { } f ? f.ToString() : "Map has not run")}");
                continue;
            }

            bool restrictFeature = (vmd.Endpoint.Device.Features & VmdFeatures.BusRestrictions) != 0;
            writer.WriteLine($"  VMCAP    (0x40) {Hex4(vmd.VmCap)}");
            WriteBit(writer, "bit 0   ", "BUS_RESTRICT_CAP", vmd.VmCap & VmdRegisters.VmCapBusRestrictCap,
                restrictFeature ? "VMCONFIG[9:8] selects the first bus" : "ignored: this ID has no bus-restriction feature");
            WriteUnknown(writer, vmd.VmCap, VmdRegisters.VmCapBusRestrictCap);

            int selector = (vmd.VmConfig & VmdRegisters.VmConfigBusStartMask) >> VmdRegisters.VmConfigBusStartShift;
            writer.WriteLine($"  VMCONFIG (0x44) {Hex4(vmd.VmConfig)}");
            int bypass = (vmd.VmConfig & VmdRegisters.VmConfigMsiRemapDisable) != 0 ? 1 : 0;
            WriteBit(writer, "bit 1   ", "MSI_REMAP_DISABLE", bypass,
                bypass != 0 ? "bypass: children use host vectors directly" : "remap: child MSI/MSI-X arrive on VMD vectors");
            string selectorMeaning = selector switch
            {
                0 => "bus 00",
                1 => "bus 80",
                2 => "bus e0",
                _ when (vmd.Endpoint.Device.Features & VmdFeatures.SecondRootBus) != 0 => "bus e0, with a second root bus at 80",
                _ => "invalid on this ID",
            };
            WriteBit(writer, "bits 9:8", "BUS_START", selector,
                vmd.BusRange!.Restricted ? "buses start at " + selectorMeaning : "not consulted (" + selectorMeaning + " if it were)");
            WriteUnknown(writer, vmd.VmConfig, VmdRegisters.VmConfigMsiRemapDisable | VmdRegisters.VmConfigBusStartMask);

            if (vmd.VmLock is { } vmLock)
            {
                writer.WriteLine($"  VMLOCK   (0x70) {vmLock:x8}");
                int shadowEnable = (vmLock & VmdRegisters.VmLockMemBar2ShadowEnable) != 0 ? 1 : 0;
                WriteBit(writer, "bit 1   ", "MB2_SHADOW_EN", shadowEnable,
                    shadowEnable != 0 ? "MEMBAR2+0x2000 holds host-physical MEMBAR addresses" : "no shadow addresses");
                WriteUnknown(writer, vmLock, VmdRegisters.VmLockMemBar2ShadowEnable);
            }
            else
            {
                writer.WriteLine($"  VMLOCK   (0x70) not read: 8086:{Hex4(vmd.Endpoint.Device.DeviceId)} has no MEMBAR2 shadow registers");
            }

            foreach (VmdBar? bar in (ReadOnlySpan<VmdBar?>)[vmd.CfgBar, vmd.MemBar1, vmd.MemBar2])
            {
                writer.WriteLine($"  {bar!.Name,-8} BAR{bar.Index} physical {Range(bar.Address, bar.Size)} ({Size(bar.Size)}, {BarKind(bar)}), mapped {Range(bar.Region.PhysicalAddress, bar.MappedLength)} ({Size(bar.MappedLength)})");
            }

            ShadowOffsets shadow = vmd.Shadow!;
            if (shadow.Source == ShadowSource.None)
            {
                writer.WriteLine("  shadow   none: bus addresses equal CPU addresses");
            }
            else
            {
                string source = shadow.Source == ShadowSource.MemBar2Registers ? "MEMBAR2+0x2000 shadow registers" : "SHDW vendor capability";
                writer.WriteLine($"  shadow   from {source}: MEMBAR1 host {Hex(shadow.MemBar1HostPhysical)} offset {Hex(shadow.MemBar1Offset)}, MEMBAR2 host {Hex(shadow.MemBar2HostPhysical)} offset {Hex(shadow.MemBar2Offset)}");
            }

            VmdBusRange buses = vmd.BusRange;
            if (vmd.SecondRootBus is { } second)
            {
                VmdRootBus first = vmd.RootBuses[0];
                writer.WriteLine($"  BUSRANGE0 (0xc8) {Hex4(first.BusRangeRegister!.Value)}  CFGBAR buses {first.CfgBarIndex}-{first.CfgBarIndex + first.Count - 1} → root bus 0, buses {Hex2(first.FirstBus)}-{Hex2(first.LastBus)}");
                writer.WriteLine($"  BUSRANGE1 (0xcc) {Hex4(second.BusRangeRegister!.Value)}  CFGBAR buses {second.CfgBarIndex}-{second.CfgBarIndex + second.Count - 1} → root bus 1, buses {Hex2(second.FirstBus)}-{Hex2(second.LastBus)} (its root ports hard-wire primary bus {Hex2(second.FirstBus)})");
                writer.WriteLine($"  MEMBAR1 split (0xd0) {second.MemBar1Offset:x8}  root bus 0 +0x{first.MemBar1Offset:x} ({Size(first.MemBar1Length)}), root bus 1 +0x{second.MemBar1Offset:x} ({Size(second.MemBar1Length)})");
                writer.WriteLine($"  MEMBAR2 split (0xd8) {second.MemBar2Offset:x16}  root bus 0 +0x{first.MemBar2Offset:x} ({Size(first.MemBar2Length)}), root bus 1 +0x{second.MemBar2Offset:x} ({Size(second.MemBar2Length)})");
                writer.WriteLine($"  buses    {RootBusFormat.Buses(vmd)} ({first.Count + second.Count} of {buses.BusesInCfgBar} in CFGBAR)");
            }
            else
            {
                writer.WriteLine($"  buses    {Hex2(buses.Start)}-{Hex2(buses.End)} ({buses.Count} of {buses.BusesInCfgBar} in CFGBAR)");
            }
            if (vmd.EnabledMemoryDecode)
            {
                writer.WriteLine("  note     memory decode was off and was turned on to map the BARs");
            }
        }
    }

    /// <summary>
    /// Writes the same facts as JSON: <c>{"vmds":[{"address","domain","vmcap":{...},"vmconfig":{...},"vmlock":{...}|null,"bars":[...],
    /// "shadow":{...},"busStart","busEnd","secondRootBus":{"busRange0","busRange1","memBar1Split","memBar2Split"}|null,"rootBuses":[...]}]}</c>.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(host);
        json.WriteStartObject();
        json.WriteStartArray("vmds");
        foreach (VmdController vmd in host.Controllers)
        {
            json.WriteStartObject();
            json.WriteString("address", vmd.Endpoint.Address.ToString());
            json.WriteString("deviceId", Hex4(vmd.Endpoint.Device.DeviceId));
            json.WriteString("domain", Hex(vmd.Endpoint.Domain));
            json.WriteString("state", vmd.State == VmdState.Mapped ? "mapped" : "detected");
            if (vmd.State >= VmdState.Mapped)
            {
                json.WriteStartObject("vmcap");
                json.WriteNumber("value", vmd.VmCap);
                json.WriteBoolean("busRestrictCap", (vmd.VmCap & VmdRegisters.VmCapBusRestrictCap) != 0);
                json.WriteEndObject();
                json.WriteStartObject("vmconfig");
                json.WriteNumber("value", vmd.VmConfig);
                json.WriteBoolean("msiRemapDisable", (vmd.VmConfig & VmdRegisters.VmConfigMsiRemapDisable) != 0);
                json.WriteNumber("busStartSelector", (vmd.VmConfig & VmdRegisters.VmConfigBusStartMask) >> VmdRegisters.VmConfigBusStartShift);
                json.WriteEndObject();
                if (vmd.VmLock is { } vmLock)
                {
                    json.WriteStartObject("vmlock");
                    json.WriteNumber("value", vmLock);
                    json.WriteBoolean("memBar2ShadowEnable", (vmLock & VmdRegisters.VmLockMemBar2ShadowEnable) != 0);
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("vmlock");
                }

                json.WriteStartArray("bars");
                foreach (VmdBar? bar in (ReadOnlySpan<VmdBar?>)[vmd.CfgBar, vmd.MemBar1, vmd.MemBar2])
                {
                    json.WriteStartObject();
                    json.WriteNumber("index", bar!.Index);
                    json.WriteString("role", bar.Name);
                    json.WriteNumber("address", bar.Address);
                    json.WriteNumber("size", bar.Size);
                    json.WriteNumber("mappedLength", bar.MappedLength);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                ShadowOffsets shadow = vmd.Shadow!;
                json.WriteStartObject("shadow");
                json.WriteString("source", shadow.Source switch
                {
                    ShadowSource.MemBar2Registers => "memBar2Registers",
                    ShadowSource.VendorCapability => "vendorCapability",
                    _ => "none",
                });
                if (shadow.Source == ShadowSource.None)
                {
                    json.WriteNull("memBar1HostPhysical");
                    json.WriteNull("memBar2HostPhysical");
                }
                else
                {
                    json.WriteNumber("memBar1HostPhysical", shadow.MemBar1HostPhysical);
                    json.WriteNumber("memBar2HostPhysical", shadow.MemBar2HostPhysical);
                }

                // Offsets as signed numbers: a guest's BAR may sit below the host-physical address.
                json.WriteNumber("memBar1Offset", unchecked((long)shadow.MemBar1Offset));
                json.WriteNumber("memBar2Offset", unchecked((long)shadow.MemBar2Offset));
                json.WriteEndObject();
                json.WriteNumber("busStart", vmd.BusRange!.Start);
                json.WriteNumber("busEnd", vmd.BusRange.End);
                if (vmd.SecondRootBus is { } second)
                {
                    json.WriteStartObject("secondRootBus");
                    json.WriteNumber("busRange0", vmd.RootBuses[0].BusRangeRegister!.Value);
                    json.WriteNumber("busRange1", second.BusRangeRegister!.Value);
                    json.WriteNumber("memBar1Split", second.MemBar1Offset);
                    json.WriteNumber("memBar2Split", second.MemBar2Offset);
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("secondRootBus");
                }

                RootBusFormat.WriteJson(json, vmd);
            }
            else if (vmd.LastFailure is { } failure)
            {
                json.WriteStartObject("error");
                json.WriteString("step", failure.Step.ToString());
                json.WriteString("kind", failure.Error.ToString());
                json.WriteString("message", failure.Message);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteBit(TextWriter writer, string bits, string name, int value, string meaning) =>
        writer.WriteLine($"    {bits} {name,-18} = {value}  {meaning}");

    private static void WriteUnknown(TextWriter writer, uint value, uint known)
    {
        uint unknown = value & ~known;
        if (unknown == 0)
        {
            return;
        }

        for (int bit = 0; bit < 32; bit++)
        {
            if ((unknown & (1u << bit)) != 0)
            {
                writer.WriteLine($"    bit {bit,-4} (undocumented)      = 1");
            }
        }
    }
}
