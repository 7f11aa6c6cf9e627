using System;
using System.Linq;
using NSubstitute;
using Vmd.Core.Domain;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>
/// A VMD config space split in two CFGBAR windows (second root bus): buses e0-ef at CFGBAR bus 0 and buses
/// 80-8f at CFGBAR bus 16, checked at the exact CFGBAR offsets each access reaches.
/// </summary>
public sealed class VmdConfigSpaceWindowTests
{
    private const uint Segment = 0x10000;
    private static readonly ConfigWindow Window0 = new(0xE0, 0xEF, 0);
    private static readonly ConfigWindow Window1 = new(0x80, 0x8F, 16);

    private static IMmioRegion Cfgbar(ulong length = 32UL << 20)
    {
        IMmioRegion cfgbar = Substitute.For<IMmioRegion>();
        cfgbar.Length.Returns((nuint)length);
        return cfgbar;
    }

    private static VmdConfigSpace Split(IMmioRegion cfgbar) => new(cfgbar, Segment, Window0, Window1);

    private static void AssertNoAccess(IMmioRegion cfgbar)
    {
        foreach (var call in cfgbar.ReceivedCalls())
        {
            Assert.Equal("get_Length", call.GetMethodInfo().Name); // only the constructor's size check
        }
    }

    private static nuint Offset(int index, int device, int function, int register) =>
        (nuint)(((uint)index << 20) | ((uint)device << 15) | ((uint)function << 12) | (uint)register);

    [Fact]
    public void Bus_of_the_first_window_is_indexed_from_its_cfgbar_bus()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);

        domain.Read32(new PciAddress(Segment, 0xE1, 0, 0), 0);

        cfgbar.Received(1).Read32((nuint)(1u << 20));
        Assert.Equal(1, cfgbar.ReceivedCalls().Count(c => c.GetMethodInfo().Name != "get_Length"));
    }

    [Fact]
    public void Bus_of_the_second_window_is_indexed_from_its_own_cfgbar_bus()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);

        domain.Read32(new PciAddress(Segment, 0x81, 2, 3), 0x10);

        cfgbar.Received(1).Read32((nuint)((17u << 20) | (2u << 15) | (3u << 12) | 0x10));
        Assert.Equal(1, domain.Reads);
        Assert.Equal(0, domain.RejectedAccesses);
    }

    [Theory]
    [InlineData(0xE0, 0, 0, 0x000, 0)]
    [InlineData(0xEF, 31, 7, 0xFFC, 15)]
    [InlineData(0x80, 0x1C, 4, 0x100, 16)]
    [InlineData(0x8F, 31, 7, 0xFFC, 31)]
    public void Window_edges_reach_their_cfgbar_bus(int bus, int device, int function, int register, int index)
    {
        IMmioRegion cfgbar = Cfgbar();
        cfgbar.Read32(Offset(index, device, function, register)).Returns(0x1234_5678u);
        VmdConfigSpace domain = Split(cfgbar);

        Assert.Equal(0x1234_5678u, domain.Read32(new PciAddress(Segment, (byte)bus, device, function), (ushort)register));
        Assert.True(domain.Contains(new PciAddress(Segment, (byte)bus, device, function)));
    }

    [Fact]
    public void Reads_of_each_width_reach_the_second_window()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);
        var address = new PciAddress(Segment, 0x80, 0x1C, 4);

        domain.Read8(address, 0x19);
        domain.Read16(address, 0x02);

        cfgbar.Received(1).Read8(Offset(16, 0x1C, 4, 0x19));
        cfgbar.Received(1).Read16(Offset(16, 0x1C, 4, 0x02));
    }

    [Theory]
    [InlineData(0x10000u, 0x90)] // just past the second window
    [InlineData(0x10000u, 0xDF)] // just below the first window
    [InlineData(0x10000u, 0x7F)] // just below the second window
    [InlineData(0x10000u, 0xF0)] // just past the first window
    [InlineData(0x10000u, 0x00)] // CFGBAR bus 0 by number, but not a bus of the domain
    [InlineData(0x10000u, 0x10)] // CFGBAR bus 16 by number, but not a bus of the domain
    [InlineData(0x10001u, 0x81)] // another segment, bus inside the second window
    [InlineData(0x10001u, 0xE1)] // another segment, bus inside the first window
    [InlineData(0x00000u, 0x80)] // the host segment
    public void Buses_outside_both_windows_read_all_ones_and_never_reach_cfgbar(uint segment, int bus)
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);
        var address = new PciAddress(segment, (byte)bus, 0, 0);

        Assert.Equal(0xFFFF_FFFFu, domain.Read32(address, 0));
        Assert.Equal(0xFFFF, domain.Read16(address, 0));
        Assert.Equal(0xFF, domain.Read8(address, 0));
        domain.Write32(address, 0, 0);
        domain.Write16(address, 0, 0);
        domain.Write8(address, 0, 0);

        AssertNoAccess(cfgbar);
        Assert.Equal(6, domain.RejectedAccesses);
        Assert.Equal(0, domain.Reads);
        Assert.Equal(0, domain.Writes);
        Assert.False(domain.Contains(address));
    }

    [Theory]
    [InlineData(0x02, 4)]
    [InlineData(0x01, 2)]
    [InlineData(0x1000, 4)]
    [InlineData(0x1000, 1)]
    public void Misaligned_or_out_of_range_offsets_in_the_second_window_never_reach_cfgbar(int register, int width)
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);
        var address = new PciAddress(Segment, 0x81, 0, 0);

        uint value = width switch
        {
            4 => domain.Read32(address, (ushort)register),
            2 => domain.Read16(address, (ushort)register),
            _ => domain.Read8(address, (ushort)register),
        };

        Assert.Equal(width switch { 4 => 0xFFFF_FFFFu, 2 => 0xFFFFu, _ => 0xFFu }, value);
        AssertNoAccess(cfgbar);
        Assert.Equal(1, domain.RejectedAccesses);
    }

    [Fact]
    public void Write32_in_the_second_window_goes_to_its_offset_and_is_read_back()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);

        domain.Write32(new PciAddress(Segment, 0x81, 2, 3), 0x18, 0x0083_8281);

        nuint at = Offset(17, 2, 3, 0x18);
        Received.InOrder(() =>
        {
            cfgbar.Write32(at, 0x0083_8281);
            cfgbar.Read32(at);
        });
        cfgbar.DidNotReceive().Read16(Arg.Any<nuint>());
        cfgbar.DidNotReceive().Read8(Arg.Any<nuint>());
        Assert.Equal(1, domain.Writes);
        Assert.Equal(1, domain.ReadBacks);
        Assert.Equal(0, domain.Reads);
    }

    [Fact]
    public void Write16_in_the_second_window_is_read_back_with_the_same_width()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);

        domain.Write16(new PciAddress(Segment, 0x8F, 0x1F, 7), 0x04, 0x0006);

        nuint at = Offset(31, 0x1F, 7, 0x04);
        Received.InOrder(() =>
        {
            cfgbar.Write16(at, 0x0006);
            cfgbar.Read16(at);
        });
        cfgbar.DidNotReceive().Read32(Arg.Any<nuint>());
        cfgbar.DidNotReceive().Read8(Arg.Any<nuint>());
    }

    [Fact]
    public void Write8_in_the_first_window_is_read_back_with_the_same_width()
    {
        IMmioRegion cfgbar = Cfgbar();
        VmdConfigSpace domain = Split(cfgbar);

        domain.Write8(new PciAddress(Segment, 0xE2, 6, 0), 0x19, 0xE3);

        nuint at = Offset(2, 6, 0, 0x19);
        Received.InOrder(() =>
        {
            cfgbar.Write8(at, 0xE3);
            cfgbar.Read8(at);
        });
        cfgbar.DidNotReceive().Read32(Arg.Any<nuint>());
        cfgbar.DidNotReceive().Read16(Arg.Any<nuint>());
    }

    [Fact]
    public void First_window_may_start_at_a_cfgbar_bus_other_than_0()
    {
        IMmioRegion cfgbar = Cfgbar();
        var domain = new VmdConfigSpace(cfgbar, Segment, Window1, Window0); // 80-8f at CFGBAR 16, e0-ef at CFGBAR 0

        domain.Read32(new PciAddress(Segment, 0x80, 0, 0), 0);
        domain.Read32(new PciAddress(Segment, 0xE0, 0, 0), 0);

        cfgbar.Received(1).Read32((nuint)(16u << 20));
        cfgbar.Received(1).Read32((nuint)0);
        Assert.Equal(0xE0, domain.SecondWindow!.Value.FirstBus);
    }

    [Fact]
    public void Second_window_is_reported()
    {
        VmdConfigSpace domain = Split(Cfgbar());

        ConfigWindow? second = domain.SecondWindow;

        Assert.NotNull(second);
        Assert.Equal(0x80, second.Value.FirstBus);
        Assert.Equal(0x8F, second.Value.LastBus);
        Assert.Equal(16, second.Value.CfgBarIndex);
        Assert.Equal(0xE0, domain.FirstBus);
        Assert.Equal(0xEF, domain.LastBus);
    }

    [Fact]
    public void Second_window_starting_at_bus_0_is_reported_and_reached()
    {
        IMmioRegion cfgbar = Cfgbar();
        var domain = new VmdConfigSpace(cfgbar, Segment, Window0, new ConfigWindow(0x00, 0x00, 31));

        domain.Read32(new PciAddress(Segment, 0x00, 1, 0), 0);

        cfgbar.Received(1).Read32(Offset(31, 1, 0, 0));
        Assert.Equal(0x00, domain.SecondWindow!.Value.FirstBus);
        Assert.Equal(31, domain.SecondWindow!.Value.CfgBarIndex);
    }

    [Theory]
    [InlineData(0xE8, 0xF7, 16)] // buses e8-ef in both
    [InlineData(0xEF, 0xEF, 16)] // the first window's last bus
    [InlineData(0xD0, 0xFF, 16)] // a window around the first
    public void Constructor_rejects_windows_overlapping_in_bus_numbers(int first, int last, int index)
    {
        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(256UL << 20), Segment, Window0, new ConfigWindow((byte)first, (byte)last, index)));
    }

    [Theory]
    [InlineData(15)] // CFGBAR bus 15 in both
    [InlineData(0)]
    [InlineData(8)]
    public void Constructor_rejects_windows_overlapping_in_cfgbar(int index)
    {
        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(), Segment, Window0, new ConfigWindow(0x80, 0x8F, index)));
    }

    [Fact]
    public void Constructor_rejects_a_second_window_whose_cfgbar_range_holds_the_first()
    {
        var first = new ConfigWindow(0xE0, 0xE0, 20);

        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(), Segment, first, new ConfigWindow(0x80, 0x8F, 16)));
    }

    [Theory]
    [InlineData((32UL << 20) - 1)]
    [InlineData(16UL << 20)] // covers the first window only
    [InlineData(31UL << 20)]
    public void Constructor_rejects_a_mapping_shorter_than_the_highest_cfgbar_bus(ulong length)
    {
        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(length), Segment, Window0, Window1));
    }

    [Fact]
    public void Constructor_rejects_a_mapping_shorter_than_a_first_window_placed_high()
    {
        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(32UL << 20), Segment, new ConfigWindow(0xE0, 0xEF, 20), null));
    }

    [Fact]
    public void Constructor_accepts_adjacent_windows_and_an_exact_mapping()
    {
        IMmioRegion cfgbar = Cfgbar(32UL << 20);
        var domain = new VmdConfigSpace(cfgbar, Segment, new ConfigWindow(0xE0, 0xEF, 0), new ConfigWindow(0xF0, 0xFF, 16));

        domain.Read32(new PciAddress(Segment, 0xF0, 0, 0), 0);
        domain.Read32(new PciAddress(Segment, 0xEF, 0, 0), 0);

        cfgbar.Received(1).Read32((nuint)(16u << 20));
        cfgbar.Received(1).Read32((nuint)(15u << 20));
    }

    [Fact]
    public void Single_window_constructor_behaves_as_before()
    {
        IMmioRegion cfgbar = Cfgbar();
        var domain = new VmdConfigSpace(cfgbar, Segment, 0xE0, 0xFF);

        domain.Read32(new PciAddress(Segment, 0xE1, 0, 0), 0x10);
        Assert.Equal(0xFFFF_FFFFu, domain.Read32(new PciAddress(Segment, 0x80, 0, 0), 0));
        Assert.Equal(0xFFFF_FFFFu, domain.Read32(new PciAddress(Segment, 0x00, 0, 0), 0));

        Assert.Null(domain.SecondWindow);
        cfgbar.Received(1).Read32((nuint)((1u << 20) | 0x10));
        Assert.Equal(1, domain.Reads);
        Assert.Equal(2, domain.RejectedAccesses);
        Assert.True(domain.Contains(new PciAddress(Segment, 0xFF, 0, 0)));
        Assert.False(domain.Contains(new PciAddress(Segment, 0x00, 0, 0)));
        Assert.False(domain.Contains(new PciAddress(Segment, 0x01, 0, 0)));
    }

    [Fact]
    public void Single_window_constructor_rejects_a_short_mapping()
    {
        Assert.Throws<ArgumentException>(() => new VmdConfigSpace(Cfgbar(31UL << 20), Segment, 0xE0, 0xFF));
    }

    [Fact]
    public void Null_second_window_behaves_like_the_single_window_constructor()
    {
        IMmioRegion cfgbar = Cfgbar(16UL << 20);
        var domain = new VmdConfigSpace(cfgbar, Segment, Window0, null);

        domain.Read32(new PciAddress(Segment, 0xEF, 0, 0), 0);

        Assert.Null(domain.SecondWindow);
        cfgbar.Received(1).Read32((nuint)(15u << 20));
        Assert.False(domain.Contains(new PciAddress(Segment, 0x80, 0, 0)));
        Assert.False(domain.Contains(new PciAddress(Segment, 0x01, 0, 0)));
    }

    [Fact]
    public void ConfigWindow_rejects_a_reversed_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigWindow(0x81, 0x80, 0));
    }

    [Theory]
    [InlineData(0x80, 0x8F, 241)] // 241 + 15 = 256
    [InlineData(0x00, 0xFF, 1)]
    [InlineData(0x80, 0x80, 256)]
    [InlineData(0x80, 0x80, -1)]
    public void ConfigWindow_rejects_an_index_range_past_255(int first, int last, int index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigWindow((byte)first, (byte)last, index));
    }

    [Theory]
    [InlineData(0x80, 0x8F, 240)]
    [InlineData(0x00, 0xFF, 0)]
    [InlineData(0x80, 0x80, 255)]
    public void ConfigWindow_accepts_a_range_ending_at_cfgbar_bus_255(int first, int last, int index)
    {
        var window = new ConfigWindow((byte)first, (byte)last, index);

        Assert.Equal(last - first + 1, window.Count);
        Assert.Equal(index, window.CfgBarIndex);
    }

    [Fact]
    public void Reads_both_root_buses_of_the_simulated_arrow_lake_through_their_windows()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];
        Assert.True(vmd.TryMap());
        var domain = new VmdConfigSpace(vmd.CfgBar!.Region, vmd.Endpoint.Domain, Window0, Window1);

        Assert.Equal(0xAE4D_8086u, domain.Read32(new PciAddress(vmd.Endpoint.Domain, 0xE0, 0x06, 0), PciHeader.VendorId)); // CPU root port
        Assert.Equal(0x7F3C_8086u, domain.Read32(new PciAddress(vmd.Endpoint.Domain, 0x80, 0x1C, 4), PciHeader.VendorId)); // chipset root port
        Assert.Equal(0xFFFF_FFFFu, domain.Read32(new PciAddress(vmd.Endpoint.Domain, 0x80, 0x06, 0), PciHeader.VendorId));
        Assert.Equal(0xFFFF_FFFFu, domain.Read32(new PciAddress(vmd.Endpoint.Domain, 0xE0, 0x1C, 4), PciHeader.VendorId));
        Assert.Equal(4, domain.Reads);
        Assert.Equal(4, machine.Counters.DomainConfigReads);
    }
}
