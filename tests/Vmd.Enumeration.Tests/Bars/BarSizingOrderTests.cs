using System.Linq;
using NSubstitute;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Bars;

/// <summary>The exact port calls of BAR sizing: widths, offsets, values and order.</summary>
public sealed class BarSizingOrderTests
{
    private static readonly PciAddress Function = new(0x10000, 0x01, 0, 0);

    private const ushort Command = PciHeader.Command;
    private const ushort Bar0 = PciHeader.BaseAddress0;
    private const ushort Bar1 = PciHeader.BaseAddress0 + 4;

    [Fact]
    public void Sizing_a_32_bit_bar_turns_decode_off_probes_restores_and_turns_decode_back_on()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0006).WithMemoryBar32(0, 0x10_0000, 0xF000_0000);
        IConfigSpace config = ConfigSpy.Over(fake);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out _, out _));

        Received.InOrder(() =>
        {
            config.Read16(Function, Command);
            config.Write16(Function, Command, 0x0004); // MSE cleared, bus master kept
            config.Read32(Function, Bar0);
            config.Write32(Function, Bar0, 0xFFFF_FFFF);
            config.Read32(Function, Bar0);
            config.Write32(Function, Bar0, 0xF000_0000);
            config.Write16(Function, Command, 0x0006);
        });
        Assert.Equal(7, config.ReceivedCalls().Count());
    }

    [Fact]
    public void Sizing_a_64_bit_bar_probes_both_halves_and_restores_both()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0007).WithMemoryBar64(0, 0x2_0000_0000, 0x0000_0040_0000_0000, prefetchable: true);
        IConfigSpace config = ConfigSpy.Over(fake);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out _, out _));

        Received.InOrder(() =>
        {
            config.Read16(Function, Command);
            config.Write16(Function, Command, 0x0004); // MSE and I/O cleared
            config.Read32(Function, Bar0);
            config.Write32(Function, Bar0, 0xFFFF_FFFF);
            config.Read32(Function, Bar0);
            config.Read32(Function, Bar1);
            config.Write32(Function, Bar1, 0xFFFF_FFFF);
            config.Read32(Function, Bar1);
            config.Write32(Function, Bar0, 0x0000_000C); // saved low: 64-bit, prefetchable, address bits 31:4 zero
            config.Write32(Function, Bar1, 0x0000_0040); // saved high
            config.Write16(Function, Command, 0x0007);
        });
        Assert.Equal(11, config.ReceivedCalls().Count());
    }

    [Fact]
    public void Function_with_decode_already_off_gets_no_command_write()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0004).WithMemoryBar32(0, 0x1000, 0xF000_0000);
        IConfigSpace config = ConfigSpy.Over(fake);

        Assert.True(BarSizer.TrySizeBar(config, Function, 0, out PciBar bar, out _));

        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
        Assert.Equal(0x1000UL, bar.Size);
    }

    [Fact]
    public void Sizing_all_bars_turns_decode_off_once_and_back_on_once()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCommand(0x0002)
            .WithMemoryBar64(0, 0x4000, 0xF000_0000)
            .WithMemoryBar32(2, 0x1000, 0xF010_0000)
            .WithIoBar(4, 0x20, 0x3000, decodes16BitsOnly: true);
        IConfigSpace config = ConfigSpy.Over(fake);

        int written = BarSizer.SizeAll(config, Function, Type0Header.BarCount, new PciBar[6], out VmdError error);

        Assert.Equal(6, written);
        Assert.Equal(VmdError.None, error);
        config.Received(1).Read16(Function, Command);
        config.Received(1).Write16(Function, Command, 0x0000);
        config.Received(1).Write16(Function, Command, 0x0002);
        config.ReceivedWithAnyArgs(2).Write16(default, default, default);
        Received.InOrder(() =>
        {
            config.Write16(Function, Command, 0x0000);
            config.Write32(Function, PciHeader.BaseAddress(5), 0xFFFF_FFFF);
            config.Write16(Function, Command, 0x0002);
        });
    }

    [Fact]
    public void Sizing_leaves_every_register_as_it_was()
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function).WithCommand(0x0007)
            .WithMemoryBar64(0, 0x10_0000, 0x0000_0012_3450_0000, prefetchable: true)
            .WithMemoryBar32(2, 0x1000, 0xF010_0000)
            .WithIoBar(3, 0x100, 0x1200, decodes16BitsOnly: false);
        uint[] before = new uint[16];
        for (int i = 0; i < before.Length; i++)
        {
            before[i] = function.Read32(i * 4);
        }

        BarSizer.SizeAll(fake, Function, Type0Header.BarCount, new PciBar[6], out _);

        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], function.Read32(i * 4));
        }
    }
}
