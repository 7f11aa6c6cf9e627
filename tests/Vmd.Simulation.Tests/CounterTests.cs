using System.Collections.Generic;
using Vmd.Registers;
using Vmd.Simulation.Diagnostics;

namespace Vmd.Simulation.Tests;

public sealed class CounterTests
{
    private sealed class Recorder : IConfigAccessObserver
    {
        public List<ConfigAccess> Accesses { get; } = [];

        public void OnConfigAccess(in ConfigAccess access) => Accesses.Add(access);
    }

    [Fact]
    public void Host_config_accesses_are_counted_by_width()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IConfigSpace config = machine.HostConfig;

        config.Read8(TestHelpers.TigerLakeVmd, PciHeader.HeaderType);
        config.Read16(TestHelpers.TigerLakeVmd, PciHeader.VendorId);
        config.Read32(TestHelpers.TigerLakeVmd, PciHeader.VendorId);
        config.Read32(new PciAddress(0, 9, 0, 0), PciHeader.VendorId);
        config.Write16(TestHelpers.TigerLakeVmd, PciHeader.Command, 0);

        Assert.Equal(1, machine.Counters.HostConfigReads8);
        Assert.Equal(1, machine.Counters.HostConfigReads16);
        Assert.Equal(2, machine.Counters.HostConfigReads32);
        Assert.Equal(4, machine.Counters.HostConfigReads);
        Assert.Equal(1, machine.Counters.HostConfigWrites16);
        Assert.Equal(0, machine.Counters.DomainConfigReads);
    }

    [Fact]
    public void Cfgbar_accesses_count_as_domain_config_and_mmio()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        machine.Counters.Reset();

        cfgbar.Read8((nuint)Ecam.Offset(0, 6, 0, PciHeader.HeaderType));
        cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0));
        cfgbar.Write16((nuint)Ecam.Offset(0, 6, 0, PciHeader.Command), 6);

        Assert.Equal(1, machine.Counters.DomainConfigReads8);
        Assert.Equal(1, machine.Counters.DomainConfigReads32);
        Assert.Equal(1, machine.Counters.DomainConfigWrites16);
        Assert.Equal(2, machine.Counters.MmioReads);
        Assert.Equal(1, machine.Counters.MmioWrites);
        Assert.Equal(0, machine.Counters.HostConfigReads);
    }

    [Fact]
    public void Reset_zeroes_counts_but_keeps_active_mappings()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        cfgbar.Read32(0);

        machine.Counters.Reset();

        Assert.Equal(0, machine.Counters.HostConfigWrites);
        Assert.Equal(0, machine.Counters.MmioReads);
        Assert.Equal(0, machine.Counters.Maps);
        Assert.Equal(1, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void Observer_sees_domain_writes_with_absolute_bus_and_domain_segment()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        var recorder = new Recorder();
        machine.ConfigAccessObserver = recorder;

        cfgbar.Write16(TestHelpers.Ecam(224, 0xE1, 0, 0, PciHeader.Command), 0x0006);

        ConfigAccess access = Assert.Single(recorder.Accesses);
        Assert.Equal(ConfigAccessSource.VmdDomain, access.Source);
        Assert.Equal(new PciAddress(0x10000, 0xE1, 0, 0), access.Address);
        Assert.Equal(PciHeader.Command, access.Offset);
        Assert.Equal(2, access.Width);
        Assert.Equal(0x0006u, access.Value);
        Assert.True(access.IsWrite);
        Assert.True(access.Claimed);
        Assert.Same(machine.Vmds[0], access.Vmd);
    }

    [Fact]
    public void Observer_sees_unclaimed_host_reads()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        var recorder = new Recorder();
        machine.ConfigAccessObserver = recorder;

        machine.HostConfig.Read16(new PciAddress(0, 0, 0x0F, 0), PciHeader.VendorId);

        ConfigAccess access = Assert.Single(recorder.Accesses);
        Assert.Equal(ConfigAccessSource.Host, access.Source);
        Assert.False(access.Claimed);
        Assert.False(access.IsWrite);
        Assert.Equal(0xFFFFu, access.Value);
        Assert.Null(access.Vmd);
    }

    [Fact]
    public void Second_vmd_reports_the_next_domain_segment()
    {
        SimulatedMachine machine = TestHelpers.Machine("two-vmd");

        Assert.Equal(0x10000u, machine.Vmds[0].DomainSegment);
        Assert.Equal(0x10001u, machine.Vmds[1].DomainSegment);
    }
}
