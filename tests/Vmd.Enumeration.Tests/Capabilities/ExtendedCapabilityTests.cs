using System;
using System.Collections.Generic;
using NSubstitute;
using Vmd.Enumeration.Capabilities;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Capabilities;

/// <summary>Walking the PCIe extended capability list from 0x100.</summary>
public sealed class ExtendedCapabilityTests
{
    private static readonly PciAddress Function = new(0x10000, 0xE1, 0, 0);

    private static (List<ExtendedCapabilityEntry> Entries, VmdError Error) Walk(IConfigSpace config)
    {
        var entries = new List<ExtendedCapabilityEntry>();
        ExtendedCapabilityEnumerator walk = CapabilityWalker.EnumerateExtended(config, Function);
        while (walk.MoveNext())
        {
            entries.Add(walk.Current);
        }

        return (entries, walk.Error);
    }

    private static FakeConfigSpace RootPortLike()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function)
            .WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 2, 0x148)
            .WithExtendedCapability(0x148, ExtendedCapabilityId.AccessControlServices, 1, 0x220)
            .WithExtendedCapability(0x220, ExtendedCapabilityId.L1PmSubstates, 1, 0x000);
        return fake;
    }

    [Fact]
    public void List_is_walked_with_ids_and_versions()
    {
        var (entries, error) = Walk(RootPortLike());

        Assert.Equal(VmdError.None, error);
        Assert.Equal(
            new[]
            {
                new ExtendedCapabilityEntry(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 2),
                new ExtendedCapabilityEntry(0x148, ExtendedCapabilityId.AccessControlServices, 1),
                new ExtendedCapabilityEntry(0x220, ExtendedCapabilityId.L1PmSubstates, 1),
            },
            entries);
    }

    [Theory]
    [InlineData(0x0000_0000u)]
    [InlineData(0xFFFF_FFFFu)]
    public void Empty_or_all_ones_header_at_0x100_means_no_list(uint header)
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).Set32(CapabilityHeader.FirstExtended, header);

        var (entries, error) = Walk(fake);

        Assert.Empty(entries);
        Assert.Equal(VmdError.None, error);
    }

    [Fact]
    public void Extended_capability_pointing_to_itself_is_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, 0x100);

        var (entries, error) = Walk(fake);

        Assert.Single(entries);
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Two_entry_extended_loop_is_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function)
            .WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, 0x200)
            .WithExtendedCapability(0x200, ExtendedCapabilityId.LatencyToleranceReporting, 1, 0x100);

        var (entries, error) = Walk(fake);

        Assert.Equal(2, entries.Count);
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Longest_possible_chain_loops_back_and_stops_after_960_entries()
    {
        var fake = new FakeConfigSpace();
        FakeFunction function = fake.Add(Function);
        for (int offset = 0x100; offset <= 0xFFC; offset += 4)
        {
            function.WithExtendedCapability(offset, ExtendedCapabilityId.VendorSpecific, 1, offset == 0xFFC ? 0x800 : offset + 4);
        }

        var (entries, error) = Walk(fake);

        Assert.Equal(CapabilityHeader.MaxExtendedEntries, entries.Count);
        Assert.Equal(VmdError.Malformed, error);
        Assert.Equal(CapabilityHeader.MaxExtendedEntries, fake.Reads);
    }

    [Theory]
    [InlineData(0x0C0)] // into standard space
    [InlineData(0x004)]
    public void Next_offset_below_0x100_is_malformed(int next)
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, next);

        var (entries, error) = Walk(fake);

        Assert.Single(entries);
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Reserved_low_bits_of_next_offset_are_masked()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function)
            .WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, 0x203)
            .WithExtendedCapability(0x200, ExtendedCapabilityId.DeviceSerialNumber, 1, 0xFFF)
            .WithExtendedCapability(0xFFC, ExtendedCapabilityId.VendorSpecific, 1, 0);

        var (entries, error) = Walk(fake);

        Assert.Equal(VmdError.None, error);
        Assert.Equal(new ushort[] { 0x100, 0x200, 0xFFC }, entries.ConvertAll(e => e.Offset));
    }

    [Fact]
    public void All_ones_header_after_the_first_is_all_ones()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function)
            .WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, 0x200)
            .Set32(0x200, 0xFFFF_FFFF);

        var (entries, error) = Walk(fake);

        Assert.Single(entries);
        Assert.Equal(VmdError.AllOnes, error);
    }

    [Fact]
    public void Legacy_host_without_extended_space_is_never_read_at_0x100_or_above()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.HasExtendedSpace.Returns(false);
        config.Read32(default, default).ReturnsForAnyArgs(0x1481_0001u); // would be a list, were it asked

        var (entries, error) = Walk(config);
        bool found = CapabilityWalker.TryFindExtended(config, Function, ExtendedCapabilityId.AdvancedErrorReporting, out _);

        Assert.Empty(entries);
        Assert.Equal(VmdError.None, error);
        Assert.False(found);
        config.DidNotReceive().Read8(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => o >= 0x100));
        config.DidNotReceive().Read16(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => o >= 0x100));
        config.DidNotReceive().Read32(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => o >= 0x100));
    }

    [Fact]
    public void Try_find_extended_returns_the_offset()
    {
        FakeConfigSpace fake = RootPortLike();

        Assert.True(CapabilityWalker.TryFindExtended(fake, Function, ExtendedCapabilityId.AccessControlServices, out ushort offset));
        Assert.Equal(0x148, offset);
        Assert.False(CapabilityWalker.TryFindExtended(fake, Function, ExtendedCapabilityId.DownstreamPortContainment, out _, out VmdError error));
        Assert.Equal(VmdError.None, error);
    }

    [Fact]
    public void Try_find_extended_on_a_loop_ends_and_says_malformed()
    {
        var fake = new FakeConfigSpace();
        fake.Add(Function).WithExtendedCapability(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 1, 0x100);

        Assert.False(CapabilityWalker.TryFindExtended(fake, Function, ExtendedCapabilityId.LatencyToleranceReporting, out _, out VmdError error));
        Assert.Equal(VmdError.Malformed, error);
    }

    [Fact]
    public void Extended_walk_allocates_nothing()
    {
        FakeConfigSpace fake = RootPortLike();
        CapabilityWalker.TryFindExtended(fake, Function, ExtendedCapabilityId.L1PmSubstates, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            CapabilityWalker.TryFindExtended(fake, Function, ExtendedCapabilityId.L1PmSubstates, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Text_reads_like_lspci()
    {
        Assert.Equal("[100 v2] 0001", new ExtendedCapabilityEntry(0x100, ExtendedCapabilityId.AdvancedErrorReporting, 2).ToString());
        Assert.Equal("[b0] 11", new CapabilityEntry(0xB0, CapabilityId.MsiX).ToString());
    }
}
