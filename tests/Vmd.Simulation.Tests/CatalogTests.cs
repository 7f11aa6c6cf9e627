using System.Collections.Generic;
using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

public sealed class CatalogTests
{
    public static IEnumerable<object[]> Names()
    {
        foreach (MachineInfo info in MachineCatalog.All)
        {
            yield return [info.Name];
        }
    }

    [Fact]
    public void Default_machine_is_in_the_catalog()
    {
        Assert.True(MachineCatalog.TryCreate(MachineCatalog.DefaultName, out SimulatedMachine? machine));
        Assert.Equal("tigerlake", machine.Name);
    }

    [Fact]
    public void Unknown_name_is_refused()
    {
        Assert.False(MachineCatalog.TryCreate("pentium", out SimulatedMachine? machine));
        Assert.Null(machine);
    }

    [Fact]
    public void Names_are_unique_and_described()
    {
        var seen = new HashSet<string>();
        foreach (MachineInfo info in MachineCatalog.All)
        {
            Assert.True(seen.Add(info.Name), info.Name);
            Assert.False(string.IsNullOrWhiteSpace(info.Description));
        }

        Assert.Equal(11, seen.Count);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_machine_builds_and_its_vmds_are_visible_in_host_config(string name)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);

        Assert.Equal(name, machine.Name);
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            Assert.Equal(0x8086, machine.HostConfig.Read16(vmd.Address, PciHeader.VendorId));
            Assert.Equal(vmd.DeviceId, machine.HostConfig.Read16(vmd.Address, PciHeader.DeviceId));
            Assert.Equal(ClassCodes.RaidController, machine.HostConfig.Read32(vmd.Address, PciHeader.RevisionId) >> 8);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_vmd_domain_has_a_root_port_reachable_through_cfgbar(string name)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);
            bool found = false;
            for (int device = 0; device < 32 && !found; device++)
            {
                for (int function = 0; function < 8; function++)
                {
                    uint ids = cfgbar.Read32((nuint)Ecam.Offset(0, device, function, PciHeader.VendorId));
                    found |= ids != 0xFFFF_FFFF && (cfgbar.Read16((nuint)Ecam.Offset(0, device, function, PciHeader.SubClass)) == ClassCodes.PciBridgeClassWord);
                }
            }

            Assert.True(found, $"{name}: no root port behind {vmd.Address}");
            machine.Memory.Unmap(cfgbar);
        }
    }

    [Theory]
    [InlineData("tigerlake", 1, 0x9A0B)]
    [InlineData("tigerlake-dummy", 1, 0x9A0B)]
    [InlineData("alderlake", 1, 0x467F)]
    [InlineData("meteorlake", 1, 0x7D0B)]
    [InlineData("skylake-sp", 1, 0x201D)]
    [InlineData("icelake-sp", 2, 0x28C0)]
    [InlineData("guest", 1, 0x9A0B)]
    [InlineData("two-vmd", 2, 0x201D)]
    [InlineData("empty", 0, 0)]
    public void Machines_have_the_vmds_they_describe(string name, int count, int deviceId)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);

        Assert.Equal(count, machine.Vmds.Count);
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            Assert.Equal(deviceId, vmd.DeviceId);
        }
    }

    [Fact]
    public void Empty_machine_has_no_raid_controller_in_segment_0()
    {
        IConfigSpace config = MachineCatalog.Create("empty").HostConfig;

        for (int bus = 0; bus < 4; bus++)
        {
            for (int device = 0; device < 32; device++)
            {
                var address = new PciAddress(0, (byte)bus, device, 0);
                if (config.Read16(address, PciHeader.VendorId) != 0xFFFF)
                {
                    Assert.NotEqual(ClassCodes.RaidController, config.Read32(address, PciHeader.RevisionId) >> 8);
                }
            }
        }
    }

    [Fact]
    public void Alder_lake_domain_holds_two_drives_and_sata()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        SimulatedVmd vmd = machine.Vmds[0];

        Assert.Equal(ClassCodes.SataAhci, vmd.FindFunction(0xE0, 0x17, 0)!.ClassCode);
        Assert.Equal(0xA80A, vmd.FindFunction(0xE1, 0, 0)!.DeviceId);
        Assert.Equal(0x5009, vmd.FindFunction(0xE2, 0, 0)!.DeviceId);
    }

    [Fact]
    public void Meteor_lake_membars_are_16_mib()
    {
        SimulatedVmd vmd = MachineCatalog.Create("meteorlake").Vmds[0];

        Assert.Equal(16UL << 20, vmd.MemBar1Size);
        Assert.Equal(16UL << 20, vmd.MemBar2Size);
        Assert.Equal(32UL << 20, vmd.CfgBarSize);
    }

    [Fact]
    public void Each_call_builds_a_fresh_machine()
    {
        SimulatedMachine first = MachineCatalog.Create("tigerlake");
        SimulatedMachine second = MachineCatalog.Create("tigerlake");

        first.HostConfig.Write16(TestHelpers.TigerLakeVmd, VmdRegisters.VmConfig, VmdRegisters.VmConfigMsiRemapDisable);

        Assert.Equal(0x0200u, second.Vmds[0].VmConfig);
    }
}
