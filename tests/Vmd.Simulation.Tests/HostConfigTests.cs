using Vmd.Registers;

namespace Vmd.Simulation.Tests;

public sealed class HostConfigTests
{
    [Fact]
    public void Absent_function_reads_all_ones()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;
        var absent = new PciAddress(0, 0, 0x0F, 0);

        Assert.Equal(0xFF, config.Read8(absent, PciHeader.HeaderType));
        Assert.Equal(0xFFFF, config.Read16(absent, PciHeader.VendorId));
        Assert.Equal(0xFFFF_FFFFu, config.Read32(absent, PciHeader.VendorId));
    }

    [Fact]
    public void Writes_to_an_absent_function_are_dropped()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        var absent = new PciAddress(0, 0, 0x0F, 0);

        machine.HostConfig.Write32(absent, PciHeader.Command, 0x6);

        Assert.Equal(0xFFFF_FFFFu, machine.HostConfig.Read32(absent, PciHeader.Command));
        Assert.Null(machine.FindHostFunction(absent));
    }

    [Fact]
    public void Other_segments_are_absent()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        Assert.Equal(0xFFFF_FFFFu, config.Read32(new PciAddress(1, 0, 0x0E, 0), PciHeader.VendorId));
    }

    [Fact]
    public void Domain_functions_are_not_visible_in_the_host_segment()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        Assert.Equal(0xFFFF, config.Read16(new PciAddress(0, 0xE0, 6, 0), PciHeader.VendorId));
        Assert.Equal(0xFFFF, config.Read16(new PciAddress(0, 0xE1, 0, 0), PciHeader.VendorId));
    }

    [Fact]
    public void Legacy_host_reads_all_ones_from_extended_space()
    {
        SimulatedMachine machine = TestHelpers.Machine("empty");
        machine.HostConfigSpace.HasExtendedSpace = false;
        var drive = new PciAddress(0, 1, 0, 0);

        Assert.False(machine.HostConfig.HasExtendedSpace);
        Assert.Equal(0xFFFF_FFFFu, machine.HostConfig.Read32(drive, 0x100));
        Assert.Equal(0xA80A_144Du, machine.HostConfig.Read32(drive, PciHeader.VendorId));
    }

    [Fact]
    public void Extended_space_is_reachable_by_default()
    {
        IConfigSpace config = TestHelpers.Machine("empty").HostConfig;

        Assert.True(config.HasExtendedSpace);
        Assert.Equal((uint)ExtendedCapabilityId.AdvancedErrorReporting, config.Read32(new PciAddress(0, 1, 0, 0), 0x100) & 0xFFFF);
    }

    [Fact]
    public void Legacy_host_drops_writes_to_extended_space()
    {
        SimulatedMachine machine = TestHelpers.Machine("empty");
        var drive = new PciAddress(0, 1, 0, 0);
        ushort ltr = 0x158 + LatencyToleranceReportingCapability.MaxSnoopLatency;
        machine.HostConfigSpace.HasExtendedSpace = false;

        machine.HostConfig.Write16(drive, ltr, 0x1003);

        machine.HostConfigSpace.HasExtendedSpace = true;
        Assert.Equal(0, machine.HostConfig.Read16(drive, ltr));
    }

    [Fact]
    public void The_rst_companion_is_not_a_raid_controller()
    {
        IConfigSpace config = TestHelpers.Machine("empty").HostConfig;
        var companion = new PciAddress(0, 0, 0x0E, 0);

        Assert.Equal(0x09AB_8086u, config.Read32(companion, PciHeader.VendorId));
        Assert.Equal(ClassCodes.SystemPeripheralOther, config.Read32(companion, PciHeader.RevisionId) >> 8);
        Assert.Equal(0x80, config.Read8(companion, PciHeader.HeaderType));
        Assert.Equal(0u, config.Read32(companion, PciHeader.BaseAddress0));
    }
}
