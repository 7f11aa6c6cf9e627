using System;
using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Interrupts.Msix;
using Vmd.Interrupts.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Msix;

/// <summary>Programming a function's MSI-X table in the safe order.</summary>
public sealed class MsixControllerTests
{
    private const ushort Cap = 0x50;
    private const ushort MessageControl = Cap + MsixCapability.MessageControl;
    private const int Entries = 4;
    private const int PbaOffset = 0x800;
    private static readonly PciAddress Child = new(0x10000, 0xE1, 0, 0);

    private readonly FakeConfigSpace _fake = new();
    private readonly FakeMmioRegion _bar = new(0x1000);

    public MsixControllerTests()
    {
        _fake.Add(Child).WithCapabilityPointer((byte)Cap)
            .WithCapability(Cap, CapabilityId.MsiX, 0)
            .Set16(MessageControl, Entries - 1)
            .SetWritable16(MessageControl, MsixCapability.Enable | MsixCapability.FunctionMask)
            .Set32(Cap + MsixCapability.TableOffset, 0x0000_0000)
            .Set32(Cap + MsixCapability.PbaOffset, PbaOffset);
    }

    private MsixController Over(IConfigSpace config, IMmioRegion bar) =>
        new(config, Child, Cap, Entries, bar, 0, bar, PbaOffset);

    [Fact]
    public void Entry_is_masked_then_address_low_high_data_then_unmasked()
    {
        IMmioRegion spy = MmioSpy.Over(_bar);
        MsixController msix = Over(_fake, spy);
        msix.Enable();
        spy.ClearReceivedCalls();

        msix.ProgramEntry(2, new MsiMessage(0x1_FEE0_3000, 0x41));

        Received.InOrder(() =>
        {
            spy.Write32(0x2C, 1);           // entry 2 Vector Control: Mask
            spy.Write32(0x20, 0xFEE0_3000); // Message Address
            spy.Write32(0x24, 0x1);         // Message Upper Address
            spy.Write32(0x28, 0x41);        // Message Data
            spy.Write32(0x2C, 0);           // unmask last
        });
        spy.ReceivedWithAnyArgs(5).Write32(default, default);
        Assert.Equal(new MsiMessage(0x1_FEE0_3000, 0x41), msix.ReadEntry(2));
        Assert.False(msix.IsEntryMasked(2));
    }

    [Fact]
    public void Entry_can_be_left_masked()
    {
        MsixController msix = Over(_fake, _bar);
        msix.Enable();

        msix.ProgramEntry(1, new MsiMessage(0xFEE0_1000, 0), unmask: false);

        Assert.Equal(1u, _bar.Get32(0x1C));
        Assert.True(msix.IsEntryMasked(1));
    }

    [Fact]
    public void Enable_sets_function_mask_with_enable_before_touching_the_table_then_masks_every_entry()
    {
        IConfigSpace config = ConfigSpy.Over(_fake);
        IMmioRegion spy = MmioSpy.Over(_bar);
        MsixController msix = Over(config, spy);

        msix.Enable();
        msix.ClearFunctionMask();

        Received.InOrder(() =>
        {
            config.Read16(Child, MessageControl);
            config.Write16(Child, MessageControl, 0xC003); // Enable + Function Mask in one write, table size kept
            spy.Write32(0x0C, 1);
            spy.Write32(0x1C, 1);
            spy.Write32(0x2C, 1);
            spy.Write32(0x3C, 1);
            config.Read16(Child, MessageControl);
            config.Write16(Child, MessageControl, 0x8003); // Function Mask cleared last
        });
        Assert.True(msix.TryReadCapability(out MsixCapabilityInfo info, out _));
        Assert.True(info.Enabled);
        Assert.False(info.FunctionMasked);
    }

    [Fact]
    public void Vector_control_reserved_bits_survive_mask_and_unmask()
    {
        _bar.Set32(0x0C, 0x0001_0000);
        MsixController msix = Over(_fake, _bar);

        msix.Enable();
        Assert.Equal(0x0001_0001u, _bar.Get32(0x0C));
        Assert.True(msix.TryUnmaskEntry(0));
        Assert.Equal(0x0001_0000u, _bar.Get32(0x0C));
        Assert.True(msix.TryMaskEntry(0));
        Assert.Equal(0x0001_0001u, _bar.Get32(0x0C));
    }

    [Fact]
    public void Disable_masks_the_function_and_every_entry_before_clearing_enable()
    {
        IConfigSpace config = ConfigSpy.Over(_fake);
        IMmioRegion spy = MmioSpy.Over(_bar);
        MsixController msix = Over(config, spy);
        msix.Enable();
        msix.ProgramEntry(0, new MsiMessage(0xFEE0_0000, 0));
        msix.ClearFunctionMask();
        config.ClearReceivedCalls();
        spy.ClearReceivedCalls();

        msix.Disable();

        Received.InOrder(() =>
        {
            config.Write16(Child, MessageControl, 0xC003);
            spy.Write32(0x0C, 1);
            spy.Write32(0x1C, 1);
            spy.Write32(0x2C, 1);
            spy.Write32(0x3C, 1);
            config.Write16(Child, MessageControl, 0x4003);
        });
    }

    [Fact]
    public void Bad_index_throws_outside_the_interrupt_path_and_returns_false_on_it()
    {
        MsixController msix = Over(_fake, _bar);
        msix.Enable();
        int writes = _bar.Writes;

        Assert.Throws<ArgumentOutOfRangeException>(() => msix.ProgramEntry(Entries, new MsiMessage(0xFEE0_0000, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => msix.ProgramEntry(-1, new MsiMessage(0xFEE0_0000, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => msix.ReadEntry(Entries));
        Assert.False(msix.TryMaskEntry(Entries));
        Assert.False(msix.TryUnmaskEntry(-1));
        Assert.False(msix.TryReadPending(Entries, out bool pending));
        Assert.False(pending);
        Assert.False(msix.IsPending(uint.MaxValue));
        Assert.Equal(writes, _bar.Writes);
    }

    [Fact]
    public void Misaligned_message_address_is_refused()
    {
        MsixController msix = Over(_fake, _bar);

        Assert.Throws<ArgumentException>(() => msix.ProgramEntry(0, new MsiMessage(0xFEE0_0002, 0)));
    }

    [Fact]
    public void Pending_bits_are_read_from_the_pba()
    {
        _bar.Set32(PbaOffset, 0b1010);
        MsixController msix = Over(_fake, _bar);

        Assert.True(msix.TryReadPending(1, out bool one));
        Assert.True(msix.TryReadPending(2, out bool two));
        Assert.True(one);
        Assert.False(two);
        Assert.True(msix.IsPending(3));
        Assert.False(msix.IsPending(0));
    }

    [Fact]
    public void Pending_bit_of_a_high_entry_is_in_a_later_dword()
    {
        var bar = new FakeMmioRegion(0x2000);
        bar.Set32(0x1000 + 4, 1u << 1); // entry 33
        var msix = new MsixController(_fake, Child, Cap, 40, bar, 0, bar, 0x1000);

        Assert.True(msix.IsPending(33));
        Assert.False(msix.IsPending(1));
    }

    [Fact]
    public void Region_too_small_for_the_table_or_pba_is_a_caller_mistake()
    {
        var small = new FakeMmioRegion(0x40);

        Assert.Throws<ArgumentException>(() => new MsixController(_fake, Child, Cap, 8, small, 0, _bar, PbaOffset));
        Assert.Throws<ArgumentException>(() => new MsixController(_fake, Child, Cap, 4, _bar, 0, small, 0x40));
        Assert.Throws<ArgumentException>(() => new MsixController(_fake, Child, Cap, 4, _bar, 4, _bar, PbaOffset));
    }

    [Fact]
    public void One_bar_constructor_uses_the_capability_offsets()
    {
        Assert.True(MsixCapabilityInfo.TryRead(_fake, Child, Cap, out MsixCapabilityInfo info));
        _bar.Set32(PbaOffset, 1);

        var msix = new MsixController(_fake, Child, Cap, info, _bar);

        Assert.Equal(Entries, msix.TableSize);
        Assert.True(msix.IsPending(0));
    }
}
