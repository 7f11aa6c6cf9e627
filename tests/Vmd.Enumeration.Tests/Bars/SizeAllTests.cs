using System;
using NSubstitute;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Bars;

/// <summary>Sizing every BAR of a header at once.</summary>
public sealed class SizeAllTests
{
    private static readonly PciAddress Function = new(0x10000, 0x03, 0, 0);

    [Fact]
    public void Slots_are_indexed_by_bar_and_the_upper_half_of_a_64_bit_bar_is_none()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0006)
            .WithMemoryBar64(0, 0x4000, 0x0000_0002_0000_0000)
            .WithMemoryBar32(2, 0x1000, 0xF010_0000)
            .WithIoBar(4, 0x40, 0x2040, decodes16BitsOnly: true);
        var bars = new PciBar[Type0Header.BarCount];

        int written = BarSizer.SizeAll(fake, Function, Type0Header.BarCount, bars, out VmdError error);

        Assert.Equal(6, written);
        Assert.Equal(VmdError.None, error);
        Assert.Equal(new PciBar(0, PciBarKind.Memory64, 0x0000_0002_0000_0000, 0x4000, false), bars[0]);
        Assert.Equal(PciBar.NotImplemented(1), bars[1]);
        Assert.Equal(new PciBar(2, PciBarKind.Memory32, 0xF010_0000, 0x1000, false), bars[2]);
        Assert.Equal(PciBar.NotImplemented(3), bars[3]);
        Assert.Equal(new PciBar(4, PciBarKind.Io, 0x2040, 0x40, false), bars[4]);
        Assert.Equal(PciBar.NotImplemented(5), bars[5]);
    }

    [Fact]
    public void Bridge_has_two_slots_and_its_bus_numbers_are_never_probed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0006)
            .WithMemoryBar32(0, 0x1000, 0xF000_0000)
            .WithMemoryBar32(1, 0x2000, 0xF000_2000)
            .Set8(Type1Header.PrimaryBusNumber, 0x01);
        IConfigSpace config = ConfigSpy.Over(fake);
        var bars = new PciBar[Type1Header.BarCount];

        int written = BarSizer.SizeAll(config, Function, Type1Header.BarCount, bars, out VmdError error);

        Assert.Equal(2, written);
        Assert.Equal(VmdError.None, error);
        Assert.Equal(0x2000UL, bars[1].Size);
        config.DidNotReceive().Read32(Function, Type1Header.PrimaryBusNumber);
        config.DidNotReceive().Write32(Function, Type1Header.PrimaryBusNumber, Arg.Any<uint>());
    }

    [Fact]
    public void Malformed_slot_is_reported_and_the_other_slots_are_still_sized()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0002)
            .Set32(PciHeader.BaseAddress0, 0x0000_0006) // reserved type 11b
            .WithMemoryBar32(1, 0x1000, 0xF000_0000);
        var bars = new PciBar[6];

        int written = BarSizer.SizeAll(fake, Function, 6, bars, out VmdError error);

        Assert.Equal(6, written);
        Assert.Equal(VmdError.Malformed, error);
        Assert.False(bars[0].IsImplemented);
        Assert.Equal(0x1000UL, bars[1].Size);
    }

    [Fact]
    public void Function_vanishing_midway_stops_and_restores_command()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(Function, PciHeader.Command).Returns((ushort)0x0002);
        config.Read32(Function, PciHeader.BaseAddress(0)).Returns(0u); // unimplemented
        config.Read32(Function, PciHeader.BaseAddress(1)).Returns(0xFFFF_FFFFu); // gone
        var bars = new PciBar[6];

        int written = BarSizer.SizeAll(config, Function, 6, bars, out VmdError error);

        Assert.Equal(1, written);
        Assert.Equal(VmdError.AllOnes, error);
        config.DidNotReceive().Read32(Function, PciHeader.BaseAddress(2));
        config.Received(1).Write16(Function, PciHeader.Command, 0x0002);
    }

    [Fact]
    public void Absent_function_writes_nothing()
    {
        IConfigSpace config = ConfigSpy.Over(new FakeConfigSpace());

        int written = BarSizer.SizeAll(config, Function, 6, new PciBar[6], out VmdError error);

        Assert.Equal(0, written);
        Assert.Equal(VmdError.AllOnes, error);
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }

    [Fact]
    public void Sizing_allocates_nothing()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0006).WithMemoryBar64(0, 0x4000, 0xF000_0000).WithIoBar(2, 0x20, 0x1000, true);
        Span<PciBar> bars = stackalloc PciBar[6];
        BarSizer.SizeAll(fake, Function, 6, bars, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            BarSizer.SizeAll(fake, Function, 6, bars, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
