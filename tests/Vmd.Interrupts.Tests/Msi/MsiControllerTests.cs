using System;
using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Interrupts.Msi;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Msi;

/// <summary>Programming a function's MSI capability: address width, multiple messages, per-vector masks.</summary>
public sealed class MsiControllerTests
{
    private const ushort Cap = 0x60;
    private const ushort MessageControl = Cap + MsiCapability.MessageControl;
    private static readonly PciAddress Child = new(0x10000, 0xE2, 0, 0);

    private static FakeConfigSpace WithMsi(ushort messageControl) => WithMsi(messageControl, out _);

    private static FakeConfigSpace WithMsi(ushort messageControl, out FakeFunction function)
    {
        var fake = new FakeConfigSpace();
        function = fake.Add(Child);
        function.WithCapabilityPointer((byte)Cap)
            .WithCapability(Cap, CapabilityId.Msi, 0)
            .Set16(MessageControl, messageControl)
            .SetWritable16(MessageControl, MsiCapability.Enable | MsiCapability.MultipleMessageEnableMask)
            .SetWritable32(Cap + 0x04, 0xFFFF_FFFC)
            .SetWritable32(Cap + 0x08, 0xFFFF_FFFF)
            .SetWritable32(Cap + 0x0C, 0xFFFF_FFFF)
            .SetWritable32(Cap + 0x10, 0xFFFF_FFFF);
        return fake;
    }

    private static MsiController ControllerOver(IConfigSpace config, FakeConfigSpace fake)
    {
        Assert.True(MsiCapabilityInfo.TryFind(fake, Child, out MsiCapabilityInfo info, out VmdError error), error.ToString());
        return new MsiController(config, Child, info);
    }

    [Fact]
    public void Sixty_four_bit_maskable_function_gets_four_messages_in_the_safe_order()
    {
        // 64-bit, per-vector masking, Multiple Message Capable = 8.
        FakeConfigSpace fake = WithMsi(0x0186);
        IConfigSpace config = ConfigSpy.Over(fake);
        MsiController msi = ControllerOver(config, fake);

        msi.Enable(new MsiMessage(0x1_FEE0_5000, 0x40), messageCount: 4);

        Received.InOrder(() =>
        {
            config.Read16(Child, MessageControl);
            config.Write16(Child, MessageControl, 0x0186);             // MSI off while programming
            config.Write32(Child, Cap + 0x10, 0xFFFF_FFFF);            // every vector masked
            config.Write32(Child, Cap + 0x04, 0xFEE0_5000);            // address
            config.Write32(Child, Cap + 0x08, 0x1);                    // upper address
            config.Write16(Child, Cap + 0x0C, 0x40);                   // data
            config.Read16(Child, MessageControl);
            config.Write16(Child, MessageControl, 0x0186 | 0x20 | 1);  // MME = log2(4), enable
            config.Write32(Child, Cap + 0x10, 0xFFFF_FFF0);            // the four enabled unmasked
        });
        Assert.Equal(4, msi.EnabledCount);
        Assert.True(MsiCapabilityInfo.TryRead(fake, Child, Cap, out MsiCapabilityInfo now, out _));
        Assert.Equal("MSI: Enable+ Count=4/8 Maskable+ 64bit+", now.ToString());
    }

    [Fact]
    public void Thirty_two_bit_function_gets_address_and_data_at_the_short_layout()
    {
        FakeConfigSpace fake = WithMsi(0x0000);
        IConfigSpace config = ConfigSpy.Over(fake);
        MsiController msi = ControllerOver(config, fake);

        msi.Enable(new MsiMessage(0xFEE0_3000, 0));

        Received.InOrder(() =>
        {
            config.Write32(Child, Cap + 0x04, 0xFEE0_3000);
            config.Write16(Child, Cap + 0x08, 0);
            config.Write16(Child, MessageControl, 0x0001);
        });
        config.DidNotReceive().Write32(Child, Cap + 0x08, Arg.Any<uint>());
        config.DidNotReceive().Write32(Child, Cap + 0x0C, Arg.Any<uint>());
        Assert.Equal(0xFEE0_3000u, fake.Read32(Child, Cap + 0x04));
        Assert.False(msi.TryMask(0)); // no per-vector masking
    }

    [Fact]
    public void Thirty_two_bit_function_refuses_a_high_address()
    {
        FakeConfigSpace fake = WithMsi(0x0000);
        MsiController msi = ControllerOver(fake, fake);

        Assert.Throws<ArgumentException>(() => msi.Enable(new MsiMessage(0x1_FEE0_0000, 0)));
        Assert.Equal(0, fake.Writes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(16)]
    public void Message_count_must_be_a_power_of_two_within_the_capability(int count)
    {
        FakeConfigSpace fake = WithMsi(0x0086); // 64-bit, 8 capable
        MsiController msi = ControllerOver(fake, fake);

        Assert.Throws<ArgumentOutOfRangeException>(() => msi.Enable(new MsiMessage(0xFEE0_0000, 0), count));
    }

    [Fact]
    public void Data_must_leave_the_message_number_bits_free()
    {
        FakeConfigSpace fake = WithMsi(0x0086);
        MsiController msi = ControllerOver(fake, fake);

        Assert.Throws<ArgumentException>(() => msi.Enable(new MsiMessage(0xFEE0_0000, 0x41), 2));
        Assert.Throws<ArgumentException>(() => msi.Enable(new MsiMessage(0xFEE0_0000, 0x1_0000), 1));
    }

    [Fact]
    public void Per_vector_mask_uses_the_32_bit_layout_offset()
    {
        // 32-bit, masking, 4 capable: Mask Bits at +0x0C.
        FakeConfigSpace fake = WithMsi(0x0104);
        MsiController msi = ControllerOver(fake, fake);
        msi.Enable(new MsiMessage(0xFEE0_0000, 0), 2);

        Assert.Equal(0xFFFF_FFFCu, fake.Read32(Child, Cap + 0x0C));
        Assert.True(msi.TryMask(1));
        Assert.Equal(0xFFFF_FFFEu, fake.Read32(Child, Cap + 0x0C));
        Assert.True(msi.TryUnmask(1));
        Assert.False(msi.TryMask(2)); // not enabled
    }

    [Fact]
    public void Pending_bits_are_read_for_enabled_messages_only()
    {
        FakeConfigSpace fake = WithMsi(0x0104, out FakeFunction function);
        MsiController msi = ControllerOver(fake, fake);
        msi.Enable(new MsiMessage(0xFEE0_0000, 0), 2);
        function.Set32(Cap + 0x10, 0b10); // Pending Bits are read-only: set as hardware would

        Assert.True(msi.TryReadPending(1, out bool one));
        Assert.True(one);
        Assert.False(msi.IsPending(0));
        Assert.True(msi.IsPending(1));
        Assert.False(msi.TryReadPending(2, out _));
    }

    [Fact]
    public void Disable_masks_and_clears_enable()
    {
        FakeConfigSpace fake = WithMsi(0x0184);
        MsiController msi = ControllerOver(fake, fake);
        msi.Enable(new MsiMessage(0xFEE0_0000, 0), 4);

        msi.Disable();

        Assert.Equal(0, msi.EnabledCount);
        Assert.Equal(0x0184, fake.Read16(Child, MessageControl));
        Assert.Equal(0xFFFF_FFFFu, fake.Read32(Child, Cap + 0x10));
    }

    [Theory]
    [InlineData(0x000C)] // Multiple Message Capable 6: reserved
    [InlineData(0x000E)] // 7: reserved
    public void Reserved_multiple_message_capable_is_malformed(ushort messageControl)
    {
        Assert.False(MsiCapabilityInfo.TryDecode(Cap, messageControl, out _, out VmdError error));
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void All_ones_message_control_is_a_vanished_function()
    {
        Assert.False(MsiCapabilityInfo.TryDecode(Cap, 0xFFFF, out _, out VmdError error));
        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void Capability_that_runs_past_the_standard_space_is_malformed()
    {
        // 64-bit with masking needs 0x18 bytes: at 0xF0 it would end at 0x107.
        Assert.False(MsiCapabilityInfo.TryDecode(0xF0, 0x0180, out _, out VmdError error));
        Assert.Equal(VmdError.Malformed, error);
        Assert.True(MsiCapabilityInfo.TryDecode(0xF4, 0x0000, out MsiCapabilityInfo small, out _));
        Assert.Equal(0x0A, small.Length);
    }
}
