using System;
using System.Collections.Generic;
using System.Text;
using Vmd.Core.Diagnostics;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>The bring-up steps on a machine imported from an lspci dump run as on a built-in machine.</summary>
public sealed class DumpImportTests
{
    /// <summary>
    /// A small Tiger Lake client as 'lspci -D -vv -xxx' prints it, hand-written from the register facts of the hardware
    /// digest (the same text as Vmd.Simulation.Tests' DumpMachineTexts.TigerLakeClient): host bridge, VMD 8086:9a0b at
    /// 00:0e.0 with bus start e0, root port 8086:9a09 at 10000:e0:06.0, Samsung NVMe 144d:a80a at 10000:e1:00.0.
    /// </summary>
    private const string TigerLakeClient = """
        0000:00:00.0 Host bridge: Intel Corporation 11th Gen Core Processor Host Bridge/DRAM Registers (rev 01)
        00: 86 80 14 9a 06 00 00 00 01 00 00 06 00 00 00 00
        10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        20: 00 00 00 00 00 00 00 00 00 00 00 00 28 10 1f 0a
        30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        40: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        50: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        60: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        70: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        90: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        a0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        b0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        c0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        d0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        e0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

        0000:00:0e.0 RAID bus controller: Intel Corporation Volume Management Device NVMe RAID Controller
        	Subsystem: Dell Device 0a1f
        	Control: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-
        	Latency: 0
        	Region 0: Memory at 6000000000 (64-bit, non-prefetchable) [size=32M]
        	Region 2: Memory at 50000000 (32-bit, non-prefetchable) [size=32M]
        	Region 4: Memory at 6002000000 (64-bit, non-prefetchable) [size=1M]
        	Capabilities: [80] MSI-X: Enable- Count=19 Masked-
        		Vector table: BAR=4 offset=00000000
        		PBA: BAR=4 offset=00001000
        	Kernel driver in use: vmd
        00: 86 80 0b 9a 06 00 10 00 01 00 04 01 00 00 00 00
        10: 04 00 00 00 60 00 00 00 00 00 00 50 00 00 00 00
        20: 04 00 00 02 60 00 00 00 00 00 00 00 28 10 1f 0a
        30: 00 00 00 00 80 00 00 00 00 00 00 00 00 00 00 00
        40: 01 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00
        50: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        60: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        70: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        80: 11 90 12 00 04 00 00 00 04 10 00 00 00 00 00 00
        90: 10 e0 92 00 00 80 00 00 00 00 00 00 00 00 00 00
        a0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        b0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        c0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        d0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        e0: 01 00 03 00 08 00 00 00 00 00 00 00 00 00 00 00
        f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

        10000:e0:06.0 PCI bridge: Intel Corporation 11th Gen Core Processor PCIe Controller (rev 01) (prog-if 00 [Normal decode])
        	Control: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-
        	Bus: primary=00, secondary=e1, subordinate=e1, sec-latency=0
        	I/O behind bridge: [disabled] [32-bit]
        	Memory behind bridge: 50000000-500fffff [size=1M] [32-bit]
        	Prefetchable memory behind bridge: [disabled] [64-bit]
        00: 86 80 09 9a 06 00 10 00 01 00 04 06 00 00 01 00
        10: 00 00 00 00 00 00 00 00 00 e1 e1 00 f0 00 00 20
        20: 00 50 00 50 f1 ff 01 00 00 00 00 00 00 00 00 00
        30: 00 00 00 00 40 00 00 00 00 00 00 00 ff 01 02 00
        40: 10 80 42 01 01 80 00 00 00 00 00 00 44 08 38 06
        50: 40 00 44 30 00 00 20 00 00 00 40 00 00 00 00 00
        60: 00 00 00 00 1f 08 00 00 00 04 00 00 1e 00 00 00
        70: 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        80: 05 90 80 00 00 00 00 00 00 00 00 00 00 00 00 00
        90: 0d a0 00 00 28 10 1f 0a 00 00 00 00 00 00 00 00
        a0: 01 00 03 c8 08 00 00 00 00 00 00 00 00 00 00 00
        b0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        c0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        d0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        e0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

        10000:e1:00.0 Non-Volatile memory controller: Samsung Electronics Co Ltd NVMe SSD Controller PM9A1/PM9A3/980PRO (prog-if 02 [NVM Express])
        	Subsystem: Samsung Electronics Co Ltd SSD 980 PRO
        	Region 0: Memory at 50000000 (64-bit, non-prefetchable) [size=16K]
        	Capabilities: [b0] MSI-X: Enable- Count=33 Masked-
        00: 4d 14 0a a8 06 00 10 00 00 02 08 01 00 00 00 00
        10: 04 00 00 50 00 00 00 00 00 00 00 00 00 00 00 00
        20: 00 00 00 00 00 00 00 00 00 00 00 00 4d 14 01 a8
        30: 00 00 00 00 40 00 00 00 00 00 00 00 ff 01 00 00
        40: 01 50 03 00 08 00 00 00 00 00 00 00 00 00 00 00
        50: 05 70 8a 00 00 00 00 00 00 00 00 00 00 00 00 00
        60: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        70: 10 b0 02 00 01 80 00 10 00 20 00 00 44 0c 00 00
        80: 40 00 44 10 00 00 00 00 00 00 00 00 00 00 00 00
        90: 00 00 00 00 1f 08 00 00 00 04 00 00 1e 00 00 00
        a0: 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        b0: 11 00 20 00 00 30 00 00 00 20 00 00 00 00 00 00
        c0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        d0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        e0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        f0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00

        """;

    private static SimulatedMachine Imported(out ImportReport report) => DumpMachineBuilder.Build(TigerLakeClient, "imported", null, out report);

    private static string[] Listing(VmdController vmd)
    {
        var lines = new List<string>();
        foreach (PciFunction function in vmd.Functions)
        {
            lines.Add($"{function.Address} {function.VendorId:x4}:{function.DeviceId:x4}");
        }

        return lines.ToArray();
    }

    [Fact]
    public void Detect_map_enable_and_enumerate_list_the_dumped_functions()
    {
        SimulatedMachine machine = Imported(out ImportReport report);
        Assert.Empty(report.Skipped);

        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        Assert.Equal(new PciAddress(0, 0, 0x0E, 0), vmd.Endpoint.Address);
        Assert.Equal(["10000:e0:06.0 8086:9a09", "10000:e1:00.0 144d:a80a"], Listing(vmd));
        DomainInvariants.Check(vmd);
    }

    [Fact]
    public void The_imported_drive_answers_identify_through_remapped_interrupts()
    {
        SimulatedMachine machine = Imported(out _);
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts, null), vmd.LastFailure?.ToString());
        PciFunction drive = TestDrives.Find(vmd, new PciAddress(0x10000, 0xE1, 0, 0));

        IdentifyResult result = TestDrives.Identify(machine, vmd, drive);

        Assert.True(result.Passed, $"{result.Error} completed={result.Completed} status={result.Status} deliveries={result.Deliveries}");
        Assert.Equal(0x144D, result.VendorId);
    }

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (MachineInfo info in MachineCatalog.All)
        {
            names.Add(info.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bring_up_on_a_re_imported_built_in_machine_matches_the_original(string name)
    {
        SimulatedMachine original = MachineCatalog.Create(name);
        SimulatedMachine imported = DumpMachineBuilder.Build(Print(original), name, null, out ImportReport report);
        Assert.Empty(report.Skipped);

        Assert.Equal(Outcome(original), Outcome(imported));
    }

    /// <summary>Each VMD's bring-up as text: detected address, step results, failure kind, then the enumerated functions.</summary>
    private static string Outcome(SimulatedMachine machine)
    {
        var text = new StringBuilder();
        foreach (VmdController vmd in VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers)
        {
            bool ok = vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate();
            text.Append(vmd.Endpoint.Address.ToString()).Append(' ').Append(ok).Append(' ').Append(vmd.State).Append(' ').Append(vmd.LastFailure?.ToString()).Append('\n');
            if (ok)
            {
                text.AppendJoin('\n', Listing(vmd)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The text 'lspci -D -vv -xxxx' would print for <paramref name="machine"/> (region sizes and all 4096 bytes).</summary>
    private static string Print(SimulatedMachine machine)
    {
        var text = new StringBuilder();
        for (int bus = 0; bus <= 0xFF; bus++)
        {
            for (int device = 0; device <= PciAddress.MaxDevice; device++)
            {
                for (int function = 0; function <= PciAddress.MaxFunction; function++)
                {
                    var address = new PciAddress(0, (byte)bus, device, function);
                    if (machine.FindHostFunction(address) is SimulatedFunction found)
                    {
                        Append(text, address, found);
                    }
                }
            }
        }

        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            Walk(text, vmd.RootBus, vmd.BusStart, vmd.DomainSegment);
            if (vmd.SplitsRootBuses)
            {
                Walk(text, vmd.SecondRootBus!, SimulatedVmd.SecondRootBusNumber, vmd.DomainSegment);
            }
        }

        return text.ToString();
    }

    private static void Walk(StringBuilder text, SimulatedBus bus, int number, uint segment)
    {
        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out int device, out int functionNumber);
            Append(text, new PciAddress(segment, (byte)number, device, functionNumber), function);
            if (function.IsBridge && function.SecondaryBus is SimulatedBus below)
            {
                Walk(text, below, function.ConfigBytes[Type1Header.SecondaryBusNumber], segment);
            }
        }
    }

    private static void Append(StringBuilder text, PciAddress address, SimulatedFunction function)
    {
        text.Append(address.ToString()).Append($" Class {function.ClassCode >> 8:x4}: Device {function.VendorId:x4}:{function.DeviceId:x4}\n");
        for (int i = 0; i < (function.IsBridge ? Type1Header.BarCount : Type0Header.BarCount); i++)
        {
            if (function.GetBarSize(i) != 0)
            {
                string kind = function.GetBarKind(i) == BarKind.Io ? "I/O ports" : "Memory";
                text.Append($"\tRegion {i}: {kind} at {function.GetBarAddress(i):x} [size={function.GetBarSize(i)}]\n");
            }
        }

        ReadOnlySpan<byte> bytes = function.ConfigBytes;
        for (int offset = 0; offset < bytes.Length; offset += 16)
        {
            text.Append(offset < 0x100 ? offset.ToString("x2") : offset.ToString("x3")).Append(':');
            for (int i = 0; i < 16; i++)
            {
                text.Append(' ').Append(bytes[offset + i].ToString("x2"));
            }

            text.Append('\n');
        }
    }
}
