using System;
using System.Buffers.Binary;
using System.Text;
using Vmd.Registers;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

/// <summary>Single functions built from bytes written here: BAR kinds, ROM, MSI-X backing, defaults and ordering.</summary>
public sealed class DumpMachineFunctionTests
{
    private static readonly PciAddress Nic = new(0, 3, 0, 0);

    private static string Function(PciAddress address, byte[] bytes, params string[] decode)
    {
        var text = new StringBuilder();
        text.Append(address.ToString()).Append(" Ethernet controller: test\n");
        foreach (string line in decode)
        {
            text.Append('\t').Append(line).Append('\n');
        }

        for (int offset = 0; offset < bytes.Length; offset += 16)
        {
            text.Append(offset < 0x100 ? offset.ToString("x2") : offset.ToString("x3")).Append(':');
            for (int i = 0; i < 16; i++)
            {
                text.Append(' ').Append(bytes[offset + i].ToString("x2"));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A NIC: 32-bit BAR0 at 0xa100_0000, I/O BAR2 at 0x3000, 64-bit BAR3 at 0xa120_0000, ROM, MSI-X (table in BAR3, PBA in BAR0) at 0x70.</summary>
    private static byte[] NicBytes()
    {
        var b = new byte[256];
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x00), 0x1533_8086);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x04), 0x0007);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x06), 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x08), 0x0200_0003);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x10), 0xA100_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x18), 0x0000_3001);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x1C), 0xA120_000C);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x30), 0xA130_0000);
        b[0x34] = 0x70;
        b[0x3D] = 1;
        b[0x70] = 0x11;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x72), 0x0004); // 5 entries
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x74), 0x0000_0003); // table: BAR3 + 0
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x78), 0x0000_2000); // PBA: BAR0 + 0x2000
        return b;
    }

    private static SimulatedMachine Build(string text, out ImportReport report) => DumpMachineBuilder.Build(text, "nic", null, out report);

    [Fact]
    public void Memory_io_and_rom_bars_size_as_the_decode_lines_say()
    {
        SimulatedMachine machine = Build(Function(Nic, NicBytes(),
            "Region 0: Memory at a1000000 (32-bit, non-prefetchable) [size=1M]",
            "Region 2: I/O ports at 3000 [size=32]",
            "Region 3: Memory at a1200000 (64-bit, prefetchable) [size=16K]",
            "Expansion ROM at a1300000 [disabled] [size=512K]"), out ImportReport report);
        IConfigSpace config = machine.HostConfig;

        Assert.DoesNotContain(report.Assumptions, a => a.Register.Contains("size", StringComparison.Ordinal));
        foreach (int index in new[] { 0, 2, 3, 4 })
        {
            config.Write32(Nic, PciHeader.BaseAddress(index), uint.MaxValue);
        }

        config.Write32(Nic, Type0Header.ExpansionRomBaseAddress, uint.MaxValue);
        Assert.Equal(0xFFF0_0000u, config.Read32(Nic, PciHeader.BaseAddress(0)));
        Assert.Equal(0xFFFF_FFE1u, config.Read32(Nic, PciHeader.BaseAddress(2)));
        Assert.Equal(0xFFFF_C00Cu, config.Read32(Nic, PciHeader.BaseAddress(3)));
        Assert.Equal(uint.MaxValue, config.Read32(Nic, PciHeader.BaseAddress(4)));
        Assert.Equal(0u, config.Read32(Nic, PciHeader.BaseAddress(1)));
        Assert.Equal(0xFFF8_0001u, config.Read32(Nic, Type0Header.ExpansionRomBaseAddress));
        config.Write16(Nic, PciHeader.Command, 0xFFFF);
        Assert.Equal(0x0547, config.Read16(Nic, PciHeader.Command)); // I/O Space Enable is writable: an I/O BAR decodes
    }

    [Fact]
    public void Without_decode_lines_bars_take_documented_defaults_and_say_so()
    {
        SimulatedMachine machine = Build(Function(Nic, NicBytes()), out ImportReport report);
        SimulatedFunction nic = machine.FindHostFunction(Nic)!;

        Assert.Equal(16UL << 10, nic.GetBarSize(0)); // covers the PBA at 0x2000: the next power of two above 0x2008
        Assert.Equal(16UL, nic.GetBarSize(2));
        Assert.Equal(4096UL, nic.GetBarSize(3));
        Assert.Contains(report.Assumptions, a => a.Address == Nic && a.Register == "BAR0 size" && a.Value == "16 KiB");
        Assert.Contains(report.Assumptions, a => a.Address == Nic && a.Register == "BAR2 size" && a.Value == "16 bytes (I/O)");
        Assert.Contains(report.Assumptions, a => a.Address == Nic && a.Register == "BAR3 size" && a.Value == "4 KiB");
        Assert.Contains(report.Assumptions, a => a.Address == Nic && a.Register == "expansion ROM size" && a.Value == "2 KiB");
    }

    [Fact]
    public void Bar_memory_reads_zero_keeps_writes_and_holds_the_msix_table()
    {
        SimulatedMachine machine = Build(Function(Nic, NicBytes(),
            "Region 0: Memory at a1000000 (32-bit, non-prefetchable) [size=1M]",
            "Region 3: Memory at a1200000 (64-bit, prefetchable) [size=16K]"), out _);
        IMmioRegion bar0 = TestHelpers.MapBar(machine, Nic, 0, 1UL << 20);
        IMmioRegion bar3 = TestHelpers.MapBar(machine, Nic, 3, 16UL << 10);

        Assert.Equal(0u, bar0.Read32(0x100));
        bar0.Write32(0x100, 0xCAFE_F00D);
        Assert.Equal(0xCAFE_F00Du, bar0.Read32(0x100));

        // Entry 4's Vector Control starts masked; the PBA in BAR0 reads 0 and ignores writes.
        Assert.Equal(MsixCapability.EntryMasked, bar3.Read32((nuint)((4 * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl)));
        bar3.Write32((nuint)(4 * MsixCapability.EntrySize), 0xFEE0_0000);
        Assert.Equal(0xFEE0_0000u, bar3.Read32((nuint)(4 * MsixCapability.EntrySize)));
        bar0.Write32(0x2000, uint.MaxValue);
        Assert.Equal(0u, bar0.Read32(0x2000));
    }

    [Fact]
    public void A_decoded_size_the_address_is_not_aligned_to_falls_back_to_a_default()
    {
        SimulatedMachine machine = Build(Function(Nic, NicBytes(), "Region 0: Memory at a1000000 (32-bit, non-prefetchable) [size=32M]"), out ImportReport report);

        Assert.Equal(16UL << 10, machine.FindHostFunction(Nic)!.GetBarSize(0));
        Assert.Contains(report.Assumptions, a => a.Register == "BAR0 size" && a.Reason.Contains("32 MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Domains_follow_the_vmds_in_host_address_order_whatever_the_file_order()
    {
        byte[] vmd = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(vmd.AsSpan(0), 0x201D_8086);
        BinaryPrimitives.WriteUInt32LittleEndian(vmd.AsSpan(0x08), 0x0104_0000);
        BinaryPrimitives.WriteUInt32LittleEndian(vmd.AsSpan(0x10), 0x0000_000C);
        byte[] second = (byte[])vmd.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(vmd.AsSpan(0x14), 0x0000_3FF0);
        BinaryPrimitives.WriteUInt32LittleEndian(second.AsSpan(0x14), 0x0000_3FE0);
        byte[] endpoint = NicBytes()[..64];
        endpoint[0x06] = 0; // no capabilities
        string text = Function(new PciAddress(0x10001, 0, 1, 0), endpoint)
            + Function(new PciAddress(0, 0xD7, 5, 5), second)
            + Function(new PciAddress(0x10000, 0, 2, 0), endpoint)
            + Function(new PciAddress(0, 0x5D, 5, 5), vmd);

        SimulatedMachine machine = Build(text, out ImportReport report);

        Assert.Equal(new PciAddress(0, 0x5D, 5, 5), machine.Vmds[0].Address);
        Assert.Equal(new PciAddress(0, 0xD7, 5, 5), machine.Vmds[1].Address);
        Assert.NotNull(machine.Vmds[0].FindFunction(0, 2, 0));
        Assert.NotNull(machine.Vmds[1].FindFunction(0, 1, 0));
        Assert.Null(machine.Vmds[0].FindFunction(0, 1, 0));
        Assert.Equal(2, report.DomainFunctionCount);
    }

    [Fact]
    public void A_bar_overlapping_default_ram_moves_ram_above_every_bar()
    {
        byte[] bytes = NicBytes();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x10), 0x0800_0000);

        SimulatedMachine machine = Build(Function(Nic, bytes), out ImportReport report);

        ImportAssumption ram = Assert.Single(report.Assumptions, a => a.Register == "host RAM base");
        Assert.Equal("0xc0000000", ram.Value);
        Assert.True(machine.PhysicalMemory.AllocateDma(0x1000) >= 0xC000_0000);
    }
}
