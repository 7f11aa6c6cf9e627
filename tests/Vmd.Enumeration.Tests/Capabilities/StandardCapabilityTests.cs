using System;
using System.Collections.Generic;
using NSubstitute;
using Vmd.Enumeration.Capabilities;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Capabilities;

/// <summary>Walking the standard capability list: order, end, and every way hardware can break it.</summary>
public sealed class StandardCapabilityTests
{
    private static readonly PciAddress Function = new(0x10000, 0xE1, 0, 0);

    private static (List<CapabilityEntry> Entries, VmdError Error) Walk(IConfigSpace config)
    {
        var entries = new List<CapabilityEntry>();
        StandardCapabilityEnumerator walk = CapabilityWalker.EnumerateStandard(config, Function);
        while (walk.MoveNext())
        {
            entries.Add(walk.Current);
        }

        return (entries, walk.Error);
    }

    private static FakeConfigSpace NvmeLike(out FakeFunction function)
    {
        var fake = new FakeConfigSpace();
        function = fake.Add(Function).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, 0x50)
            .WithCapability(0x50, CapabilityId.Msi, 0x70)
            .WithCapability(0x70, CapabilityId.PciExpress, 0xB0)
            .WithCapability(0xB0, CapabilityId.MsiX, 0x00);
        return fake;
    }

    [Fact]
    public void List_is_walked_in_pointer_order_and_ends_without_error()
    {
        var (entries, error) = Walk(NvmeLike(out _));

        Assert.Equal(VmdError.None, error);
        Assert.Equal(
            new[]
            {
                new CapabilityEntry(0x40, CapabilityId.PowerManagement),
                new CapabilityEntry(0x50, CapabilityId.Msi),
                new CapabilityEntry(0x70, CapabilityId.PciExpress),
                new CapabilityEntry(0xB0, CapabilityId.MsiX),
            },
            entries);
    }

    [Fact]
    public void Foreach_walks_the_same_list()
    {
        var ids = new List<CapabilityId>();
        foreach (CapabilityEntry entry in CapabilityWalker.EnumerateStandard(NvmeLike(out _), Function))
        {
            ids.Add(entry.Id);
        }

        Assert.Equal(new[] { CapabilityId.PowerManagement, CapabilityId.Msi, CapabilityId.PciExpress, CapabilityId.MsiX }, ids);
    }

    [Fact]
    public void Without_status_bit_4_the_pointer_is_not_read_and_the_list_is_empty()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).Set8(PciHeader.CapabilitiesPointer, 0x40).WithCapability(0x40, CapabilityId.MsiX, 0);
        IConfigSpace config = ConfigSpy.Over(fake);

        var (entries, error) = Walk(config);

        Assert.Empty(entries);
        Assert.Equal(VmdError.None, error);
        config.DidNotReceive().Read8(Function, PciHeader.CapabilitiesPointer);
    }

    [Fact]
    public void Reserved_low_pointer_bits_are_masked()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x43)
            .WithCapability(0x40, CapabilityId.PciExpress, 0x52)
            .WithCapability(0x50, CapabilityId.MsiX, 0x00);

        var (entries, error) = Walk(fake);

        Assert.Equal(VmdError.None, error);
        Assert.Equal(new ushort[] { 0x40, 0x50 }, entries.ConvertAll(e => e.Offset));
    }

    [Fact]
    public void Capability_pointing_to_itself_is_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40).WithCapability(0x40, CapabilityId.PowerManagement, 0x40);

        var (entries, error) = Walk(fake);

        Assert.Single(entries);
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Two_entry_loop_is_malformed_after_each_entry_once()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, 0x50)
            .WithCapability(0x50, CapabilityId.PciExpress, 0x40);

        var (entries, error) = Walk(fake);

        Assert.Equal(new ushort[] { 0x40, 0x50 }, entries.ConvertAll(e => e.Offset));
        Assert.Equal(VmdError.Malformed, error);
    }

    [Theory]
    [InlineData(0x00, 0x3C)] // first pointer into the header
    [InlineData(0x00, 0x04)]
    [InlineData(0x01, 0x10)] // a next pointer into the header, after one good entry
    public void Pointer_into_the_header_is_malformed(int goodEntries, byte badPointer)
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function);
        if (goodEntries == 0)
        {
            function.WithCapabilityPointer(badPointer);
        }
        else
        {
            function.WithCapabilityPointer(0x40).WithCapability(0x40, CapabilityId.MsiX, badPointer);
        }

        var (entries, error) = Walk(fake);

        Assert.Equal(goodEntries, entries.Count);
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Chain_of_48_entries_is_walked_to_its_end()
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function).WithCapabilityPointer(0x40);
        for (int offset = 0x40; offset <= 0xFC; offset += 4)
        {
            function.WithCapability(offset, CapabilityId.VendorSpecific, offset == 0xFC ? (byte)0 : (byte)(offset + 4));
        }

        var (entries, error) = Walk(fake);

        Assert.Equal(CapabilityHeader.MaxStandardEntries, entries.Count);
        Assert.Equal(VmdError.None, error);
    }

    [Fact]
    public void Chain_of_48_entries_looping_back_is_malformed_after_48_reads()
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function).WithCapabilityPointer(0x40);
        for (int offset = 0x40; offset <= 0xFC; offset += 4)
        {
            function.WithCapability(offset, CapabilityId.VendorSpecific, offset == 0xFC ? (byte)0x80 : (byte)(offset + 4));
        }

        IConfigSpace config = ConfigSpy.Over(fake);

        var (entries, error) = Walk(config);

        Assert.Equal(CapabilityHeader.MaxStandardEntries, entries.Count);
        Assert.Equal(VmdError.Malformed, error);
        config.ReceivedWithAnyArgs(CapabilityHeader.MaxStandardEntries + 1).Read16(default, default); // Status + one per entry
    }

    [Fact]
    public void Absent_function_is_all_ones()
    {
        var (entries, error) = Walk(new FakeConfigSpace());

        Assert.Empty(entries);
        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void All_ones_pointer_is_all_ones()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0xFF);

        var (entries, error) = Walk(fake);

        Assert.Empty(entries);
        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void Function_vanishing_mid_walk_is_all_ones()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(Function, PciHeader.Status).Returns((ushort)PciStatus.CapabilitiesList);
        config.Read8(Function, PciHeader.CapabilitiesPointer).Returns((byte)0x40);
        config.Read16(Function, 0x40).Returns((ushort)0x5010); // PCIe, next 0x50
        config.Read16(Function, 0x50).Returns((ushort)0xFFFF);

        var (entries, error) = Walk(config);

        Assert.Single(entries);
        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void Try_find_returns_the_offset_of_the_first_match()
    {
        FakeConfigSpace fake = NvmeLike(out _);

        Assert.True(CapabilityWalker.TryFind(fake, Function, CapabilityId.PciExpress, out ushort offset));
        Assert.Equal(0x70, offset);
        Assert.False(CapabilityWalker.TryFind(fake, Function, CapabilityId.SataConfiguration, out ushort missing, out VmdError error));
        Assert.Equal(0, missing);
        Assert.Equal(VmdError.None, error);
    }

    [Fact]
    public void Try_find_on_a_cyclic_list_ends_and_says_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PowerManagement, 0x50)
            .WithCapability(0x50, CapabilityId.PciExpress, 0x40);

        Assert.True(CapabilityWalker.TryFind(fake, Function, CapabilityId.PciExpress, out ushort found));
        Assert.Equal(0x50, found);
        Assert.False(CapabilityWalker.TryFind(fake, Function, CapabilityId.MsiX, out _, out VmdError error));
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Walk_never_writes_and_never_reads_past_the_standard_space()
    {
        FakeConfigSpace fake = NvmeLike(out _);
        fake.HasExtendedSpace = false;
        IConfigSpace config = ConfigSpy.Over(fake);

        Walk(config);

        config.DidNotReceiveWithAnyArgs().Write8(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
        config.DidNotReceive().Read16(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => o > 0xFF));
        Assert.Equal(0, fake.UnreachableAccesses);
    }

    [Fact]
    public void Walk_allocates_nothing()
    {
        FakeConfigSpace fake = NvmeLike(out _);
        CapabilityWalker.TryFind(fake, Function, CapabilityId.MsiX, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            CapabilityWalker.TryFind(fake, Function, CapabilityId.MsiX, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Null_port_is_a_caller_mistake()
    {
        Assert.Throws<ArgumentNullException>(() => CapabilityWalker.EnumerateStandard(null!, Function));
    }
}
