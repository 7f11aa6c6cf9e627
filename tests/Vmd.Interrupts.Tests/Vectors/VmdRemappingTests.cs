using System;
using Vmd.Interrupts.Vectors;

namespace Vmd.Interrupts.Tests.Vectors;

/// <summary>The remapped child message (hardware digest §8.1).</summary>
public sealed class VmdRemappingTests
{
    [Theory]
    [InlineData(0, 0xFEE0_0000u)]
    [InlineData(1, 0xFEE0_1000u)]
    [InlineData(18, 0xFEE1_2000u)]
    [InlineData(255, 0xFEEF_F000u)]
    public void Index_goes_into_address_bits_19_to_12_with_data_0(int index, uint address)
    {
        MsiMessage message = VmdRemapping.ChildMessage(index);

        Assert.Equal(address, message.Address);
        Assert.Equal(0u, message.Data);
        Assert.True(VmdRemapping.TryGetVectorIndex(message, out int back));
        Assert.Equal(index, back);
    }

    [Fact]
    public void Index_beyond_the_destination_field_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VmdRemapping.ChildMessage(256));
        Assert.Throws<ArgumentOutOfRangeException>(() => VmdRemapping.ChildMessage(-1));
    }

    [Theory]
    [InlineData(0xFEE0_1004ul, 0u)]  // other address bits
    [InlineData(0xFEE0_1000ul, 0x41u)] // data set: a host message
    [InlineData(0x1_FEE0_1000ul, 0u)] // upper address set
    [InlineData(0xFED0_1000ul, 0u)]  // outside the MSI window
    public void Other_messages_are_not_remapped_ones(ulong address, uint data)
    {
        Assert.False(VmdRemapping.TryGetVectorIndex(new MsiMessage(address, data), out _));
    }
}
