using System;
using System.IO;
using System.Linq;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

public sealed class DumpMachineBuilderTests
{
    private static readonly PciAddress VmdAddress = new(0, 0, 0x0E, 0);
    private static readonly PciAddress RootPortAddress = new(0x10000, 0xE0, 0x06, 0);
    private static readonly PciAddress NvmeAddress = new(0x10000, 0xE1, 0x00, 0);

    private static SimulatedMachine Client(out ImportReport report, string? text = null) =>
        DumpMachineBuilder.Build(text ?? DumpMachineTexts.TigerLakeClient, "imported", null, out report);

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static uint ReadDomain(IMmioRegion cfgbar, int busStart, PciAddress address, ushort offset) =>
        cfgbar.Read32(TestHelpers.Ecam(busStart, address.Bus, address.Device, address.Function, offset));

    [Fact]
    public void The_client_dump_becomes_a_vmd_with_its_root_port_and_drive()
    {
        SimulatedMachine machine = Client(out ImportReport report);

        Assert.Equal("imported", report.MachineName);
        Assert.Equal(2, report.HostFunctionCount);
        Assert.Equal(1, report.VmdCount);
        Assert.Equal(2, report.DomainFunctionCount);
        Assert.Empty(report.Skipped);
        SimulatedVmd vmd = Assert.Single(machine.Vmds);
        Assert.Equal(VmdAddress, vmd.Address);
        Assert.Equal(0x10000u, vmd.DomainSegment);
        Assert.Equal(0xE0, vmd.BusStart);
        Assert.Equal(32UL << 20, vmd.CfgBarSize);
        Assert.Equal(32UL << 20, vmd.MemBar1Size);
        Assert.Equal(1UL << 20, vmd.MemBar2Size);
        Assert.Equal(19, vmd.MsixTable.EntryCount);
        Assert.True(PciePort.TryGet(vmd.RootBus.Get(6, 0)!, out PciePort? port));
        Assert.Equal(PciExpressPortType.RootPort, port!.PortType);
        Assert.True(NvmeEndpoint.TryGet(port.SecondaryBus.Get(0, 0)!, out NvmeEndpoint? nvme));
        Assert.Equal(33, nvme!.MsixTable.EntryCount);
        Assert.Contains(report.Models, m => m.Contains("PciePort", StringComparison.Ordinal));
        Assert.Contains(report.Models, m => m.Contains("NvmeEndpoint", StringComparison.Ordinal));
        Assert.Contains("1 VMDs, 2 domain functions", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cfgbar_reaches_the_root_port_and_the_drive_at_their_relative_buses()
    {
        SimulatedMachine machine = Client(out _);
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        Assert.Equal(0x9A09_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, PciHeader.VendorId)));
        Assert.Equal(0xA80A_144Du, cfgbar.Read32((nuint)Ecam.Offset(1, 0, 0, PciHeader.VendorId)));
        Assert.Equal(uint.MaxValue, cfgbar.Read32((nuint)Ecam.Offset(0, 7, 0, PciHeader.VendorId)));
        Assert.Equal(uint.MaxValue, cfgbar.Read32((nuint)Ecam.Offset(2, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Every_dumped_byte_reads_back_as_dumped_and_the_rest_reads_zero()
    {
        DumpFile dump = LspciDumpReader.Parse(DumpMachineTexts.TigerLakeClient);
        SimulatedMachine machine = DumpMachineBuilder.Build(dump, "imported", null, out _);
        SimulatedVmd vmd = machine.Vmds[0];

        foreach (DumpFunction function in dump.Functions.Where(f => f.Address.Segment == 0))
        {
            for (ushort offset = 0; offset < 0x1000; offset += 4)
            {
                Assert.Equal(function.Read32(offset), machine.HostConfig.Read32(function.Address, offset));
            }
        }

        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd); // writes Command = MSE | BME, as dumped (0x0006)
        foreach (DumpFunction function in dump.Functions.Where(f => f.Address.Segment == 0x10000))
        {
            for (ushort offset = 0; offset < 0x1000; offset += 4)
            {
                uint expected = function.Read32(offset);
                uint actual = ReadDomain(cfgbar, 0xE0, function.Address, offset);
                Assert.True(expected == actual, $"{function.Address} +0x{offset:x3}: dumped {expected:x8}, read {actual:x8}");
            }
        }
    }

    [Fact]
    public void Bar_sizing_through_config_writes_gives_the_decoded_sizes()
    {
        SimulatedMachine machine = Client(out _);
        IConfigSpace host = machine.HostConfig;

        host.Write32(VmdAddress, PciHeader.BaseAddress(0), uint.MaxValue);
        host.Write32(VmdAddress, PciHeader.BaseAddress(1), uint.MaxValue);
        host.Write32(VmdAddress, PciHeader.BaseAddress(2), uint.MaxValue);
        host.Write32(VmdAddress, PciHeader.BaseAddress(4), uint.MaxValue);
        host.Write32(VmdAddress, PciHeader.BaseAddress(5), uint.MaxValue);

        Assert.Equal(~((32u << 20) - 1) | BaseAddressBits.Type64, host.Read32(VmdAddress, PciHeader.BaseAddress(0)));
        Assert.Equal(uint.MaxValue, host.Read32(VmdAddress, PciHeader.BaseAddress(1)));
        Assert.Equal(~((32u << 20) - 1), host.Read32(VmdAddress, PciHeader.BaseAddress(2)));
        Assert.Equal(~((1u << 20) - 1) | BaseAddressBits.Type64, host.Read32(VmdAddress, PciHeader.BaseAddress(4)));
        Assert.Equal(0u, host.Read32(VmdAddress, PciHeader.BaseAddress(3)));
    }

    [Fact]
    public void The_drive_bar_sizes_through_cfgbar_to_16_kib()
    {
        SimulatedMachine machine = Client(out _);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint bar0 = TestHelpers.Ecam(0xE0, 0xE1, 0, 0, PciHeader.BaseAddress(0));

        cfgbar.Write32(bar0, uint.MaxValue);
        cfgbar.Write32(bar0 + 4, uint.MaxValue);

        Assert.Equal(0xFFFF_C004u, cfgbar.Read32(bar0));
        Assert.Equal(uint.MaxValue, cfgbar.Read32(bar0 + 4));
        Assert.Equal(0u, cfgbar.Read32(TestHelpers.Ecam(0xE0, 0xE1, 0, 0, PciHeader.BaseAddress(2))));
    }

    [Fact]
    public void Status_error_bits_are_rw1c_and_the_rest_read_only()
    {
        SimulatedMachine machine = Client(out _);
        SimulatedFunction vmd = machine.FindHostFunction(VmdAddress)!;
        vmd.Set16(PciHeader.Status, (ushort)(vmd.Read16(PciHeader.Status) | (ushort)PciStatus.ReceivedMasterAbort));

        machine.HostConfig.Write16(VmdAddress, PciHeader.Status, 0x0010);
        Assert.Equal(0x2010, machine.HostConfig.Read16(VmdAddress, PciHeader.Status));

        machine.HostConfig.Write16(VmdAddress, PciHeader.Status, (ushort)PciStatus.ReceivedMasterAbort);
        Assert.Equal(0x0010, machine.HostConfig.Read16(VmdAddress, PciHeader.Status));

        machine.HostConfig.Write16(VmdAddress, PciHeader.VendorId, 0x1234);
        machine.HostConfig.Write8(VmdAddress, PciHeader.CapabilitiesPointer, 0x40);
        Assert.Equal(0x8086, machine.HostConfig.Read16(VmdAddress, PciHeader.VendorId));
        Assert.Equal(0x80, machine.HostConfig.Read8(VmdAddress, PciHeader.CapabilitiesPointer));
    }

    [Fact]
    public void Vmconfig_keeps_only_bit_1_writable()
    {
        SimulatedMachine machine = Client(out _);

        machine.HostConfig.Write16(VmdAddress, VmdRegisters.VmConfig, 0x0002);

        Assert.Equal(0x0202, machine.HostConfig.Read16(VmdAddress, VmdRegisters.VmConfig));
        Assert.Equal(0xE0, machine.Vmds[0].BusStart);
    }

    [Fact]
    public void The_root_port_bus_numbers_follow_the_bridge_rules_with_a_hard_wired_primary()
    {
        SimulatedMachine machine = Client(out ImportReport report);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint busNumbers = TestHelpers.Ecam(0xE0, 0xE0, 6, 0, Type1Header.PrimaryBusNumber);

        cfgbar.Write32(busNumbers, 0x00E2_E2E0);

        Assert.Equal(0x00E2_E200u, cfgbar.Read32(busNumbers));
        Assert.Contains(report.Assumptions, a => a.Address == RootPortAddress && a.Register == "primary bus number");
    }

    [Fact]
    public void Capability_registers_get_their_pci_masks()
    {
        SimulatedMachine machine = Client(out _);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        // NVMe MSI-X Message Control at 0xb0 + 2: Enable and Function Mask writable, table size read-only.
        nuint msixControl = TestHelpers.Ecam(0xE0, 0xE1, 0, 0, 0xB0);
        cfgbar.Write32(msixControl, 0xFFFF_0000 | 0x0011);
        Assert.Equal(0xC020_0011u, cfgbar.Read32(msixControl));

        // Root port Slot Status (0x40 + 0x1a): Presence Detect State read-only, as dumped.
        nuint slot = TestHelpers.Ecam(0xE0, 0xE0, 6, 0, 0x58);
        cfgbar.Write32(slot, 0xFFFF_0000);
        Assert.Equal(0x0040u, cfgbar.Read32(slot) >> 16 & (uint)PciExpressSlot.PresenceDetectState);
    }

    [Fact]
    public void The_drive_msix_table_is_backed_in_bar0()
    {
        SimulatedMachine machine = Client(out _);
        NvmeEndpoint nvme = NvmeEndpoint.TryGet(machine.Vmds[0].RootBus.Get(6, 0)!.SecondaryBus!.Get(0, 0)!, out NvmeEndpoint? found) ? found! : throw new InvalidOperationException();

        Assert.True(nvme.MsixTable.IsMasked(0));
        Assert.Equal(33, nvme.MsixTable.EntryCount);
    }

    [Fact]
    public void Without_decode_lines_the_defaults_are_reported()
    {
        string text = string.Join('\n', DumpMachineTexts.TigerLakeClient.Split('\n').Where(l => !l.StartsWith('\t')));
        SimulatedMachine machine = Client(out ImportReport report, text);

        Assert.Equal(32UL << 20, machine.Vmds[0].CfgBarSize);
        Assert.Equal(32UL << 20, machine.Vmds[0].MemBar1Size);
        Assert.Equal(1UL << 20, machine.Vmds[0].MemBar2Size);
        Assert.Contains(report.Assumptions, a => a.Address == VmdAddress && a.Register == "CFGBAR (BAR0) size" && a.Value == "32 MiB");
        Assert.Contains(report.Assumptions, a => a.Address == VmdAddress && a.Register == "MEMBAR1 (BAR2) size");
        Assert.Contains(report.Assumptions, a => a.Address == VmdAddress && a.Register == "MEMBAR2 (BAR4) size" && a.Value == "1 MiB");

        // The drive's BAR0: the smallest power of two of at least 4 KiB that covers its MSI-X table (0x3000 + 33 entries).
        ImportAssumption bar0 = Assert.Single(report.Assumptions, a => a.Address == NvmeAddress && a.Register == "BAR0 size");
        Assert.Equal("16 KiB", bar0.Value);
        Assert.Equal(2, report.DomainFunctionCount);
    }

    [Fact]
    public void A_function_no_bridge_leads_to_is_left_out_and_reported()
    {
        string text = DumpMachineTexts.TigerLakeClient + "\n10000:e5:00.0 Ethernet controller: X\n" + LspciDumpReaderTests.HexLines(64) + "10003:00:00.0 Orphan\n" + LspciDumpReaderTests.HexLines(64) + "0001:00:00.0 Other segment\n" + LspciDumpReaderTests.HexLines(64);

        Client(out ImportReport report, text);

        Assert.Equal(2, report.DomainFunctionCount);
        Assert.Contains(report.Skipped, s => s.Address == new PciAddress(0x10000, 0xE5, 0, 0) && s.Reason.Contains("bus e5", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Address == new PciAddress(0x10003, 0, 0, 0) && s.Reason.Contains("1 VMD", StringComparison.Ordinal));
        Assert.Contains(report.Skipped, s => s.Address == new PciAddress(1, 0, 0, 0));
    }

    [Fact]
    public void A_skylake_vmd_from_64_bytes_takes_the_shared_root_port_fixture_behind_it()
    {
        string text = DumpMachineTexts.SkylakeVmd64Bytes + "\n" + Fixture("201d-rootport-10000-00-00.0.lspci");
        SimulatedMachine machine = DumpMachineBuilder.Build(text, "skx", null, out ImportReport report);
        SimulatedVmd vmd = Assert.Single(machine.Vmds);

        Assert.Equal(1, report.DomainFunctionCount);
        Assert.Equal(0, vmd.BusStart);
        Assert.Equal(0x3FFE_0000_0000UL, vmd.CfgBarAddress);
        Assert.Contains(report.Assumptions, a => a.Register == "VMCAP, VMCONFIG, VMLOCK" && a.Value == "0");
        Assert.Contains(report.Assumptions, a => a.Register == "VMD MSI-X table size" && a.Value == "19 entries");
        Assert.Contains(report.Assumptions, a => a.Register == "CFGBAR (BAR0) size");
        Assert.Contains(report.Assumptions, a => a.Address == new PciAddress(0x10000, 0, 0, 0) && a.Register == "device model" && a.Value == "generic bridge");

        byte[] expected = TestHelpers.ParseLspciHex(Fixture("201d-rootport-10000-00-00.0.lspci"));
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);
        var actual = new byte[256];
        for (int offset = 0; offset < actual.Length; offset += 4)
        {
            BitConverter.TryWriteBytes(actual.AsSpan(offset), cfgbar.Read32((nuint)Ecam.Offset(0, 0, 0, (ushort)offset)));
        }

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual.AsSpan(0, 64)));
        Assert.All(actual[64..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void The_fixture_alone_has_no_vmd_and_its_function_is_reported()
    {
        SimulatedMachine machine = DumpMachineBuilder.Build(Fixture("201d-rootport-10000-00-00.0.lspci"), "orphan", null, out ImportReport report);

        Assert.Empty(machine.Vmds);
        ImportSkip skip = Assert.Single(report.Skipped);
        Assert.Equal(new PciAddress(0x10000, 0, 0, 0), skip.Address);
    }

    [Fact]
    public void Bad_text_surfaces_as_a_dump_format_exception()
    {
        DumpFormatException e = Assert.Throws<DumpFormatException>(() => DumpMachineBuilder.Build("00: 86 80\n", "bad", null, out _));

        Assert.Equal(1, e.LineNumber);
    }

    [Theory]
    [InlineData(0x201D, true)]
    [InlineData(0x28C0, true)]
    [InlineData(0x9A0B, true)]
    [InlineData(0xB07F, true)]
    [InlineData(0x09AB, false)]
    [InlineData(0x2030, false)]
    public void Vmds_are_recognised_by_device_id(int deviceId, bool isVmd)
    {
        Assert.Equal(isVmd, DumpMachineBuilder.IsVmd(0x8086, (ushort)deviceId));
        Assert.False(DumpMachineBuilder.IsVmd(0x1022, (ushort)deviceId));
    }
}
