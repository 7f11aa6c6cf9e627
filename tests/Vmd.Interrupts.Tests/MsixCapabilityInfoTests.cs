using System;
using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests;

/// <summary>Reading and decoding the MSI-X capability.</summary>
public sealed class MsixCapabilityInfoTests
{
    private static readonly PciAddress Function = new(0x10000, 0xE1, 0, 0);

    private static FakeConfigSpace NvmeWithMsix(ushort messageControl, uint table, uint pba)
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, 0x50)
            .WithCapability(0x50, CapabilityId.MsiX, 0x70)
            .WithCapability(0x70, CapabilityId.PciExpress, 0x00)
            .Set16(0x50 + MsixCapability.MessageControl, messageControl)
            .Set32(0x50 + MsixCapability.TableOffset, table)
            .Set32(0x50 + MsixCapability.PbaOffset, pba);
        return fake;
    }

    [Fact]
    public void Vmd_endpoint_layout_decodes_as_lspci_shows_it()
    {
        // The VMD's own MSI-X: 19 vectors, table at MEMBAR2 (BAR 4) + 0, PBA at + 0x1000.
        Assert.True(MsixCapabilityInfo.TryDecode(0x0012, 0x0000_0004, 0x0000_1004, out MsixCapabilityInfo info, out VmdError error));

        Assert.Equal(VmdError.None, error);
        Assert.Equal(19, info.TableSize);
        Assert.Equal(4, info.TableBir);
        Assert.Equal(0u, info.TableOffset);
        Assert.Equal(4, info.PbaBir);
        Assert.Equal(0x1000u, info.PbaOffset);
        Assert.False(info.Enabled);
        Assert.False(info.FunctionMasked);
        Assert.Equal("MSI-X: Enable- Count=19 Masked- Vector table: BAR=4 offset=00000000 PBA: BAR=4 offset=00001000", info.ToString());
    }

    [Theory]
    [InlineData(0x8000, true, false)]
    [InlineData(0x4000, false, true)]
    [InlineData(0xC000, true, true)]
    public void Enable_and_function_mask_bits_are_decoded(ushort messageControl, bool enabled, bool masked)
    {
        Assert.True(MsixCapabilityInfo.TryDecode(messageControl, 0, 0x800, out MsixCapabilityInfo info, out _));

        Assert.Equal(enabled, info.Enabled);
        Assert.Equal(masked, info.FunctionMasked);
        Assert.Equal(1, info.TableSize);
    }

    [Fact]
    public void Largest_table_has_2048_entries_and_offsets_drop_the_bir_bits()
    {
        Assert.True(MsixCapabilityInfo.TryDecode(0x07FF, 0x0000_2005, 0x0000_3003, out MsixCapabilityInfo info, out _));

        Assert.Equal(2048, info.TableSize);
        Assert.Equal(5, info.TableBir);
        Assert.Equal(0x2000u, info.TableOffset);
        Assert.Equal(3, info.PbaBir);
        Assert.Equal(0x3000u, info.PbaOffset);
    }

    [Theory]
    [InlineData(0x0000_2006u, 0x0000_3000u)]
    [InlineData(0x0000_2000u, 0x0000_3007u)]
    public void Reserved_bir_is_malformed(uint table, uint pba)
    {
        Assert.False(MsixCapabilityInfo.TryDecode(0x0003, table, pba, out MsixCapabilityInfo info, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
        Assert.Equal(default, info);
    }

    [Fact]
    public void Try_read_uses_one_access_of_each_register_width_and_never_writes()
    {
        IConfigSpace config = ConfigSpy.Over(NvmeWithMsix(0x8012, 0x0000_0004, 0x0000_1004));

        Assert.True(MsixCapabilityInfo.TryRead(config, Function, 0x50, out MsixCapabilityInfo info));

        Assert.Equal(19, info.TableSize);
        Assert.True(info.Enabled);
        Received.InOrder(() =>
        {
            config.Read16(Function, 0x52);
            config.Read32(Function, 0x54);
            config.Read32(Function, 0x58);
        });
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
    }

    [Fact]
    public void Try_find_walks_to_the_capability_and_reads_it()
    {
        FakeConfigSpace fake = NvmeWithMsix(0x001F, 0x0000_2000, 0x0000_3000);

        Assert.True(MsixCapabilityInfo.TryFind(fake, Function, out MsixCapabilityInfo info, out ushort offset));

        Assert.Equal(0x50, offset);
        Assert.Equal(32, info.TableSize);
        Assert.Equal(0, info.TableBir);
        Assert.Equal(0x2000u, info.TableOffset);
    }

    [Fact]
    public void Function_without_msix_is_not_found_without_error()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40).WithCapability(0x40, CapabilityId.Msi, 0);

        Assert.False(MsixCapabilityInfo.TryFind(fake, Function, out _, out ushort offset, out VmdError error));

        Assert.Equal(0, offset);
        Assert.Equal(VmdError.None, error);
    }

    [Fact]
    public void Cyclic_list_before_msix_is_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, 0x50)
            .WithCapability(0x50, CapabilityId.PciExpress, 0x40);

        Assert.False(MsixCapabilityInfo.TryFind(fake, Function, out _, out _, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Vanished_function_is_all_ones()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).Vanished = true;

        Assert.False(MsixCapabilityInfo.TryRead(fake, Function, 0x50, out _, out VmdError error));

        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void Capability_running_past_the_standard_space_is_malformed_and_not_read()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();

        Assert.False(MsixCapabilityInfo.TryRead(config, Function, 0xF8, out _, out VmdError error));

        Assert.Equal(VmdError.Malformed, error);
        Assert.Empty(config.ReceivedCalls());
    }

    [Theory]
    [InlineData(0x3C)]
    [InlineData(0x52)]
    [InlineData(0x100)]
    public void Offset_that_no_capability_walk_returns_is_a_caller_mistake(int offset)
    {
        var fake = new FakeConfigSpace();

        Assert.Throws<ArgumentOutOfRangeException>(() => MsixCapabilityInfo.TryRead(fake, Function, (ushort)offset, out _));
    }
}
