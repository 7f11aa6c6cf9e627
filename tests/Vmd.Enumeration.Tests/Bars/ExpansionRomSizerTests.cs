using NSubstitute;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Bars;

/// <summary>Sizing the Expansion ROM Base Address register.</summary>
public sealed class ExpansionRomSizerTests
{
    private static readonly PciAddress Function = new(0, 0x04, 0, 0);

    [Fact]
    public void Endpoint_rom_at_0x30_is_sized_and_its_enable_bit_survives()
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function).WithCommand(0x0002)
            .WithExpansionRom(Type0Header.ExpansionRomBaseAddress, 0x1_0000, 0xFE00_0000, enabled: true);
        IConfigSpace config = ConfigSpy.Over(fake);

        Assert.True(ExpansionRomSizer.TrySize(config, Function, HeaderType.Endpoint, out PciBar rom, out VmdError error));

        Assert.Equal(VmdError.None, error);
        Assert.True(rom.IsExpansionRom);
        Assert.Equal(PciBar.ExpansionRomIndex, rom.Index);
        Assert.Equal(PciBarKind.Memory32, rom.Kind);
        Assert.Equal(0xFE00_0000UL, rom.Address);
        Assert.Equal(0x1_0000UL, rom.Size);
        Assert.Equal(0xFE00_0001u, function.Read32(Type0Header.ExpansionRomBaseAddress));
        Received.InOrder(() =>
        {
            config.Read16(Function, PciHeader.Command);
            config.Write16(Function, PciHeader.Command, 0x0000);
            config.Read32(Function, Type0Header.ExpansionRomBaseAddress);
            config.Write32(Function, Type0Header.ExpansionRomBaseAddress, 0xFFFF_F800); // Enable clear while probing
            config.Read32(Function, Type0Header.ExpansionRomBaseAddress);
            config.Write32(Function, Type0Header.ExpansionRomBaseAddress, 0xFE00_0001);
            config.Write16(Function, PciHeader.Command, 0x0002);
        });
    }

    [Fact]
    public void Bridge_rom_is_at_0x38_and_multi_function_bit_is_ignored()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithExpansionRom(Type1Header.ExpansionRomBaseAddress, 0x800, 0xFD00_0800, enabled: false);
        IConfigSpace config = ConfigSpy.Over(fake);

        Assert.True(ExpansionRomSizer.TrySize(config, Function, HeaderType.Bridge | HeaderType.MultiFunction, out PciBar rom, out _));

        Assert.Equal(0x800UL, rom.Size);
        Assert.Equal(0xFD00_0800UL, rom.Address);
        config.DidNotReceive().Read32(Function, Type0Header.ExpansionRomBaseAddress);
    }

    [Fact]
    public void Missing_rom_is_not_implemented()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function);

        Assert.False(ExpansionRomSizer.TrySize(fake, Function, HeaderType.Endpoint, out PciBar rom, out VmdError error));

        Assert.Equal(VmdError.BarNotImplemented, error);
        Assert.False(rom.IsImplemented);
    }

    [Fact]
    public void CardBus_header_has_no_rom_register_and_nothing_is_accessed()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();

        Assert.False(ExpansionRomSizer.TrySize(config, Function, HeaderType.CardBus, out _, out VmdError error));

        Assert.Equal(VmdError.Unsupported, error);
        Assert.Empty(config.ReceivedCalls());
    }

    [Fact]
    public void Vanished_function_is_all_ones()
    {
        IConfigSpace config = ConfigSpy.Over(new FakeConfigSpace());

        Assert.False(ExpansionRomSizer.TrySize(config, Function, HeaderType.Endpoint, out _, out VmdError error));

        Assert.Equal(VmdError.AllOnes, error);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }
}
