using System;
using Vmd.Registers;

namespace Vmd.Simulation.Tests;

public sealed class PhysicalMemoryTests
{
    [Fact]
    public void Any_range_maps_and_counts_as_active()
    {
        SimulatedMachine machine = TestHelpers.Machine();

        Assert.True(machine.Memory.TryMap(0x1234_0000, 0x1000, out IMmioRegion? region));
        Assert.Equal(0x1234_0000UL, region.PhysicalAddress);
        Assert.Equal((nuint)0x1000, region.Length);
        Assert.Equal(1, machine.Counters.ActiveMappings);
        Assert.Equal(1, machine.PhysicalMemory.ActiveMappingCount);

        machine.Memory.Unmap(region);
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void Unclaimed_physical_memory_reads_all_ones()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        Assert.True(machine.Memory.TryMap(0x1234_0000, 0x1000, out IMmioRegion? region));

        Assert.Equal(ulong.MaxValue, region.Read64(0x8));
        Assert.Equal(0xFF, region.Read8(0x3));
    }

    [Fact]
    public void Fail_the_nth_map_refuses_exactly_that_call()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        machine.PhysicalMemory.FailMapCall(2);

        Assert.True(machine.Memory.TryMap(0x1000_0000, 0x1000, out _));
        Assert.False(machine.Memory.TryMap(0x1000_0000, 0x1000, out IMmioRegion? refused));
        Assert.Null(refused);
        Assert.True(machine.Memory.TryMap(0x1000_0000, 0x1000, out _));
        Assert.Equal(1, machine.Counters.MapFailures);
        Assert.Equal(2, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void Map_filter_refuses_chosen_ranges()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        ulong cfgbar = machine.Vmds[0].CfgBarAddress;
        machine.PhysicalMemory.MapFilter = (address, _) => address != cfgbar;

        Assert.False(machine.Memory.TryMap(cfgbar, 32UL << 20, out _));
        Assert.True(machine.Memory.TryMap(0x5000_0000, 32UL << 20, out _));
    }

    [Fact]
    public void Fail_all_maps_refuses_everything()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        machine.PhysicalMemory.FailAllMaps = true;

        Assert.False(machine.Memory.TryMap(0x1000_0000, 0x1000, out _));
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void Unmap_of_an_unknown_region_throws()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion foreign = NSubstitute.Substitute.For<IMmioRegion>();

        Assert.Throws<InvalidOperationException>(() => machine.Memory.Unmap(foreign));
    }

    [Fact]
    public void Unmapping_twice_throws()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        Assert.True(machine.Memory.TryMap(0x1000_0000, 0x1000, out IMmioRegion? region));
        machine.Memory.Unmap(region);

        Assert.Throws<InvalidOperationException>(() => machine.Memory.Unmap(region));
    }

    [Fact]
    public void Access_after_unmap_throws()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        Assert.True(machine.Memory.TryMap(0x1000_0000, 0x1000, out IMmioRegion? region));
        machine.Memory.Unmap(region);

        Assert.Throws<InvalidOperationException>(() => region.Read32(0));
    }

    [Fact]
    public void Misaligned_or_out_of_range_region_access_throws()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        Assert.True(machine.Memory.TryMap(0x1000_0000, 0x1000, out IMmioRegion? region));

        Assert.Throws<ArgumentOutOfRangeException>(() => region.Read32(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.Read64(0x1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => region.Write16(0xFFF, 0));
    }

    [Fact]
    public void Zero_length_map_is_refused()
    {
        SimulatedMachine machine = TestHelpers.Machine();

        Assert.False(machine.Memory.TryMap(0x1000_0000, 0, out _));
    }

    [Fact]
    public void A_region_mapped_before_the_bar_moved_sees_what_is_at_its_address_now()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        Assert.Equal(0x9A09_8086u, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));

        machine.HostConfig.Write32(TestHelpers.TigerLakeVmd, PciHeader.BaseAddress(1), 0x70);

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32((nuint)Ecam.Offset(0, 6, 0, 0)));
    }
}
