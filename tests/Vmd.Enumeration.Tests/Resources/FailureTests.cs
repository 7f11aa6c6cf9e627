using System;
using NSubstitute;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>What does not fit is contained: flagged, decode off, and the rest of the domain still works.</summary>
public sealed class FailureTests
{
    private const ulong MiB = 1UL << 20;
    private const ushort Decode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    private static Aperture Membar1 => new("MEMBAR1", 0x5000_0000, 32 * MiB, 0);

    private static Aperture Membar2 => new("MEMBAR2", 0x60_0200_2000, MiB - 0x2000, 0);

    [Fact]
    public void Bar_larger_than_every_aperture_is_flagged_gets_nothing_and_keeps_decode_off()
    {
        var domain = new TestDomain();
        PciFunction huge = domain.Endpoint(null, 1, command: 0x0006);
        domain.Bar32(huge, 0, 0x1000).Bar64(huge, 2, 64 * MiB);
        PciFunction port = domain.Bridge(null, 2);
        PciFunction drive = domain.Endpoint(port, 0);
        domain.Bar64(drive, 0, 0x4000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        AssignmentResult result = new ResourceAssigner(config).Assign(functions, apertures);

        Assert.Equal(FunctionIssues.BarLargerThanApertures, huge.Issues);
        Assert.False(huge.Assigned);
        Assert.Equal(0, domain.CommandRegister(huge) & Decode);
        Assert.Equal(0UL, huge.GetBarCpuAddress(0));
        config.DidNotReceive().Write32(huge.Address, PciHeader.BaseAddress(0), Arg.Any<uint>());
        config.DidNotReceive().Write32(huge.Address, PciHeader.BaseAddress(2), Arg.Any<uint>());
        Assert.True(drive.Assigned);
        Assert.Equal(1, result.FunctionsUnassigned);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Bridge_window_without_space_leaves_its_subtree_unassigned_and_the_others_assigned()
    {
        var domain = new TestDomain();
        PciFunction[] ports = new PciFunction[3];
        PciFunction[] drives = new PciFunction[3];
        for (int i = 0; i < 3; i++)
        {
            ports[i] = domain.Bridge(null, 1 + i);
            drives[i] = domain.Endpoint(ports[i], 0, command: 0x0006);
            domain.Bar32(drives[i], 0, 16 * MiB);
        }

        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.True(drives[0].Assigned, $"{drives[0].Issues} {drives[1].Issues} {drives[2].Issues} {ports[0].Issues} {ports[1].Issues} {ports[2].Issues}");
        Assert.True(drives[1].Assigned);
        Assert.Equal(FunctionIssues.NoApertureSpace, ports[2].Issues);
        Assert.False(ports[2].Assigned);
        Assert.False(ports[2].Bridge.Memory.IsEnabled);
        Assert.Equal(0x0000_FFF0U, domain.FakeOf(ports[2]).Read32(Type1Header.MemoryBase));
        Assert.Equal(FunctionIssues.UpstreamUnassigned, drives[2].Issues);
        Assert.Equal(0, domain.CommandRegister(drives[2]) & Decode);
        Assert.Equal(2, result.FunctionsUnassigned);
        Assert.Equal(32 * MiB, result.BytesUsed[0]);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Function_that_cannot_have_one_bar_gets_none_and_its_space_goes_to_others()
    {
        var domain = new TestDomain();
        PciFunction a = domain.Endpoint(null, 1);
        domain.Bar32(a, 0, 16 * MiB).Bar32(a, 2, 8 * MiB);
        PciFunction b = domain.Endpoint(null, 2);
        domain.Bar32(b, 0, 16 * MiB).Bar32(b, 2, 8 * MiB);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1];
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        new ResourceAssigner(config).Assign(functions, apertures);

        // Order: a.BAR0, b.BAR0 (16 MiB each, filling MEMBAR1), then a.BAR2 fails: a gives back its BAR0,
        // and b.BAR2 takes that space.
        Assert.Equal(FunctionIssues.NoApertureSpace, a.Issues);
        Assert.False(a.Assigned);
        config.DidNotReceive().Write32(a.Address, PciHeader.BaseAddress(0), Arg.Any<uint>());
        config.DidNotReceive().Write32(a.Address, PciHeader.BaseAddress(2), Arg.Any<uint>());
        Assert.True(b.Assigned);
        Assert.Equal(0x5100_0000UL, b.Bars[0].Address);
        Assert.Equal(0x5000_0000UL, b.Bars[2].Address);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Prefetchable_window_without_space_only_costs_the_functions_that_need_it()
    {
        var domain = new TestDomain();
        PciFunction big = domain.Bridge(null, 1);
        PciFunction bigDrive = domain.Endpoint(big, 0);
        domain.Bar32(bigDrive, 0, 16 * MiB).Bar32(bigDrive, 1, 8 * MiB); // NP window 24 MiB
        PciFunction port = domain.Bridge(null, 2);
        PciFunction plain = domain.Endpoint(port, 0, function: 0);
        domain.Bar32(plain, 0, MiB);
        PciFunction gpuLike = domain.Endpoint(port, 0, function: 1, command: 0x0006);
        domain.Bar32(gpuLike, 0, 16 * MiB, prefetchable: true);
        PciFunction mixed = domain.Endpoint(port, 0, function: 2);
        domain.Bar32(mixed, 0, 0x1000).Bar64(mixed, 2, MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1];
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        new ResourceAssigner(config).Assign(functions, apertures);

        // 24 MiB NP window at 0; the 17 MiB prefetchable window needs a 16 MiB boundary: none is left.
        Assert.True(bigDrive.Assigned);
        Assert.True(plain.Assigned);
        Assert.False(port.Assigned);
        Assert.Equal(FunctionIssues.NoApertureSpace, port.Issues);
        Assert.True(port.Bridge.Memory.IsEnabled);
        Assert.False(port.Bridge.Prefetchable.IsEnabled);
        Assert.Equal(Decode, domain.CommandRegister(port) & Decode); // still forwards to what it can reach
        Assert.Equal(FunctionIssues.UpstreamUnassigned, gpuLike.Issues);
        Assert.Equal(0, domain.CommandRegister(gpuLike) & Decode);
        Assert.Equal(FunctionIssues.UpstreamUnassigned, mixed.Issues);
        config.DidNotReceive().Write32(mixed.Address, PciHeader.BaseAddress(0), Arg.Any<uint>());
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Window_larger_than_every_aperture_is_flagged_on_the_bridge()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction a = domain.Endpoint(port, 0, function: 0);
        domain.Bar32(a, 0, 16 * MiB);
        PciFunction b = domain.Endpoint(port, 0, function: 1);
        domain.Bar32(b, 0, 16 * MiB);
        PciFunction c = domain.Endpoint(port, 0, function: 2);
        domain.Bar32(c, 0, 16 * MiB);
        PciFunction other = domain.Bridge(null, 2, hotPlug: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1, Membar2];

        new ResourceAssigner(domain.Config).Assign(functions, apertures);

        Assert.Equal(FunctionIssues.BarLargerThanApertures, port.Issues);
        Assert.False(port.Assigned);
        Assert.Equal(FunctionIssues.UpstreamUnassigned, a.Issues);
        Assert.Equal(FunctionIssues.UpstreamUnassigned, b.Issues);
        Assert.Equal(FunctionIssues.UpstreamUnassigned, c.Issues);
        Assert.True(other.Assigned);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Io_bar_is_flagged_and_never_written_while_the_memory_bars_are_assigned()
    {
        var domain = new TestDomain();
        PciFunction legacy = domain.Endpoint(null, 1, command: 0x0001);
        domain.IoBar(legacy, 0, 0x20).Bar32(legacy, 1, 0x1000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [Membar1];
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        new ResourceAssigner(config).Assign(functions, apertures);

        Assert.Equal(FunctionIssues.IoBarUnsupported, legacy.Issues);
        Assert.Equal(0x5000_0000UL, legacy.Bars[1].Address);
        Assert.Equal(0x2000UL, legacy.Bars[0].Address);
        config.DidNotReceive().Write32(legacy.Address, PciHeader.BaseAddress(0), Arg.Any<uint>());
        Assert.Equal(Decode, domain.CommandRegister(legacy)); // I/O Space Enable cleared, never set
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void No_aperture_at_all_leaves_everything_off_without_throwing()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction drive = domain.Endpoint(port, 0);
        domain.Bar64(drive, 0, 0x4000);
        PciFunction empty = domain.Endpoint(null, 2);
        PciFunction[] functions = domain.Functions;

        AssignmentResult result = new ResourceAssigner(domain.Config).Assign(functions, ReadOnlySpan<Aperture>.Empty);

        Assert.Equal(FunctionIssues.BarLargerThanApertures, drive.Issues);
        Assert.True(port.Assigned); // nothing it needs is missing
        Assert.True(empty.Assigned);
        Assert.Equal(1, result.FunctionsUnassigned);
        Assert.Equal(0, result.BytesUsed.Length);
    }

    [Fact]
    public void Function_listed_before_its_bridge_is_a_caller_mistake_caught_before_any_access()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction drive = domain.Endpoint(port, 0);
        int before = domain.Config.Reads + domain.Config.Writes;

        Assert.Throws<ArgumentException>(() => new ResourceAssigner(domain.Config).Assign(new[] { drive, port }, [Membar1]));
        Assert.Equal(before, domain.Config.Reads + domain.Config.Writes);
    }

    [Fact]
    public void Function_whose_parent_is_not_listed_is_a_caller_mistake()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction drive = domain.Endpoint(port, 0);

        Assert.Throws<ArgumentException>(() => new ResourceAssigner(domain.Config).Assign(new[] { drive }, [Membar1]));
    }
}
