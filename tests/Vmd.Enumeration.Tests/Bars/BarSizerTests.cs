using System;
using NSubstitute;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Bars;

/// <summary>What BAR sizing reports for each kind of BAR and for broken or vanished hardware.</summary>
public sealed class BarSizerTests
{
    private static readonly PciAddress Function = new(0x10000, 0x02, 0, 0);

    private static (FakeConfigSpace Config, FakeFunction Function) OneFunction()
    {
        var fake = new FakeConfigSpace();
        return (fake, fake.Add(Function).WithCommand(0x0006));
    }

    [Fact]
    public void Memory_32_bit_bar_reports_size_address_and_kind()
    {
        var (config, function) = OneFunction();
        function.WithMemoryBar32(1, 0x4000, 0xFE12_4000);

        Assert.True(BarSizer.TrySizeBar(config, Function, 1, out PciBar bar, out VmdError error));

        Assert.Equal(VmdError.None, error);
        Assert.Equal(new PciBar(1, PciBarKind.Memory32, 0xFE12_4000, 0x4000, false), bar);
        Assert.False(bar.Is64Bit);
        Assert.True(bar.IsImplemented);
    }

    [Fact]
    public void Prefetchable_flag_is_kept()
    {
        var (config, function) = OneFunction();
        function.WithMemoryBar32(0, 0x10_0000, 0xE000_0000, prefetchable: true);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out PciBar bar, out _));

        Assert.True(bar.Prefetchable);
        Assert.Equal(0xE000_0000UL, bar.Address); // flag bits stripped from the address
        Assert.Equal(0xE000_0008u, function.Read32(PciHeader.BaseAddress0));
    }

    [Fact]
    public void Memory_64_bit_bar_combines_both_halves()
    {
        var (config, function) = OneFunction();
        function.WithMemoryBar64(2, 0x4000, 0x0000_0001_2345_C000);

        Assert.True(BarSizer.TrySizeBar(config, Function, 2, out PciBar bar, out _));

        Assert.Equal(PciBarKind.Memory64, bar.Kind);
        Assert.True(bar.Is64Bit);
        Assert.Equal(0x0000_0001_2345_C000UL, bar.Address);
        Assert.Equal(0x4000UL, bar.Size);
    }

    [Theory]
    [InlineData(0x1_0000_0000UL)] // 4 GiB: no writable bit in the low dword
    [InlineData(0x8_0000_0000UL)] // 32 GiB
    [InlineData(0x100_0000_0000UL)] // 1 TiB
    public void Memory_64_bit_bar_larger_than_4_GiB_is_sized_exactly(ulong size)
    {
        var (config, function) = OneFunction();
        function.WithMemoryBar64(0, size, 0x4000_0000_0000, prefetchable: true);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out PciBar bar, out _));

        Assert.Equal(size, bar.Size);
        Assert.Equal(0x4000_0000_0000UL, bar.Address);
        Assert.True(bar.Prefetchable);
    }

    [Fact]
    public void Io_bar_with_a_16_bit_decoder_is_sized_in_16_bits()
    {
        var (config, function) = OneFunction();
        function.WithIoBar(4, 0x20, 0xE020, decodes16BitsOnly: true);

        Assert.True(BarSizer.TrySizeBar(config, Function, 4, out PciBar bar, out _));

        Assert.Equal(PciBarKind.Io, bar.Kind);
        Assert.Equal(0x20UL, bar.Size);
        Assert.Equal(0xE020UL, bar.Address);
        Assert.False(bar.Prefetchable);
    }

    [Fact]
    public void Io_bar_with_a_32_bit_decoder_is_sized()
    {
        var (config, function) = OneFunction();
        function.WithIoBar(0, 0x100, 0x0001_2300, decodes16BitsOnly: false);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out PciBar bar, out _));

        Assert.Equal(0x100UL, bar.Size);
        Assert.Equal(0x0001_2300UL, bar.Address);
    }

    [Fact]
    public void Bar_whose_mask_reads_zero_is_not_implemented()
    {
        var (config, _) = OneFunction();

        Assert.False(BarSizer.TrySizeBar(config, Function, 3, out PciBar bar, out VmdError error));

        Assert.Equal(VmdError.BarNotImplemented, error);
        Assert.Equal(PciBarKind.None, bar.Kind);
        Assert.Equal(3, bar.Index);
        Assert.False(bar.IsImplemented);
    }

    [Fact]
    public void Vanished_function_is_all_ones_and_nothing_is_written()
    {
        IConfigSpace config = ConfigSpy.Over(new FakeConfigSpace()); // no function: every read is all-ones

        Assert.False(BarSizer.TrySizeBar(config, Function, 0, out PciBar bar, out VmdError error));

        Assert.Equal(VmdError.AllOnes, error);
        Assert.False(bar.IsImplemented);
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }

    [Fact]
    public void Function_vanishing_before_the_bar_read_gets_no_bar_write_and_command_back()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(Function, PciHeader.Command).Returns((ushort)0x0006);
        config.Read32(default, default).ReturnsForAnyArgs(0xFFFF_FFFFu);

        Assert.False(BarSizer.TrySizeBar(config, Function, 0, out _, out VmdError error));

        Assert.Equal(VmdError.AllOnes, error);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
        config.Received(1).Write16(Function, PciHeader.Command, 0x0006);
    }

    [Fact]
    public void Function_vanishing_while_sizing_is_all_ones_and_the_bar_gets_its_saved_value()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(Function, PciHeader.Command).Returns((ushort)0x0002);
        config.Read32(Function, PciHeader.BaseAddress0).Returns(0xF000_0000u, 0xFFFF_FFFFu);

        Assert.False(BarSizer.TrySizeBar(config, Function, 0, out _, out VmdError error));

        Assert.Equal(VmdError.AllOnes, error);
        Received.InOrder(() =>
        {
            config.Write32(Function, PciHeader.BaseAddress0, 0xFFFF_FFFF);
            config.Write32(Function, PciHeader.BaseAddress0, 0xF000_0000);
        });
        config.DidNotReceive().Write32(Function, PciHeader.BaseAddress(1), Arg.Any<uint>());
    }

    [Fact]
    public void Reserved_memory_type_is_malformed_and_never_probed()
    {
        var (config, function) = OneFunction();
        function.Set32(PciHeader.BaseAddress0, 0xF000_0006).SetWritable32(PciHeader.BaseAddress0, 0xFFF0_0000);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.False(BarSizer.TrySizeBar(spy, Function, 0, out _, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
        spy.DidNotReceive().Write32(Function, PciHeader.BaseAddress0, Arg.Any<uint>());
        Assert.Equal(0x0006, function.Read16(PciHeader.Command)); // decode back on
    }

    [Fact]
    public void Bar_64_in_the_last_type_0_slot_is_malformed_and_the_register_after_it_is_untouched()
    {
        var (config, function) = OneFunction();
        function.Set32(PciHeader.BaseAddress(5), 0xF000_0004).SetWritable32(PciHeader.BaseAddress(5), 0xFFFF_F000);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.False(BarSizer.TrySizeBar(spy, Function, 5, out _, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
        spy.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }

    [Fact]
    public void Bar_64_in_the_last_type_1_slot_never_writes_the_bus_numbers()
    {
        var (config, function) = OneFunction();
        function.Set32(PciHeader.BaseAddress(1), 0x0000_0004).SetWritable32(PciHeader.BaseAddress(1), 0xFFFF_F000);
        IConfigSpace spy = ConfigSpy.Over(config);

        Assert.False(BarSizer.TrySizeBar(spy, Function, 1, Type1Header.BarCount, out _, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
        spy.DidNotReceive().Write32(Function, Type1Header.PrimaryBusNumber, Arg.Any<uint>());
        spy.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }

    [Theory]
    [InlineData(-1, 6)]
    [InlineData(6, 6)]
    [InlineData(2, 2)]
    public void Bad_index_is_a_caller_mistake(int index, int barCount)
    {
        var (config, _) = OneFunction();

        Assert.Throws<ArgumentOutOfRangeException>(() => BarSizer.TrySizeBar(config, Function, index, barCount, out _, out _));
    }

    [Fact]
    public void Bad_bar_count_and_short_destination_are_caller_mistakes()
    {
        var (config, _) = OneFunction();

        Assert.Throws<ArgumentOutOfRangeException>(() => BarSizer.SizeAll(config, Function, 3, new PciBar[6], out _));
        Assert.Throws<ArgumentException>(() => BarSizer.SizeAll(config, Function, 6, new PciBar[5], out _));
    }
}
