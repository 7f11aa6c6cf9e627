using System;
using NSubstitute;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>The exact register writes, their order, and re-running.</summary>
public sealed class ProgrammingTests
{
    private const ulong MiB = 1UL << 20;

    [Fact]
    public void Bridge_windows_get_exact_encodings_and_the_prefetchable_window_never_opens_early()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar32(device, 0, MiB).Bar64(device, 2, 2 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("LOW", 0x5000_0000, 32 * MiB, 0)];
        IConfigSpace config = ConfigSpy.Over(domain.Config);
        PciAddress bridge = port.Address;

        new ResourceAssigner(config).Assign(functions, apertures);

        // PF window first (2 MiB alignment): 0x5000_0000–0x501F_FFFF; NP window next: 0x5020_0000–0x502F_FFFF.
        Received.InOrder(() =>
        {
            config.Write32(bridge, Type1Header.MemoryBase, 0x5020_5020);
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
            config.Write32(bridge, Type1Header.PrefetchableMemoryBase, 0x5010_5000);
            config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, 0);
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0);
            config.Write16(bridge, PciHeader.Command, 0x0006);
        });
        config.DidNotReceive().Write16(bridge, Type1Header.MemoryBase, Arg.Any<ushort>());
        config.DidNotReceive().Write16(bridge, Type1Header.PrefetchableMemoryBase, Arg.Any<ushort>());
        Assert.Equal(new MemoryWindow(0x5020_0000, 0x502F_FFFF), port.Bridge.Memory, WindowComparer.Instance);
        Assert.Equal(new MemoryWindow(0x5000_0000, 0x501F_FFFF), port.Bridge.Prefetchable, WindowComparer.Instance);
        Assert.Equal((byte)1, port.Bridge.Secondary);
        Assert.True(port.Bridge.Prefetchable64);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Prefetchable_window_above_4_GiB_writes_its_upper_dwords_last()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar64(device, 0, 4 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("LOW", 0x5000_0000, 32 * MiB, 0), new("HIGH", 0x12_3400_0000, 64 * MiB, 0)];
        IConfigSpace config = ConfigSpy.Over(domain.Config);
        PciAddress bridge = port.Address;

        new ResourceAssigner(config).Assign(functions, apertures);

        Received.InOrder(() =>
        {
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
            config.Write32(bridge, Type1Header.PrefetchableMemoryBase, 0x3430_3400);
            config.Write32(bridge, Type1Header.PrefetchableLimitUpper32, 0x12);
            config.Write32(bridge, Type1Header.PrefetchableBaseUpper32, 0x12);
        });
        Received.InOrder(() =>
        {
            config.Write32(device.Address, PciHeader.BaseAddress(0), 0x3400_0000);
            config.Write32(device.Address, PciHeader.BaseAddress(1), 0x12);
        });
        config.DidNotReceive().Write32(bridge, Type1Header.MemoryBase, Arg.Any<uint>()); // closed, and already closed
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Upper_dword_of_a_64_bit_bar_is_written_even_when_it_is_zero()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction nvme = domain.Endpoint(port, 0, command: 0x0006);
        domain.Bar64(nvme, 0, 0x4000);
        domain.FakeOf(nvme).Set32(PciHeader.BaseAddress(1), 0xDEAD_BEEF); // left by firmware
        PciFunction[] functions = domain.Functions;
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        new ResourceAssigner(config).Assign(functions, [new Aperture("MEMBAR1", 0x5000_0000, 32 * MiB, 0)]);

        Received.InOrder(() =>
        {
            config.Write16(nvme.Address, PciHeader.Command, 0x0000); // decode off before the BAR moves
            config.Write32(nvme.Address, PciHeader.BaseAddress(0), 0x5000_0000);
            config.Write32(nvme.Address, PciHeader.BaseAddress(1), 0);
            config.Write16(nvme.Address, PciHeader.Command, 0x0006);
        });
        Assert.Equal(0U, domain.FakeOf(nvme).Read32(PciHeader.BaseAddress(1)));
    }

    [Fact]
    public void Only_listed_functions_are_written_and_only_with_aligned_accesses()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction nvme = domain.Endpoint(port, 0);
        domain.Bar64(nvme, 0, 0x4000);
        var bystander = new PciAddress(TestDomain.Segment, 0, 0x1F, 0);
        domain.Config.Add(bystander).WithCommand(0x0006);
        PciFunction[] functions = domain.Functions;
        IConfigSpace config = ConfigSpy.Over(domain.Config);

        new ResourceAssigner(config).Assign(functions, [new Aperture("MEMBAR1", 0x5000_0000, 32 * MiB, 0)]);

        config.DidNotReceive().Write8(Arg.Any<PciAddress>(), Arg.Any<ushort>(), Arg.Any<byte>());
        config.DidNotReceive().Write16(bystander, Arg.Any<ushort>(), Arg.Any<ushort>());
        config.DidNotReceive().Write32(bystander, Arg.Any<ushort>(), Arg.Any<uint>());
        config.DidNotReceive().Write16(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => (o & 1) != 0), Arg.Any<ushort>());
        config.DidNotReceive().Write32(Arg.Any<PciAddress>(), Arg.Is<ushort>(o => (o & 3) != 0), Arg.Any<uint>());
    }

    [Fact]
    public void Second_assign_gives_identical_registers_and_records_and_allocates_nothing()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1, hotPlug: true);
        PciFunction upstream = domain.Bridge(port, 0, type: PciExpressPortType.SwitchUpstreamPort);
        PciFunction downstream = domain.Bridge(upstream, 0, type: PciExpressPortType.SwitchDownstreamPort);
        PciFunction nvme = domain.Endpoint(downstream, 0);
        domain.Bar64(nvme, 0, 0x4000).Bar64(nvme, 2, 8 * MiB, prefetchable: true).IoBar(nvme, 4, 0x10);
        PciFunction huge = domain.Endpoint(null, 2);
        domain.Bar32(huge, 0, 1UL << 31);
        PciFunction root = domain.Endpoint(null, 3);
        domain.Bar64(root, 0, 0x4000);
        PciFunction[] functions = domain.Functions;
        Aperture[] apertures = [new("MEMBAR1", 0x5000_0000, 32 * MiB, 0), new("MEMBAR2", 0x60_0200_2000, MiB - 0x2000, 0)];
        var assigner = new ResourceAssigner(domain.Config);

        AssignmentResult first = assigner.Assign(functions, apertures);
        ulong[] firstBytes = first.BytesUsed.ToArray();
        string firstRecords = Snapshot(functions);
        string firstRegisters = RegisterDump(domain, functions);

        AssignmentResult second = assigner.Assign(functions, apertures);

        Assert.Equal(first.FunctionsAssigned, second.FunctionsAssigned);
        Assert.Equal(firstBytes, second.BytesUsed.ToArray());
        Assert.Equal(firstRecords, Snapshot(functions));
        Assert.Equal(firstRegisters, RegisterDump(domain, functions));

        long before = GC.GetAllocatedBytesForCurrentThread();
        assigner.Assign(functions, apertures);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        AssignmentInvariants.Check(domain, functions, apertures);
    }

    [Fact]
    public void Window_left_open_by_an_earlier_assignment_is_closed_when_no_longer_needed()
    {
        var domain = new TestDomain();
        PciFunction port = domain.Bridge(null, 1);
        PciFunction device = domain.Endpoint(port, 0);
        domain.Bar32(device, 0, MiB).Bar64(device, 2, 2 * MiB, prefetchable: true);
        PciFunction[] functions = domain.Functions;
        var assigner = new ResourceAssigner(domain.Config);
        assigner.Assign(functions, [new Aperture("LOW", 0x5000_0000, 32 * MiB, 0)]);
        Assert.True(port.Bridge.Prefetchable.IsEnabled);

        // The same domain, now with the prefetchable BAR gone (e.g. a different device in the slot).
        device.BarStorage[2] = PciBar.NotImplemented(2);
        IConfigSpace config = ConfigSpy.Over(domain.Config);
        new ResourceAssigner(config).Assign(functions, [new Aperture("LOW", 0x5000_0000, 32 * MiB, 0)]);

        Received.InOrder(() =>
        {
            config.Write32(port.Address, Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
            config.Write32(port.Address, Type1Header.PrefetchableMemoryBase, 0x0000_FFF0);
            config.Write32(port.Address, Type1Header.PrefetchableLimitUpper32, 0);
        });
        Assert.False(port.Bridge.Prefetchable.IsEnabled);
        Assert.False(domain.PrefetchableWindowRegister(port).IsEnabled);
    }

    private static string Snapshot(PciFunction[] functions)
    {
        var text = new System.Text.StringBuilder();
        foreach (PciFunction f in functions)
        {
            text.Append(f.Address).Append(' ').Append(f.Assigned).Append(' ').Append(f.Issues).Append(' ').Append(f.Command.ToString("x4"));
            for (int i = 0; i < f.BarCount; i++)
            {
                text.Append(" | ").Append(f.Bars[i]).Append(" cpu ").Append(f.GetBarCpuAddress(i).ToString("x"));
            }

            if (f.IsBridge)
            {
                BridgeInfo b = f.Bridge;
                text.Append($" np {b.Memory.Base:x}-{b.Memory.Limit:x} pf {b.Prefetchable.Base:x}-{b.Prefetchable.Limit:x} {b.Primary}/{b.Secondary}/{b.Subordinate}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string RegisterDump(TestDomain domain, PciFunction[] functions)
    {
        var text = new System.Text.StringBuilder();
        foreach (PciFunction f in functions)
        {
            FakeFunction fake = domain.FakeOf(f);
            for (int offset = 0; offset < 0x40; offset += 4)
            {
                text.Append(fake.Read32(offset).ToString("x8")).Append(' ');
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private sealed class WindowComparer : System.Collections.Generic.IEqualityComparer<MemoryWindow>
    {
        public static readonly WindowComparer Instance = new();

        public bool Equals(MemoryWindow x, MemoryWindow y) => x.Base == y.Base && x.Limit == y.Limit;

        public int GetHashCode(MemoryWindow obj) => HashCode.Combine(obj.Base, obj.Limit);
    }
}
