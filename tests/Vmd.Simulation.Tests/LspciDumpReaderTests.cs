using System;
using System.IO;
using System.Text;
using Vmd.Simulation.Dumps.Import;

namespace Vmd.Simulation.Tests;

public sealed class LspciDumpReaderTests
{
    private const string Header = "0000:00:1f.3 Audio device: Intel Corporation Device a0c8 (rev 20)";

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A function's hex lines for <paramref name="length"/> bytes, byte i holding (i + seed) &amp; 0xff.</summary>
    internal static string HexLines(int length, int seed = 0)
    {
        var text = new StringBuilder();
        for (int offset = 0; offset < length; offset += 16)
        {
            text.Append(offset < 0x100 ? offset.ToString("x2") : offset.ToString("x3")).Append(':');
            for (int i = 0; i < 16; i++)
            {
                text.Append(' ').Append(((offset + i + seed) & 0xFF).ToString("x2"));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static DumpFormatException Fails(string text) => Assert.Throws<DumpFormatException>(() => LspciDumpReader.Parse(text));

    [Fact]
    public void Reads_the_shared_64_byte_fixture_with_its_comments()
    {
        DumpFile dump = LspciDumpReader.ReadFile(FixturePath("201d-rootport-10000-00-00.0.lspci"));

        DumpFunction function = Assert.Single(dump.Functions);
        Assert.Equal(new PciAddress(0x10000, 0, 0, 0), function.Address);
        Assert.Equal(64, function.Length);
        Assert.Equal(0x8086, function.VendorId);
        Assert.Equal(0x2030, function.DeviceId);
        Assert.Equal(0x060400u, function.ClassCode);
        Assert.StartsWith("PCI bridge: Intel Corporation Sky Lake-E", function.Description);
        Assert.Equal(4, function.LineNumber);
        byte[] expected = TestHelpers.ParseLspciHex(File.ReadAllText(FixturePath("201d-rootport-10000-00-00.0.lspci")));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(function.Bytes));
    }

    [Fact]
    public void Truncated_dumps_read_zero_past_their_end()
    {
        DumpFile dump = LspciDumpReader.Parse(Header + "\n" + HexLines(64, seed: 1) + "0000:00:1f.4 SMBus\n" + HexLines(256, seed: 2));

        Assert.Equal(64, dump.Functions[0].Length);
        Assert.Equal(256, dump.Functions[1].Length);
        Assert.Equal(0u, dump.Functions[0].Read32(0x40));
        Assert.Equal(0u, dump.Functions[1].Read32(0x100));
        Assert.Equal(0x4342_4140u + 0x0202_0202u, dump.Functions[1].Read32(0x40));
        Assert.False(dump.Functions[0].Covers(0x40, 4));
        Assert.True(dump.Functions[1].Covers(0xFC, 4));
    }

    [Fact]
    public void Reads_a_full_4096_byte_dump_with_three_digit_offsets()
    {
        DumpFile dump = LspciDumpReader.Parse("10000:e1:00.0 Non-Volatile memory controller: X\n" + HexLines(4096));

        DumpFunction function = Assert.Single(dump.Functions);
        Assert.Equal(4096, function.Length);
        Assert.Equal(0xFF, function.Read8(0xFFF));
        Assert.Equal(0x00, function.Read8(0x100));
    }

    [Theory]
    [InlineData("00:1f.3 Audio", 0u, 0x00, 0x1F, 3)]
    [InlineData("0000:00:1f.3 Audio", 0u, 0x00, 0x1F, 3)]
    [InlineData("10000:e0:06.0 PCI bridge", 0x10000u, 0xE0, 0x06, 0)]
    [InlineData("10001:e1:00.0 NVMe", 0x10001u, 0xE1, 0x00, 0)]
    [InlineData("ffffffff:ff:1f.7 x", 0xFFFF_FFFFu, 0xFF, 0x1F, 7)]
    [InlineData("0001:02:00.1", 1u, 0x02, 0x00, 1)]
    public void Header_lines_with_and_without_a_domain(string header, uint segment, int bus, int device, int function)
    {
        DumpFile dump = LspciDumpReader.Parse(header + "\n" + HexLines(64));

        Assert.Equal(new PciAddress(segment, (byte)bus, device, function), dump.Functions[0].Address);
    }

    [Fact]
    public void Decode_lines_give_bar_and_rom_sizes()
    {
        string text = Header + "\n"
            + "\tSubsystem: Dell Device 0a1f\n"
            + "\tRegion 0: Memory at 6000000000 (64-bit, non-prefetchable) [size=32M]\n"
            + "\tRegion 2: Memory at 50000000 (32-bit, prefetchable) [virtual] [size=16K]\n"
            + "\tRegion 3: Memory at <unassigned> (32-bit, non-prefetchable) [disabled] [size=4G]\n"
            + "\tRegion 4: I/O ports at 3000 [size=64]\n"
            + "\tRegion 5: Memory at a1000000 (32-bit, non-prefetchable) [disabled]\n"
            + "\tExpansion ROM at a1100000 [disabled] [size=64K]\n"
            + "\tCapabilities: [80] MSI-X: Enable+ Count=19 Masked-\n"
            + "\t\tVector table: BAR=4 offset=00000000\n"
            + "\tKernel driver in use: vmd\n"
            + HexLines(64);

        DumpFunction function = LspciDumpReader.Parse(text).Functions[0];

        Assert.Equal(32UL << 20, function.GetRegionSize(0));
        Assert.Null(function.GetRegionSize(1));
        Assert.Equal(16UL << 10, function.GetRegionSize(2));
        Assert.Equal(4UL << 30, function.GetRegionSize(3));
        Assert.Equal(64UL, function.GetRegionSize(4));
        Assert.Null(function.GetRegionSize(5));
        Assert.Equal(64UL << 10, function.ExpansionRomSize);
    }

    [Fact]
    public void The_hand_written_client_dump_parses_with_its_decoded_sizes()
    {
        DumpFile dump = LspciDumpReader.Parse(DumpMachineTexts.TigerLakeClient);

        Assert.Equal(4, dump.Functions.Count);
        DumpFunction vmd = dump.Find(new PciAddress(0, 0, 0x0E, 0))!;
        Assert.Equal(256, vmd.Length);
        Assert.Equal(32UL << 20, vmd.GetRegionSize(0));
        Assert.Equal(32UL << 20, vmd.GetRegionSize(2));
        Assert.Equal(1UL << 20, vmd.GetRegionSize(4));
        Assert.Equal(16UL << 10, dump.Find(new PciAddress(0x10000, 0xE1, 0, 0))!.GetRegionSize(0));
        Assert.Null(dump.Find(new PciAddress(0x10000, 0xE0, 6, 0))!.GetRegionSize(0));
    }

    [Fact]
    public void Blank_lines_comments_and_crlf_are_accepted()
    {
        string text = "# captured with lspci -D -x\r\n\r\n" + Header + "\r\n" + HexLines(64).Replace("\n", "\r\n") + "\r\n";

        Assert.Single(LspciDumpReader.Parse(text).Functions);
    }

    [Fact]
    public void Empty_text_is_an_empty_dump()
    {
        Assert.Empty(LspciDumpReader.Parse(string.Empty).Functions);
    }

    [Fact]
    public void A_hex_line_before_any_header_names_line_and_expectation()
    {
        DumpFormatException e = Fails("# comment\n00: 86 80 30 20 06 00 10 00 04 00 04 06 00 00 01 00\n");

        Assert.Equal(2, e.LineNumber);
        Assert.StartsWith("line 2: '00: 86 80 30 20", e.Message);
        Assert.Contains("before any function header", e.Message);
    }

    [Fact]
    public void A_bad_offset_column_is_not_a_hex_dump_line()
    {
        string text = Header + "\n" + HexLines(64).Replace("00: 00 01", "0g: 00 01");

        DumpFormatException e = Fails(text);

        Assert.Equal(2, e.LineNumber);
        Assert.StartsWith("line 2: '0g: 00 01", e.Message);
        Assert.Contains("is not a hex dump line; expected 'XX: ' followed by 16 hex bytes", e.Message);
    }

    [Fact]
    public void A_non_hex_byte_names_the_byte()
    {
        string text = Header + "\n" + HexLines(64).Replace("10: 10 11 12", "10: 10 zz 12");

        DumpFormatException e = Fails(text);

        Assert.Equal(3, e.LineNumber);
        Assert.Contains("'zz' where byte 1 should be", e.Message);
        Assert.Contains("expected 'XX: ' followed by 16 hex bytes", e.Message);
    }

    [Fact]
    public void A_short_hex_line_is_refused()
    {
        string text = Header + "\n" + HexLines(64).Replace(" 2e 2f\n", " 2e\n");

        DumpFormatException e = Fails(text);

        Assert.Equal(4, e.LineNumber);
        Assert.Contains("has 15 bytes", e.Message);
    }

    [Fact]
    public void A_long_hex_line_is_refused()
    {
        string text = Header + "\n" + HexLines(64).Replace(" 2e 2f\n", " 2e 2f 30\n");

        Assert.Contains("more than 16 bytes", Fails(text).Message);
    }

    [Fact]
    public void Offsets_out_of_order_name_the_expected_offset()
    {
        string lines = HexLines(64);
        string text = Header + "\n" + lines.Replace("20: ", "30: ");

        DumpFormatException e = Fails(text);

        Assert.Equal(4, e.LineNumber);
        Assert.Contains("offset 30 out of order; expected offset 20", e.Message);
    }

    [Fact]
    public void A_repeated_address_names_both_lines()
    {
        string text = Header + "\n" + HexLines(64) + "00:1f.3 Audio again\n" + HexLines(64);

        DumpFormatException e = Fails(text);

        Assert.Equal(6, e.LineNumber);
        Assert.Contains("repeats function 0000:00:1f.3 (first dumped on line 1)", e.Message);
    }

    [Fact]
    public void A_function_with_fewer_than_64_bytes_is_refused_at_its_header()
    {
        string text = Header + "\n" + HexLines(48) + "0000:00:1f.4 SMBus\n" + HexLines(64);

        DumpFormatException e = Fails(text);

        Assert.Equal(1, e.LineNumber);
        Assert.Contains("only 48 bytes; expected at least 64 bytes", e.Message);
    }

    [Fact]
    public void A_header_without_hex_lines_is_refused()
    {
        DumpFormatException e = Fails(Header + "\n");

        Assert.Equal(1, e.LineNumber);
        Assert.Contains("no hex lines", e.Message);
    }

    [Fact]
    public void Text_that_is_neither_header_nor_hex_is_refused()
    {
        DumpFormatException e = Fails("pcilib: Cannot open /proc/bus/pci\n" + Header + "\n" + HexLines(64));

        Assert.Equal(1, e.LineNumber);
        Assert.Contains("is not a function header", e.Message);
    }

    [Fact]
    public void A_malformed_size_is_refused()
    {
        string text = Header + "\n\tRegion 0: Memory at 50000000 (64-bit, non-prefetchable) [size=16Q]\n" + HexLines(64);

        DumpFormatException e = Fails(text);

        Assert.Equal(2, e.LineNumber);
        Assert.Contains("malformed size", e.Message);
    }

    [Fact]
    public void A_region_line_after_the_hex_lines_is_refused()
    {
        string text = Header + "\n" + HexLines(64) + "\tRegion 0: Memory at 50000000 (64-bit, non-prefetchable) [size=16K]\n";

        DumpFormatException e = Fails(text);

        Assert.Equal(6, e.LineNumber);
        Assert.Contains("after the hex lines", e.Message);
    }

    [Fact]
    public void More_than_4096_bytes_is_refused()
    {
        string text = Header + "\n" + HexLines(4096) + "1000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n";

        DumpFormatException e = Fails(text);

        Assert.Equal(258, e.LineNumber);
    }

    [Theory]
    [InlineData("64", 64UL)]
    [InlineData("16K", 16UL << 10)]
    [InlineData("32M", 32UL << 20)]
    [InlineData("4G", 4UL << 30)]
    [InlineData("1T", 1UL << 40)]
    public void Sizes_read_as_lspci_prints_them(string text, ulong expected)
    {
        Assert.True(LspciDumpReader.TryParseSize(text, out ulong size));
        Assert.Equal(expected, size);
    }
}
