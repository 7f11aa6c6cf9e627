using System;

namespace Vmd.Abstractions.Tests;

public sealed class PciAddressTests
{
    [Theory]
    [InlineData("10000:e1:00.0", 0x10000u, 0xe1, 0, 0)]
    [InlineData("0000:00:0e.0", 0u, 0x00, 0x0e, 0)]
    [InlineData("5d0505:01:00.0", 0x5d0505u, 0x01, 0, 0)]
    [InlineData("ffffffff:ff:1f.7", 0xffffffffu, 0xff, 0x1f, 7)]
    [InlineData("00:1c.4", 0u, 0x00, 0x1c, 4)]
    [InlineData("10001:E0:1D.0", 0x10001u, 0xe0, 0x1d, 0)]
    public void Parses_lspci_text(string text, uint segment, int bus, int device, int function)
    {
        PciAddress address = PciAddress.Parse(text);

        Assert.Equal(segment, address.Segment);
        Assert.Equal(bus, address.Bus);
        Assert.Equal(device, address.Device);
        Assert.Equal(function, address.Function);
    }

    [Theory]
    [InlineData(0x10000u, 0xe1, 0, 0, "10000:e1:00.0")]
    [InlineData(0u, 0, 0x0e, 0, "0000:00:0e.0")]
    [InlineData(0x5d0505u, 1, 0, 0, "5d0505:01:00.0")]
    [InlineData(0x1u, 0xab, 0x1f, 7, "0001:ab:1f.7")]
    public void Formats_as_lspci_prints(uint segment, int bus, int device, int function, string expected)
    {
        var address = new PciAddress(segment, (byte)bus, device, function);

        Assert.Equal(expected, address.ToString());
        Span<char> buffer = stackalloc char[PciAddress.MaxFormattedLength];
        Assert.True(address.TryFormat(buffer, out int written));
        Assert.Equal(expected, new string(buffer[..written]));
        Assert.Equal(address, PciAddress.Parse(expected));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("10000:e1:00", "no '.'")]
    [InlineData("10000e1.0", "no ':'")]
    [InlineData("100:e1:00.0", "segment '100'")]
    [InlineData("123456789:e1:00.0", "segment '123456789'")]
    [InlineData("10000:1e1:00.0", "bus '1e1'")]
    [InlineData("10000:e1:20.0", "device '20'")]
    [InlineData("10000:e1:00.8", "function '8'")]
    [InlineData("10000:zz:00.0", "bus 'zz'")]
    [InlineData("10000:e1:00.", "function ''")]
    public void Rejects_malformed_text_naming_the_part(string text, string named)
    {
        FormatException error = Assert.Throws<FormatException>(() => PciAddress.Parse(text));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("ssss:bb:dd.f", error.Message, StringComparison.Ordinal);
        Assert.False(PciAddress.TryParse(text, out _));
    }

    [Fact]
    public void Orders_by_segment_then_bus_device_function()
    {
        var a = PciAddress.Parse("0000:ff:1f.7");
        var b = PciAddress.Parse("10000:00:00.0");
        var c = PciAddress.Parse("10000:00:00.1");

        Assert.True(a < b);
        Assert.True(b < c);
        Assert.NotEqual(b, c);
        Assert.Equal(b, c.WithFunction(0));
    }

    [Fact]
    public void Constructor_rejects_device_and_function_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PciAddress(0, 0, 32, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PciAddress(0, 0, 0, 8));
    }

    [Fact]
    public void Formatting_allocates_nothing()
    {
        var address = new PciAddress(0x10000, 0xe1, 0, 0);
        Span<char> buffer = stackalloc char[PciAddress.MaxFormattedLength];
        address.TryFormat(buffer, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            address.TryFormat(buffer, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
