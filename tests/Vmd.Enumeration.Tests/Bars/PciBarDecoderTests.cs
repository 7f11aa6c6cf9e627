using System;
using Vmd.Enumeration.Bars;

namespace Vmd.Enumeration.Tests.Bars;

/// <summary>Decoding BAR values without touching hardware.</summary>
public sealed class PciBarDecoderTests
{
    [Theory]
    [InlineData(0xF000_0000u, PciBarKind.Memory32, false)]
    [InlineData(0xF000_0008u, PciBarKind.Memory32, true)]
    [InlineData(0xF000_0002u, PciBarKind.Memory32, false)] // PCI 2.1 "below 1 MiB": still a 32-bit decoder
    [InlineData(0x0000_000Cu, PciBarKind.Memory64, true)]
    [InlineData(0x0000_E001u, PciBarKind.Io, false)]
    [InlineData(0x0000_E009u, PciBarKind.Io, false)] // bit 3 is an address bit of an I/O BAR, not a flag
    public void Flag_bits_give_kind_and_prefetchable(uint low, PciBarKind kind, bool prefetchable)
    {
        Assert.True(PciBarDecoder.TryDecodeKind(low, out PciBarKind decoded, out bool isPrefetchable));

        Assert.Equal(kind, decoded);
        Assert.Equal(prefetchable, isPrefetchable);
    }

    [Fact]
    public void Reserved_type_fails_try_and_throws_from_decode()
    {
        Assert.False(PciBarDecoder.TryDecodeKind(0xF000_0006, out PciBarKind kind, out _));
        Assert.Equal(PciBarKind.None, kind);
        Assert.False(PciBarDecoder.TryDecode(0, 0xF000_0006, 0, out PciBar bar));
        Assert.False(bar.IsImplemented);
        Assert.Throws<ArgumentException>(() => PciBarDecoder.Decode(0, 0xF000_0006, 0));
    }

    [Fact]
    public void Decode_strips_flags_and_joins_the_upper_dword_of_a_64_bit_bar()
    {
        PciBar bar = PciBarDecoder.Decode(2, 0xC000_000C, 0x0000_0010);

        Assert.Equal(2, bar.Index);
        Assert.Equal(PciBarKind.Memory64, bar.Kind);
        Assert.Equal(0x0000_0010_C000_0000UL, bar.Address);
        Assert.Equal(0UL, bar.Size); // decoded, not sized
    }

    [Fact]
    public void Upper_dword_is_ignored_for_32_bit_and_io_bars()
    {
        Assert.Equal(0xC000_0000UL, PciBarDecoder.Decode(0, 0xC000_0000, 0xDEAD_BEEF).Address);
        Assert.Equal(0x1000UL, PciBarDecoder.Decode(0, 0x0000_1001, 0xDEAD_BEEF).Address);
    }

    [Theory]
    [InlineData(PciBarKind.Memory32, 0xFFF0_0000u, 0u, 0x10_0000UL)]
    [InlineData(PciBarKind.Memory32, 0xFFFF_FFF8u, 0u, 0x10UL)]
    [InlineData(PciBarKind.Memory64, 0xFFFF_C00Cu, 0xFFFF_FFFFu, 0x4000UL)]
    [InlineData(PciBarKind.Memory64, 0x0000_000Cu, 0xFFFF_FFFEu, 0x2_0000_0000UL)]
    [InlineData(PciBarKind.Memory64, 0xFFF0_0004u, 0x0000_00FFu, 0x10_0000UL)] // 40-bit decoder: high address bits hard-wired 0
    [InlineData(PciBarKind.Io, 0x0000_FFE1u, 0u, 0x20UL)] // 16-bit decoder
    [InlineData(PciBarKind.Io, 0xFFFF_FF01u, 0u, 0x100UL)]
    [InlineData(PciBarKind.Memory32, 0x0000_0000u, 0u, 0UL)]
    [InlineData(PciBarKind.Memory64, 0x0000_0004u, 0u, 0UL)]
    public void Size_is_the_lowest_writable_address_bit(PciBarKind kind, uint maskLow, uint maskHigh, ulong size)
    {
        Assert.Equal(size, PciBarDecoder.DecodeSize(kind, maskLow, maskHigh));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(6)]
    public void Index_outside_0_to_5_is_a_caller_mistake(int index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PciBarDecoder.TryDecode(index, 0, 0, out _));
    }

    [Fact]
    public void Bar_index_6_is_the_expansion_rom_and_7_is_a_caller_mistake()
    {
        Assert.True(new PciBar(6, PciBarKind.Memory32, 0, 0x800, false).IsExpansionRom);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PciBar(7, PciBarKind.None, 0, 0, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PciBar(-1, PciBarKind.None, 0, 0, false));
    }

    [Fact]
    public void Text_reads_like_lspci()
    {
        var bar = new PciBar(0, PciBarKind.Memory64, 0xF000_0000, 0x10_0000, true);

        Assert.Equal("BAR0: Memory at 00000000f0000000 (64-bit, prefetchable) [size=0x100000]", bar.ToString());
        Assert.Equal("BAR3: not implemented", PciBar.NotImplemented(3).ToString());
    }
}
