using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

public sealed class BarSizingTests
{
    private static readonly PciAddress At = new(0, 3, 0, 0);

    private static IConfigSpace Config(FunctionBuilder builder) => TestHelpers.WithHostFunction(At, builder.Build()).HostConfig;

    [Fact]
    public void Writing_all_ones_to_a_32_bit_bar_reads_back_the_size_mask_with_type_bits()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).MemoryBar(0, 0x4000, is64Bit: false, prefetchable: true, 0xC000_0000));

        config.Write32(At, PciHeader.BaseAddress0, 0xFFFF_FFFF);

        Assert.Equal(0xFFFF_C000u | BaseAddressBits.Prefetchable, config.Read32(At, PciHeader.BaseAddress0));
    }

    [Fact]
    public void A_64_bit_bar_sizes_across_both_dwords()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).MemoryBar(2, 32UL << 30, is64Bit: true, prefetchable: false, 0x40_0000_0000));

        config.Write32(At, PciHeader.BaseAddress(2), 0xFFFF_FFFF);
        config.Write32(At, PciHeader.BaseAddress(3), 0xFFFF_FFFF);

        uint low = config.Read32(At, PciHeader.BaseAddress(2));
        uint high = config.Read32(At, PciHeader.BaseAddress(3));
        ulong mask = ((ulong)high << 32) | (low & BaseAddressBits.MemoryAddressMask);
        Assert.Equal(BaseAddressBits.Type64, low & 0xF);
        Assert.Equal(32UL << 30, ~mask + 1);
    }

    [Fact]
    public void Restoring_the_saved_value_puts_the_bar_back()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).MemoryBar(0, 0x4000, is64Bit: true, prefetchable: false, 0x60_5000_0000));
        uint savedLow = config.Read32(At, PciHeader.BaseAddress0);
        uint savedHigh = config.Read32(At, PciHeader.BaseAddress(1));

        config.Write32(At, PciHeader.BaseAddress0, 0xFFFF_FFFF);
        config.Write32(At, PciHeader.BaseAddress(1), 0xFFFF_FFFF);
        config.Write32(At, PciHeader.BaseAddress0, savedLow);
        config.Write32(At, PciHeader.BaseAddress(1), savedHigh);

        Assert.Equal(0x60_5000_0000UL, TestHelpers.ReadBar(config, At, 0));
        Assert.Equal(0x5000_0004u, config.Read32(At, PciHeader.BaseAddress0));
    }

    [Fact]
    public void Unimplemented_bar_reads_zero_after_all_ones()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).MemoryBar(0, 0x4000, is64Bit: false, prefetchable: false, 0xC000_0000));

        config.Write32(At, PciHeader.BaseAddress(1), 0xFFFF_FFFF);

        Assert.Equal(0u, config.Read32(At, PciHeader.BaseAddress(1)));
    }

    [Fact]
    public void Io_bar_sizes_with_bit_0_set()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).IoBar(4, 32, 0x3000));

        config.Write32(At, PciHeader.BaseAddress(4), 0xFFFF_FFFF);

        Assert.Equal(0xFFFF_FFE1u, config.Read32(At, PciHeader.BaseAddress(4)));
    }

    [Fact]
    public void Expansion_rom_sizes_and_keeps_its_enable_bit_writable()
    {
        IConfigSpace config = Config(new FunctionBuilder(HeaderType.Endpoint).ExpansionRom(0x10000, 0xD000_0000));

        config.Write32(At, Type0Header.ExpansionRomBaseAddress, 0xFFFF_FFFF);

        Assert.Equal(0xFFFF_0001u, config.Read32(At, Type0Header.ExpansionRomBaseAddress));
    }

    [Fact]
    public void Vmd_bars_size_as_the_digest_lists_them()
    {
        SimulatedMachine machine = TestHelpers.Machine("meteorlake");
        IConfigSpace config = machine.HostConfig;
        PciAddress vmd = TestHelpers.TigerLakeVmd;

        config.Write32(vmd, PciHeader.BaseAddress(2), 0xFFFF_FFFF);
        config.Write32(vmd, PciHeader.BaseAddress(4), 0xFFFF_FFFF);
        config.Write32(vmd, PciHeader.BaseAddress(5), 0xFFFF_FFFF);

        Assert.Equal(0xFF00_0000u, config.Read32(vmd, PciHeader.BaseAddress(2)));
        Assert.Equal(0xFF00_0004u, config.Read32(vmd, PciHeader.BaseAddress(4)));
        Assert.Equal(0xFFFF_FFFFu, config.Read32(vmd, PciHeader.BaseAddress(5)));
    }

    [Theory]
    [InlineData("skylake-sp", 0x5d, 5, 5, true)]
    [InlineData("icelake-sp", 0x64, 0, 5, true)]
    [InlineData("tigerlake", 0, 0x0e, 0, false)]
    public void Cfgbar_is_prefetchable_only_on_server_ids(string machineName, int bus, int device, int function, bool prefetchable)
    {
        SimulatedMachine machine = TestHelpers.Machine(machineName);
        var vmd = new PciAddress(0, (byte)bus, device, function);

        uint low = machine.HostConfig.Read32(vmd, PciHeader.BaseAddress0);

        Assert.Equal(BaseAddressBits.Type64, low & BaseAddressBits.TypeMask);
        Assert.Equal(prefetchable, (low & BaseAddressBits.Prefetchable) != 0);
    }
}
