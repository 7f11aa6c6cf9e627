using NSubstitute;
using Vmd.Core.Domain;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

public sealed class VmdConfigSpaceTests
{
    private static VmdConfigSpace DomainOver(IMmioRegion cfgbar, byte busStart) =>
        new(cfgbar, 0x10000, busStart, (byte)(busStart + 31));

    private static IMmioRegion Cfgbar()
    {
        IMmioRegion cfgbar = Substitute.For<IMmioRegion>();
        cfgbar.Length.Returns((nuint)(32 << 20));
        return cfgbar;
    }

    private static void AssertNoAccess(IMmioRegion cfgbar)
    {
        foreach (var call in cfgbar.ReceivedCalls())
        {
            Assert.Equal("get_Length", call.GetMethodInfo().Name); // only the constructor's size check
        }
    }

    [Fact]
    public void Config_write_is_read_back_before_returning()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = DomainOver(cfgbar, busStart: 0xE0);

        domain.Write16(new PciAddress(0x10000, 0xE0, 6, 0), 0x04, 0x0006);

        Received.InOrder(() =>
        {
            cfgbar.Write16(0x3_0004, 0x0006); // relative bus 0, device 6, reg 0x04
            cfgbar.Read16(0x3_0004);
        });
    }

    [Theory]
    [InlineData(0xE1, 0, 0, 0x10, 0x10_0010u)]
    [InlineData(0xFF, 0x1F, 7, 0xFFC, 0x1FF_FFFCu)]
    [InlineData(0xE0, 0x1C, 4, 0x100, 0x0E_4100u)]
    public void Offset_is_ecam_of_the_bus_relative_to_the_domain_start(int bus, int device, int function, int register, uint expected)
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = DomainOver(cfgbar, busStart: 0xE0);

        domain.Read32(new PciAddress(0x10000, (byte)bus, device, function), (ushort)register);

        cfgbar.Received(1).Read32((nuint)expected);
    }

    [Theory]
    [InlineData(0x10001u, 0xE0, 0x00)] // another segment
    [InlineData(0x10000u, 0xDF, 0x00)] // below the domain's buses
    [InlineData(0x10000u, 0xE0, 0x1000)] // past 4 KiB
    public void Addresses_outside_the_domain_read_all_ones_and_never_reach_cfgbar(uint segment, int bus, int register)
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = DomainOver(cfgbar, busStart: 0xE0);
        var address = new PciAddress(segment, (byte)bus, 0, 0);

        Assert.Equal(0xFFFF_FFFFu, domain.Read32(address, (ushort)register));
        Assert.Equal(0xFFFF, domain.Read16(address, (ushort)register));
        Assert.Equal(0xFF, domain.Read8(address, (ushort)register));
        domain.Write32(address, (ushort)register, 0);

        AssertNoAccess(cfgbar);
        Assert.Equal(4, domain.RejectedAccesses);
    }

    [Fact]
    public void Misaligned_accesses_never_reach_cfgbar()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = DomainOver(cfgbar, busStart: 0);
        var address = new PciAddress(0x10000, 0, 0, 0);

        Assert.Equal(0xFFFF_FFFFu, domain.Read32(address, 0x02));
        Assert.Equal(0xFFFF, domain.Read16(address, 0x01));
        domain.Write16(address, 0x03, 0);

        AssertNoAccess(cfgbar);
        Assert.Equal(3, domain.RejectedAccesses);
    }

    [Fact]
    public void Reads_the_real_root_port_through_the_simulated_cfgbar()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake-dummy");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        Assert.True(vmd.TryMap());
        var domain = new VmdConfigSpace(vmd.CfgBar!.Region, vmd.Endpoint.Domain, vmd.BusRange!.Start, vmd.BusRange.End);

        Assert.Equal(0x09AB, domain.Read16(new PciAddress(0x10000, 0xE0, 0x1C, 0), PciHeader.DeviceId));
        Assert.Equal(0xA0BC, domain.Read16(new PciAddress(0x10000, 0xE0, 0x1C, 4), PciHeader.DeviceId));
        Assert.Equal(0x00, domain.Read8(new PciAddress(0x10000, 0xE0, 0x1C, 4), Type1Header.PrimaryBusNumber));
        Assert.Equal(0xE1, domain.Read8(new PciAddress(0x10000, 0xE0, 0x1C, 4), Type1Header.SecondaryBusNumber));
        Assert.Equal(ClassCodes.NvmExpress, domain.Read32(new PciAddress(0x10000, 0xE1, 0, 0), PciHeader.RevisionId) >> 8);
        Assert.Equal(5, domain.Reads);
        Assert.Equal(5, machine.Counters.DomainConfigReads);
    }

    [Fact]
    public void Hard_wired_primary_bus_does_not_take_a_write()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        Assert.True(vmd.TryMap());
        var domain = new VmdConfigSpace(vmd.CfgBar!.Region, vmd.Endpoint.Domain, vmd.BusRange!.Start, vmd.BusRange.End);
        var rootPort = new PciAddress(0x10000, 0xE0, 6, 0);

        domain.Write8(rootPort, Type1Header.PrimaryBusNumber, 0xE0);

        Assert.Equal(0, domain.Read8(rootPort, Type1Header.PrimaryBusNumber));
        Assert.Equal(1, domain.Writes);
        Assert.Equal(1, machine.Counters.DomainConfigWrites);
        Assert.Equal(2, machine.Counters.DomainConfigReads); // the read-back and the check
    }
}
