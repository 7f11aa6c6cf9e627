namespace Vmd.Simulation.Tests;

/// <summary>
/// Hand-written lspci dumps for the importer tests, composed from the register facts of the hardware digest
/// (/work/shared/spec/vmd-hardware.md §2–§4, §14): not captured from a machine.
/// </summary>
internal static class DumpMachineTexts
{
    /// <summary>
    /// A small Tiger Lake client as 'lspci -D -vv -xxx' prints it: host bridge 00:00.0, VMD 8086:9a0b at 00:0e.0 (CFGBAR
    /// 0x60_0000_0000 32 MiB, MEMBAR1 0x5000_0000 32 MiB, MEMBAR2 0x60_0200_0000 1 MiB, VMCAP 1, VMCONFIG 0x200 = bus start
    /// e0, MSI-X 19 entries at 0x80, PCIe RCiEP at 0x90, PM at 0xe0), root port 8086:9a09 at 10000:e0:06.0 (primary
    /// hard-wired 00, secondary/subordinate e1, memory window 0x5000_0000-0x500f_ffff, PCIe root port with a slot at 0x40,
    /// MSI 0x80, subsystem 0x90, PM 0xa0) and a Samsung NVMe 144d:a80a at 10000:e1:00.0 (BAR0 0x5000_0000 16 KiB, PM 0x40,
    /// MSI 0x50, PCIe endpoint 0x70, MSI-X 33 entries at 0xb0, table BAR0+0x3000, PBA BAR0+0x2000).
    /// </summary>
    public const string TigerLakeClient = """
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

    /// <summary>
    /// A Skylake-SP VMD 8086:201d at 0000:5d:05.5 as 'lspci -D -x' prints it (64 bytes, no decode lines): CFGBAR
    /// 0x3ffe_0000_0000 (64-bit prefetchable), MEMBAR1 0xd000_0000, MEMBAR2 0x3fff_0000_0000. Sizes, VMCAP/VMCONFIG and the
    /// MSI-X count are not in the dump, so the importer assumes them.
    /// </summary>
    public const string SkylakeVmd64Bytes = """
        0000:5d:05.5 RAID bus controller: Intel Corporation Volume Management Device NVMe RAID Controller (rev 04)
        00: 86 80 1d 20 00 00 10 00 04 00 04 01 00 00 80 00
        10: 0c 00 00 00 fe 3f 00 00 00 00 00 d0 00 00 00 00
        20: 04 00 00 00 ff 3f 00 00 00 00 00 00 aa 17 00 00
        30: 00 00 00 00 80 00 00 00 00 00 00 00 00 00 00 00
        """;
}
