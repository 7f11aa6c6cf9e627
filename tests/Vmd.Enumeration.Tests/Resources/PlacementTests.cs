using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>Where the assigner puts things: apertures, 4 GiB rules, windows, reserves, offsets.</summary>
public sealed class PlacementTests
{
    private const ulong MiB = 1UL << 20;
    private const ushort Decode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    // A client VMD: MEMBAR1 32 MiB below 4 GiB, MEMBAR2 1 MiB above, minus its first 8 KiB (MSI-X table and PBA).
    private static Aperture Membar1 => new("MEMBAR1", 0x5000_0000, 32 * MiB, 0);

    private static Aperture Membar2 => new("MEMBAR2", 0x60_0200_2000, MiB - 0x2000, 0);

    [Fact]
    public void Nvme_behind_a_root_port_lands_in_membar1_through_the_root_ports_memory_window()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 6);
        PciFunction nvme = domain.Endpoint(port, 0);
        domain.Bar64(nvme, 0, 0x4000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.Equal(2, result.FunctionsAssigned);
        Assert.Equal(0, result.FunctionsUnassigned);
        Assert.Equal(new ulong[] { MiB, 0 }, result.BytesUsed.ToArray());
        Assert.True(nvme.Assigned);
        Assert.Equal(0x5000_0000UL, nvme.Bars[0].Address);
        Assert.Equal(0x5000_0000UL, nvme.GetBarCpuAddress(0));
        Assert.Equal(0x5000_0000UL, domain.BarRegister(nvme, 0));
        Assert.Equal(0x5000_0000UL, port.Bridge.Memory.Base);
        Assert.Equal(0x500F_FFFFUL, port.Bridge.Memory.Limit);
        Assert.False(port.Bridge.Prefetchable.IsEnabled);
        Assert.Equal(0x5000_5000U, domain.FakeOf(port).Read32(Type1Header.MemoryBase));
        Assert.Equal(Decode, domain.CommandRegister(nvme) & Decode);
        Assert.Equal(Decode, domain.CommandRegister(port) & Decode);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Root_bus_64_bit_bar_goes_to_the_aperture_above_4_GiB_and_a_32_bit_bar_below()
    {
        var domain = new TestDomain();
        PciFunction device = domain.Endpoint(null, 0x17);
        domain.Bar64(device, 0, 0x4000).Bar32(device, 2, 0x1000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x60_0200_4000UL, device.Bars[0].Address); // first 16 KiB boundary after the reserved 8 KiB
        Assert.Equal(0x60_0200_4000UL, domain.BarRegister(device, 0));
        Assert.Equal(0x5000_0000UL, device.Bars[2].Address);
        Assert.Equal(new ulong[] { 0x1000, 0x4000 }, result.BytesUsed.ToArray());
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Root_bus_64_bit_bar_falls_back_below_4_GiB_when_it_does_not_fit_above()
    {
        var domain = new TestDomain();
        PciFunction device = domain.Endpoint(null, 0x17);
        domain.Bar64(device, 0, 2 * MiB);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x5000_0000UL, device.Bars[0].Address);
        Assert.Equal(0UL, domain.FakeOf(device).Read32(PciHeader.BaseAddress(1)));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Memory_behind_a_bridge_stays_below_4_GiB_even_when_the_aperture_above_comes_first()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar64(device, 0, 0x10_0000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("HIGH", 0x40_0000_0000, 1UL << 30, 0), new("LOW", 0x8000_0000, 16 * MiB, 0)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x8000_0000UL, device.Bars[0].Address);
        Assert.Equal(0x8000_0000UL, port.Bridge.Memory.Base);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Non_prefetchable_bar_behind_a_bridge_with_only_an_aperture_above_4_GiB_is_larger_than_every_aperture()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0, command: 0x0006);
        domain.Bar64(device, 0, 0x4000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("HIGH", 0x40_0000_0000, 1UL << 30, 0)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.False(device.Assigned);
        Assert.True(device.Issues.HasFlag(FunctionIssues.BarLargerThanApertures));
        Assert.Equal(0, domain.CommandRegister(device) & Decode);
        Assert.False(port.Bridge.Memory.IsEnabled);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Prefetchable_64_bit_bar_goes_above_4_GiB_through_a_chain_of_64_bit_windows()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction upstream = domain.Bridge(port, 0, type: PciExpressPortType.SwitchUpstreamPort);
        PciFunction downstream = domain.Bridge(upstream, 0, type: PciExpressPortType.SwitchDownstreamPort);
        PciFunction device = domain.Endpoint(downstream, 0);
        domain.Bar64(device, 0, 4 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("LOW", 0x8000_0000, 32 * MiB, 0), new("HIGH", 0x40_0000_0000, 64 * MiB, 0)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x40_0000_0000UL, device.Bars[0].Address);
        foreach (PciFunction bridge in new[] { port, upstream, downstream })
        {
            Assert.True(bridge.Assigned);
            Assert.Equal(0x40_0000_0000UL, bridge.Bridge.Prefetchable.Base);
            Assert.Equal(0x40_003F_FFFFUL, bridge.Bridge.Prefetchable.Limit);
            Assert.False(bridge.Bridge.Memory.IsEnabled);
            Assert.Equal(0x40U, domain.FakeOf(bridge).Read32(Type1Header.PrefetchableBaseUpper32));
            Assert.Equal(0x40U, domain.FakeOf(bridge).Read32(Type1Header.PrefetchableLimitUpper32));
        }

        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Prefetchable_64_bit_bar_stays_below_4_GiB_when_a_bridge_above_has_a_32_bit_prefetchable_window()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction upstream = domain.Bridge(port, 0, prefetchable64: false, type: PciExpressPortType.SwitchUpstreamPort);
        PciFunction downstream = domain.Bridge(upstream, 0, type: PciExpressPortType.SwitchDownstreamPort);
        PciFunction device = domain.Endpoint(downstream, 0);
        domain.Bar64(device, 0, 4 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("LOW", 0x8000_0000, 32 * MiB, 0), new("HIGH", 0x40_0000_0000, 64 * MiB, 0)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x8000_0000UL, device.Bars[0].Address);
        Assert.Equal(0x8000_0000UL, port.Bridge.Prefetchable.Base);
        Assert.Equal(0U, domain.FakeOf(port).Read32(Type1Header.PrefetchableBaseUpper32)); // upper dword written as 0
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void A_32_bit_prefetchable_bar_keeps_its_64_bit_windows_below_4_GiB()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar64(device, 0, 4 * MiB, prefetchable: true).Bar32(device, 2, MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("HIGH", 0x40_0000_0000, 64 * MiB, 0), new("LOW", 0x8000_0000, 32 * MiB, 0)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.True(port.Bridge.Prefetchable.Limit <= uint.MaxValue);
        Assert.Equal(0x8040_0000UL, device.Bars[2].Address);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Prefetchable_bar_behind_a_bridge_without_a_prefetchable_window_goes_through_the_memory_window()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1, prefetchable: false);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar64(device, 0, 2 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(device.Assigned);
        Assert.Equal(0x5000_0000UL, device.Bars[0].Address);
        Assert.Equal(2 * MiB, port.Bridge.Memory.Size);
        Assert.False(port.Bridge.Prefetchable.IsEnabled);
        Assert.Equal(0U, domain.FakeOf(port).Read32(Type1Header.PrefetchableMemoryBase));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Empty_hot_plug_port_gets_the_default_memory_reserve_and_no_prefetchable_window()
    {
        var domain = new TestDomain();
        PciFunction slot = domain.Bridge(null, 1, hotPlug: true);
        PciFunction plain = domain.Bridge(null, 2);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(slot.Assigned);
        Assert.Equal(2 * MiB, slot.Bridge.Memory.Size);
        Assert.Equal(0x5000_0000UL, slot.Bridge.Memory.Base);
        Assert.False(slot.Bridge.Prefetchable.IsEnabled);
        Assert.True(plain.Assigned);
        Assert.False(plain.Bridge.Memory.IsEnabled);
        Assert.Equal(0x0000_FFF0U, domain.FakeOf(plain).Read32(Type1Header.MemoryBase));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Hot_plug_reserve_is_a_minimum_and_the_options_size_both_windows()
    {
        var domain = new TestDomain();
        PciFunction slot = domain.Bridge(null, 1, hotPlug: true);
        PciFunction drive = domain.Endpoint(slot, 0);
        domain.Bar64(drive, 0, 0x4000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];
        var options = new ResourceOptions { HotPlugMemoryReserve = 5 * MiB + 1, HotPlugPrefetchableReserve = 4 * MiB };

        new ResourceAssigner(domain.Config, options).Assign(functions, apertures);

        Assert.True(drive.Assigned);
        Assert.Equal(6 * MiB, slot.Bridge.Memory.Size); // rounded up to the 1 MiB granularity
        Assert.Equal(4 * MiB, slot.Bridge.Prefetchable.Size);
        Assert.True(slot.Bridge.Memory.Contains(drive.Bars[0].Address, 0x4000));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Bus_addresses_are_written_and_cpu_addresses_recorded_with_the_aperture_offset()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar32(device, 0, 0x4000);
        PciFunction root = domain.Endpoint(null, 2);
        domain.Bar64(root, 0, 0x1000);
        PciFunction[] functions = domain.Functions;

        // A guest sees MEMBAR1 at 0x9000_0000 while the host (and so the bus) has it at 0x8000_0000.
        Aperture[] apertures = [new("MEMBAR1", 0x9000_0000, 32 * MiB, 0x1000_0000)];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.Equal(0x8000_0000UL, port.Bridge.Memory.Base);
        Assert.Equal(0x8000_8000U, domain.FakeOf(port).Read32(Type1Header.MemoryBase));
        Assert.Equal(0x8000_0000UL, domain.BarRegister(device, 0));
        Assert.Equal(0x9000_0000UL, device.GetBarCpuAddress(0));
        Assert.Equal(0x8010_0000UL, domain.BarRegister(root, 0));
        Assert.Equal(0x9010_0000UL, root.GetBarCpuAddress(0));
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Bars_are_naturally_aligned_packed_largest_first_and_never_overlap()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction upstream = domain.Bridge(port, 0, type: PciExpressPortType.SwitchUpstreamPort);
        domain.Bar32(upstream, 0, 0x2_0000);
        PciFunction down1 = domain.Bridge(upstream, 1, type: PciExpressPortType.SwitchDownstreamPort);
        PciFunction a = domain.Endpoint(down1, 0);
        domain.Bar64(a, 0, 0x4000).Bar32(a, 2, 0x100).Bar64(a, 4, 8 * MiB, prefetchable: true);
        PciFunction down2 = domain.Bridge(upstream, 2, type: PciExpressPortType.SwitchDownstreamPort);
        PciFunction b = domain.Endpoint(down2, 0);
        domain.Bar32(b, 0, 2 * MiB).Bar32(b, 1, 0x1000).Bar32(b, 2, 0x80_0000, prefetchable: true);
        PciFunction root = domain.Endpoint(null, 3);
        domain.Bar32(root, 0, 0x10).Bar32(root, 1, 0x20_0000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(result.AllAssigned);
        AssignmentInvariants.Check(domain, functions, apertures);
    }
}
