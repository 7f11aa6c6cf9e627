using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

public sealed class EcamTests
{
    [Fact]
    public void Root_port_answers_at_relative_bus_zero_when_bus_start_is_224()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        Assert.Equal(224, vmd.BusStart);
        Assert.Equal(0x9A09_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, PciHeader.VendorId)));
        Assert.Equal(0xA80A_144Du, cfgbar.Read32(TestHelpers.Ecam(224, 0xE1, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Bus_start_128_from_vmconfig_selector_1()
    {
        SimulatedMachine machine = TestHelpers.Machine("icelake-sp");
        SimulatedVmd vmd = machine.Vmds[1];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        Assert.Equal(128, vmd.BusStart);
        Assert.Equal(0x347C_8086u, cfgbar.Read32(TestHelpers.Ecam(128, 0x80, 2, 0, PciHeader.VendorId)));
        Assert.Equal(0x0A54_8086u, cfgbar.Read32(TestHelpers.Ecam(128, 0x81, 0, 0, PciHeader.VendorId)));
        Assert.Equal(0x0A54_8086u, cfgbar.Read32(TestHelpers.Ecam(128, 0x82, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Bus_start_is_0_without_bus_restriction_capability()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        Assert.Equal(0, vmd.BusStart);
        Assert.Equal(32, vmd.BusCount);
        Assert.Equal(0x2033_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 3, 0, PciHeader.VendorId)));
        Assert.Equal(0x0A54_8086u, cfgbar.Read32((nuint)Ecam.Offset(6, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Vmconfig_bus_selector_is_ignored_when_vmcap_bit_0_is_clear()
    {
        var builder = new Machines.MachineBuilder("t", "t");
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions { DeviceId = 0x9A0B, VmCap = 0, VmConfig = Parts224, CfgBarAddress = 0x1000_0000, MemBar1Address = 0x4000_0000, MemBar2Address = 0x20_0000_0000 });

        Assert.Equal(0, vmd.BusStart);
    }

    [Fact]
    public void Sub_dword_reads_return_the_addressed_byte_lanes()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint root = (nuint)Ecam.Offset(0, 6, 0, 0);

        Assert.Equal(0x8086, cfgbar.Read16(root + PciHeader.VendorId));
        Assert.Equal(0x9A09, cfgbar.Read16(root + PciHeader.DeviceId));
        Assert.Equal(0x06, cfgbar.Read8(root + PciHeader.BaseClass));
        Assert.Equal(0xE1, cfgbar.Read8(root + Type1Header.SecondaryBusNumber));
    }

    [Fact]
    public void A_64_bit_cfgbar_read_is_two_dword_config_reads()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        machine.Counters.Reset();

        ulong value = cfgbar.Read64((nuint)Ecam.Offset(0, 6, 0, 0));

        Assert.Equal(0x0010_0006_9A09_8086UL, value);
        Assert.Equal(2, machine.Counters.DomainConfigReads32);
    }

    [Fact]
    public void Absent_function_in_the_domain_reads_all_ones()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(0, 7, 0, 0)));
        Assert.Equal(0xFFFF, cfgbar.Read16((nuint)Ecam.Offset(0, 6, 1, 0)));
        Assert.Equal(0xFF, cfgbar.Read8((nuint)Ecam.Offset(5, 0, 0, PciHeader.HeaderType)));
    }

    [Fact]
    public void Writes_to_an_absent_function_are_dropped()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        cfgbar.Write32((nuint)Ecam.Offset(0, 7, 0, PciHeader.Command), 0x6);

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(0, 7, 0, PciHeader.Command)));
    }

    [Fact]
    public void Cfgbar_reads_all_ones_while_vmd_memory_decode_is_off()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        machine.HostConfig.Write16(vmd.Address, PciHeader.Command, 0);

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));
    }

    [Fact]
    public void Vmd_decode_is_off_until_the_driver_sets_mse()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedVmd vmd = machine.Vmds[0];
        Assert.True(machine.Memory.TryMap(vmd.CfgBarAddress, vmd.CfgBarSize, out IMmioRegion? cfgbar));

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));

        TestHelpers.EnableDecode(machine, vmd.Address);
        Assert.Equal(0x9A09_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));
    }

    [Fact]
    public void Moving_cfgbar_moves_the_ecam_window()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedVmd vmd = machine.Vmds[0];
        TestHelpers.EnableDecode(machine, vmd.Address);
        const ulong moved = 0x70_0000_0000;

        machine.HostConfig.Write32(vmd.Address, PciHeader.BaseAddress0, unchecked((uint)moved));
        machine.HostConfig.Write32(vmd.Address, PciHeader.BaseAddress(1), (uint)(moved >> 32));

        Assert.Equal(0x9A09_8086u, (uint)machine.PhysicalMemory.Read(moved + Ecam.Offset(0, 6, 0, 0), 4));
        Assert.Equal(0xFFFF_FFFFu, (uint)machine.PhysicalMemory.Read(0x60_0000_0000 + Ecam.Offset(0, 6, 0, 0), 4));
    }

    [Fact]
    public void Hard_wired_primary_bus_reads_back_zero()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint primary = (nuint)Ecam.Offset(0, 6, 0, Type1Header.PrimaryBusNumber);

        cfgbar.Write8(primary, 0xE0);

        Assert.Equal(0, cfgbar.Read8(primary));
    }

    [Fact]
    public void Server_root_port_primary_bus_is_writable()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint primary = (nuint)Ecam.Offset(0, 1, 0, Type1Header.PrimaryBusNumber);

        cfgbar.Write8(primary, 0x05);

        Assert.Equal(0x05, cfgbar.Read8(primary));
    }

    private const uint Parts224 = 2u << VmdRegisters.VmConfigBusStartShift;
}
