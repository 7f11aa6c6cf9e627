using System;
using System.Collections.Generic;
using System.Linq;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// A domain with two root buses (a VMD's second root bus, Arrow Lake): root bus 00 (buses 00-7f) and root bus 80
/// (buses 80-8f), each numbered inside its own range.
/// </summary>
public sealed class MultiRootEnumerationTests
{
    private const uint Segment = RoutedDomain.Segment;
    private static readonly RootBusRange Root0 = new(0x00, 0x7F);
    private static readonly RootBusRange Root1 = new(0x80, 0x8F);

    /// <summary>
    /// Root bus 00: 00:17.0 endpoint, root ports 00:1c.0 and 00:1d.0 with a drive each.
    /// Root bus 80: root port 80:01.0 (primary hard-wired to 80) → switch (upstream, two downstream ports, a drive
    /// below each); root port 80:06.0 (primary hard-wired to 80) with a drive.
    /// </summary>
    private sealed class TwoRoots
    {
        public TwoRoots()
        {
            Domain = new RoutedDomain(Root0, Root1);
            FakeBus bus0 = Domain.Root(0);
            Domain.Endpoint(bus0, 0x17, 0x0017);
            Port0A = Domain.Bridge(bus0, 0x1C, 0x001C);
            Domain.Endpoint(Port0A.Below!, 0, 0x0A00);
            Port0B = Domain.Bridge(bus0, 0x1D, 0x001D);
            Domain.Endpoint(Port0B.Below!, 0, 0x0B00);

            FakeBus bus80 = Domain.Root(1);
            Port1A = Domain.Bridge(bus80, 0x01, 0x8001, hardWiredPrimary: 0x80);
            Upstream = Domain.Bridge(Port1A.Below!, 0, 0x8100, PciExpressPortType.SwitchUpstreamPort);
            Downstream0 = Domain.Bridge(Upstream.Below!, 0, 0x8200, PciExpressPortType.SwitchDownstreamPort);
            Downstream1 = Domain.Bridge(Upstream.Below!, 1, 0x8201, PciExpressPortType.SwitchDownstreamPort);
            Domain.Endpoint(Downstream0.Below!, 0, 0x8300);
            Domain.Endpoint(Downstream1.Below!, 0, 0x8400);
            Port1B = Domain.Bridge(bus80, 0x06, 0x8006, hardWiredPrimary: 0x80);
            Domain.Endpoint(Port1B.Below!, 0, 0x8500);
        }

        public RoutedDomain Domain { get; }

        public FakeNode Port0A { get; }

        public FakeNode Port0B { get; }

        public FakeNode Port1A { get; }

        public FakeNode Upstream { get; }

        public FakeNode Downstream0 { get; }

        public FakeNode Downstream1 { get; }

        public FakeNode Port1B { get; }

        public DomainEnumerator Enumerate(EnumerationOptions? options = null)
        {
            var enumerator = new DomainEnumerator(Domain, Segment, [Root0, Root1], options ?? NoReserve());
            enumerator.Enumerate();
            return enumerator;
        }
    }

    private static EnumerationOptions NoReserve() => new() { HotPlugBusReserve = 0 };

    private static string[] Listing(ReadOnlySpan<PciFunction> functions)
    {
        var lines = new List<string>();
        foreach (PciFunction function in functions)
        {
            lines.Add($"{function.Address.Bus:x2}:{function.Address.Device:x2}.{function.Address.Function} {function.DeviceId:x4}");
        }

        return lines.ToArray();
    }

    private static PciFunction At(DomainEnumerator enumerator, byte bus, int device, int function = 0)
    {
        var address = new PciAddress(Segment, bus, device, function);
        foreach (PciFunction f in enumerator.Functions)
        {
            if (f.Address == address)
            {
                return f;
            }
        }

        throw new Xunit.Sdk.XunitException($"{address} was not found.");
    }

    [Fact]
    public void Constructor_rejects_an_empty_list_of_root_buses()
    {
        Assert.Throws<ArgumentException>(() => new DomainEnumerator(new RoutedDomain(), Segment, ReadOnlySpan<RootBusRange>.Empty));
    }

    [Theory]
    [InlineData(0x00, 0x80, 0x80, 0x8F)] // share bus 80
    [InlineData(0x00, 0xFF, 0x80, 0x8F)] // second inside first
    [InlineData(0x80, 0x8F, 0x70, 0x80)] // second ends on the first's root bus
    [InlineData(0x80, 0x80, 0x80, 0x80)] // the same single bus twice
    public void Constructor_rejects_overlapping_ranges(int first0, int last0, int first1, int last1)
    {
        RootBusRange[] roots = [new((byte)first0, (byte)last0), new((byte)first1, (byte)last1)];

        Assert.Throws<ArgumentException>(() => new DomainEnumerator(new RoutedDomain(), Segment, roots));
    }

    [Fact]
    public void Constructor_rejects_overlap_between_any_two_of_three_ranges()
    {
        RootBusRange[] roots = [new(0x00, 0x3F), new(0x80, 0x8F), new(0x30, 0x40)];

        Assert.Throws<ArgumentException>(() => new DomainEnumerator(new RoutedDomain(), Segment, roots));
    }

    [Fact]
    public void Constructor_accepts_adjacent_ranges_and_keeps_them_in_order()
    {
        RootBusRange[] roots = [new(0x80, 0xFF), new(0x00, 0x7F)];

        var enumerator = new DomainEnumerator(new RoutedDomain(), Segment, roots);

        Assert.Equal(2, enumerator.RootBusCount);
        Assert.Equal(0x80, enumerator.GetRootBus(0).FirstBus);
        Assert.Equal(0xFF, enumerator.GetRootBus(0).LastBus);
        Assert.Equal(0x00, enumerator.GetRootBus(1).FirstBus);
        Assert.Equal(0x7F, enumerator.GetRootBus(1).LastBus);
    }

    [Fact]
    public void Single_range_constructor_has_one_root_bus()
    {
        var enumerator = new DomainEnumerator(new RoutedDomain(Root0), Segment, 0x00, 0x7F);

        Assert.Equal(1, enumerator.RootBusCount);
        Assert.Equal(0x7F, enumerator.GetRootBus(0).LastBus);
    }

    [Fact]
    public void Functions_of_both_root_buses_are_found_in_address_order()
    {
        var domain = new TwoRoots();

        DomainEnumerator enumerator = domain.Enumerate();

        Assert.Equal(
            [
                "00:17.0 0017", "00:1c.0 001c", "00:1d.0 001d", "01:00.0 0a00", "02:00.0 0b00",
                "80:01.0 8001", "80:06.0 8006", "81:00.0 8100", "82:00.0 8200", "82:01.0 8201",
                "83:00.0 8300", "84:00.0 8400", "85:00.0 8500",
            ],
            Listing(enumerator.Functions));
        Assert.Equal(0, enumerator.VanishedFunctions);
    }

    [Fact]
    public void Bridges_are_numbered_inside_their_own_root_bus_range()
    {
        var domain = new TwoRoots();

        DomainEnumerator enumerator = domain.Enumerate();

        // What the registers hold (the routing the hardware now does) ...
        Assert.Equal((0x00, 0x01, 0x01), (domain.Port0A.Primary, domain.Port0A.Secondary, domain.Port0A.Subordinate));
        Assert.Equal((0x00, 0x02, 0x02), (domain.Port0B.Primary, domain.Port0B.Secondary, domain.Port0B.Subordinate));
        Assert.Equal((0x80, 0x81, 0x84), (domain.Port1A.Primary, domain.Port1A.Secondary, domain.Port1A.Subordinate));
        Assert.Equal((0x81, 0x82, 0x84), (domain.Upstream.Primary, domain.Upstream.Secondary, domain.Upstream.Subordinate));
        Assert.Equal((0x82, 0x83, 0x83), (domain.Downstream0.Primary, domain.Downstream0.Secondary, domain.Downstream0.Subordinate));
        Assert.Equal((0x82, 0x84, 0x84), (domain.Downstream1.Primary, domain.Downstream1.Secondary, domain.Downstream1.Subordinate));
        Assert.Equal((0x80, 0x85, 0x85), (domain.Port1B.Primary, domain.Port1B.Secondary, domain.Port1B.Subordinate));

        // ... and what the records say, for every bridge of each root bus.
        for (int root = 0; root < 2; root++)
        {
            RootBusRange range = enumerator.GetRootBus(root);
            foreach (PciFunction bridge in enumerator.GetWalkOrder(root))
            {
                if (!bridge.IsBridge)
                {
                    continue;
                }

                Assert.InRange(bridge.Bridge.Secondary, (byte)(range.FirstBus + 1), range.LastBus);
                Assert.InRange(bridge.Bridge.Subordinate, bridge.Bridge.Secondary, range.LastBus);
                Assert.Equal(FunctionIssues.None, bridge.Issues);
            }
        }

        Assert.Equal(0x84, At(enumerator, 0x80, 0x01).Bridge.Subordinate);
        Assert.Equal(0x85, At(enumerator, 0x80, 0x06).Bridge.Secondary);
    }

    [Fact]
    public void Walk_order_is_partitioned_by_root_bus()
    {
        var domain = new TwoRoots();

        DomainEnumerator enumerator = domain.Enumerate();

        PciFunction[] root0 = enumerator.GetWalkOrder(0).ToArray();
        PciFunction[] root1 = enumerator.GetWalkOrder(1).ToArray();
        Assert.Equal(5, root0.Length);
        Assert.Equal(8, root1.Length);
        Assert.Equal(enumerator.WalkOrder.ToArray(), root0.Concat(root1).ToArray());
        Assert.All(root0, f => Assert.True(Root0.Contains(f.Address.Bus), $"{f.Address} listed under root bus 00"));
        Assert.All(root1, f => Assert.True(Root1.Contains(f.Address.Bus), $"{f.Address} listed under root bus 80"));

        // Walk order: every bridge before what lies below it.
        Assert.Equal(["80:01.0 8001", "80:06.0 8006", "81:00.0 8100", "82:00.0 8200", "82:01.0 8201", "83:00.0 8300", "84:00.0 8400", "85:00.0 8500"], Listing(root1));
    }

    [Fact]
    public void Root_buses_are_walked_in_the_order_given()
    {
        var domain = new TwoRoots();
        var enumerator = new DomainEnumerator(domain.Domain, Segment, [Root1, Root0], NoReserve());

        enumerator.Enumerate();

        Assert.Equal(0x80, enumerator.GetWalkOrder(0)[0].Address.Bus);
        Assert.Equal(8, enumerator.GetWalkOrder(0).Length);
        Assert.Equal(5, enumerator.GetWalkOrder(1).Length);
        Assert.Equal(0x85, enumerator.GetHighestBus(0));
        Assert.Equal(0x02, enumerator.GetHighestBus(1));
        Assert.Equal(0x85, enumerator.HighestBus); // the first root bus given
        Assert.Equal("00:17.0 0017", Listing(enumerator.Functions)[0]); // Functions stay in address order
        Assert.Equal((0x80, 0x81, 0x84), (domain.Port1A.Primary, domain.Port1A.Secondary, domain.Port1A.Subordinate));
        Assert.Equal((0x00, 0x01, 0x01), (domain.Port0A.Primary, domain.Port0A.Secondary, domain.Port0A.Subordinate));
    }

    [Fact]
    public void Highest_bus_is_kept_per_root_bus()
    {
        var domain = new TwoRoots();

        DomainEnumerator enumerator = domain.Enumerate();

        Assert.Equal(0x02, enumerator.GetHighestBus(0));
        Assert.Equal(0x85, enumerator.GetHighestBus(1));
        Assert.Equal(0x02, enumerator.HighestBus);
    }

    [Fact]
    public void A_root_bus_without_bridges_has_its_own_number_as_highest_bus()
    {
        var domain = new RoutedDomain(Root0, Root1);
        domain.Endpoint(domain.Root(1), 0x17, 0x8017);
        var enumerator = new DomainEnumerator(domain, Segment, [Root0, Root1]);

        enumerator.Enumerate();

        Assert.Equal(0x00, enumerator.GetHighestBus(0));
        Assert.Equal(0x80, enumerator.GetHighestBus(1));
        Assert.Equal(0, enumerator.GetWalkOrder(0).Length);
        Assert.Equal(["80:17.0 8017"], Listing(enumerator.GetWalkOrder(1)));
    }

    [Fact]
    public void Hot_plug_reserve_below_root_bus_1_stops_at_the_end_of_its_range()
    {
        var domain = new RoutedDomain(Root0, new RootBusRange(0x80, 0x83));
        Domain0Port(domain);
        FakeNode port = domain.Bridge(domain.Root(1), 0x01, 0x8001, hardWiredPrimary: 0x80, hotPlug: true);
        domain.Endpoint(port.Below!, 0, 0x8100);
        var enumerator = new DomainEnumerator(domain, Segment, [Root0, new RootBusRange(0x80, 0x83)], new EnumerationOptions { HotPlugBusReserve = 8 });

        enumerator.Enumerate();

        Assert.Equal((0x80, 0x81, 0x83), (port.Primary, port.Secondary, port.Subordinate));
        Assert.Equal(0x83, enumerator.GetHighestBus(1));
        Assert.Equal(0x01, enumerator.GetHighestBus(0));
        Assert.Equal("81:00.0 8100", Listing(enumerator.GetWalkOrder(1))[1]);
    }

    [Fact]
    public void Root_port_hard_wired_to_its_own_root_bus_80_is_not_flagged()
    {
        var domain = new TwoRoots();

        DomainEnumerator enumerator = domain.Enumerate();

        Assert.False(At(enumerator, 0x80, 0x01).Issues.HasFlag(FunctionIssues.HardWiredPrimaryBus));
        Assert.False(At(enumerator, 0x80, 0x06).Issues.HasFlag(FunctionIssues.HardWiredPrimaryBus));
        Assert.Equal(0x80, At(enumerator, 0x80, 0x01).Bridge.Primary);
        Assert.Equal(0x80, domain.Port1A.Primary);
    }

    [Fact]
    public void Root_port_on_bus_80_hard_wired_to_bus_0_is_flagged()
    {
        // The control for the test above: the flag exists and is raised when the primary really is wrong.
        var domain = new RoutedDomain(Root0, Root1);
        FakeNode port = domain.Bridge(domain.Root(1), 0x01, 0x8001, hardWiredPrimary: 0x00);
        domain.Endpoint(port.Below!, 0, 0x8100);
        var enumerator = new DomainEnumerator(domain, Segment, [Root0, Root1], NoReserve());

        enumerator.Enumerate();

        Assert.True(At(enumerator, 0x80, 0x01).Issues.HasFlag(FunctionIssues.HardWiredPrimaryBus));
        Assert.Equal(0x81, port.Secondary);
        At(enumerator, 0x81, 0); // still enumerated below
    }

    [Fact]
    public void Rescan_of_an_unchanged_two_root_domain_allocates_nothing_and_keeps_the_fingerprint()
    {
        var domain = new TwoRoots();
        DomainEnumerator enumerator = domain.Enumerate();
        ulong fingerprint = enumerator.Fingerprint;
        string[] listing = Listing(enumerator.Functions);
        Assert.True(enumerator.Rescan()); // warm-up: the second record pool is filled once

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool unchanged = enumerator.Rescan();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(unchanged);
        Assert.Equal(0, allocated);
        Assert.NotEqual(0UL, fingerprint);
        Assert.Equal(fingerprint, enumerator.Fingerprint);
        Assert.Equal(listing, Listing(enumerator.Functions));
        Assert.Equal(5, enumerator.GetWalkOrder(0).Length);
        Assert.Equal(8, enumerator.GetWalkOrder(1).Length);
        Assert.All(enumerator.GetWalkOrder(1).ToArray(), f => Assert.True(Root1.Contains(f.Address.Bus)));
    }

    [Fact]
    public void Rescan_sees_a_device_removed_below_root_bus_1()
    {
        var domain = new TwoRoots();
        DomainEnumerator enumerator = domain.Enumerate();
        ulong fingerprint = enumerator.Fingerprint;
        Assert.True(enumerator.Rescan());

        RoutedDomain.Remove(domain.Downstream1.Below!, 0); // the drive at 84:00.0

        Assert.False(enumerator.Rescan());
        Assert.Equal(12, enumerator.Functions.Length);
        Assert.DoesNotContain("84:00.0 8400", Listing(enumerator.Functions));
        Assert.Equal(5, enumerator.GetWalkOrder(0).Length);
        Assert.Equal(7, enumerator.GetWalkOrder(1).Length);
        Assert.NotEqual(fingerprint, enumerator.Fingerprint);
        Assert.Equal(0, enumerator.VanishedFunctions);

        Assert.True(enumerator.Rescan()); // the smaller domain is now the reference
    }

    [Fact]
    public void Rescan_sees_a_root_port_removed_from_root_bus_1()
    {
        var domain = new TwoRoots();
        DomainEnumerator enumerator = domain.Enumerate();

        RoutedDomain.Remove(domain.Domain.Root(1), 0x06); // 80:06.0 and so its drive at 85:00.0

        Assert.False(enumerator.Rescan());
        Assert.Equal(11, enumerator.Functions.Length);
        Assert.DoesNotContain("80:06.0 8006", Listing(enumerator.Functions));
        Assert.DoesNotContain("85:00.0 8500", Listing(enumerator.Functions));
        Assert.Equal(6, enumerator.GetWalkOrder(1).Length);
    }

    [Fact]
    public void Fingerprint_covers_root_bus_1()
    {
        DomainEnumerator both = new TwoRoots().Enumerate();
        var onlyRoot0 = new DomainEnumerator(new TwoRoots().Domain, Segment, [Root0], NoReserve());
        onlyRoot0.Enumerate();

        Assert.Equal(5, onlyRoot0.Functions.Length);
        Assert.Equal(Listing(onlyRoot0.Functions), Listing(both.GetWalkOrder(0)).Order().ToArray());
        Assert.NotEqual(onlyRoot0.Fingerprint, both.Fingerprint);
        Assert.Equal(both.Fingerprint, new TwoRoots().Enumerate().Fingerprint); // and it is deterministic
    }

    [Fact]
    public void Fingerprint_changes_when_a_drive_below_root_bus_1_changes_identity()
    {
        var original = new TwoRoots();
        var changed = new TwoRoots();
        changed.Domain.Endpoint(changed.Downstream0.Below!, 0, 0x8399); // another drive in the same slot

        Assert.NotEqual(original.Enumerate().Fingerprint, changed.Enumerate().Fingerprint);
    }

    [Fact]
    public void Bus_numbers_exhausted_in_root_bus_1_never_borrow_from_root_bus_0()
    {
        var domain = new RoutedDomain(Root0, new RootBusRange(0x80, 0x80));
        FakeNode port0 = Domain0Port(domain);

        // A bridge on a one-bus root bus, left by firmware routing buses 01-02 (root bus 0's numbers).
        FakeNode port1 = domain.Bridge(domain.Root(1), 0x01, 0x8001, hardWiredPrimary: 0x80, staleSecondary: 0x01, staleSubordinate: 0x02);
        domain.Endpoint(port1.Below!, 0, 0x8100);
        var enumerator = new DomainEnumerator(domain, Segment, [Root0, new RootBusRange(0x80, 0x80)], NoReserve());

        enumerator.Enumerate();

        PciFunction bridge = At(enumerator, 0x80, 0x01);
        Assert.True(bridge.Issues.HasFlag(FunctionIssues.BusNumbersExhausted));
        Assert.Equal((0x80, 0x00, 0x00), (port1.Primary, port1.Secondary, port1.Subordinate)); // closed, forwards nothing
        Assert.Equal((0x00, 0x01, 0x01), (port0.Primary, port0.Secondary, port0.Subordinate));
        Assert.False(At(enumerator, 0x00, 0x1C).Issues.HasFlag(FunctionIssues.BusNumbersExhausted));
        Assert.Equal(["00:1c.0 001c", "01:00.0 0a00", "80:01.0 8001"], Listing(enumerator.Functions)); // 01:00.0 once, nothing below 80:01.0
        Assert.Equal(0x80, enumerator.GetHighestBus(1));
        Assert.Equal(0x01, enumerator.GetHighestBus(0));
        Assert.Equal(["80:01.0 8001"], Listing(enumerator.GetWalkOrder(1)));
    }

    [Fact]
    public void Bus_numbers_exhausted_in_root_bus_1_when_root_bus_0_is_walked_second()
    {
        var domain = new RoutedDomain(Root0, new RootBusRange(0x80, 0x80));
        FakeNode port0 = Domain0Port(domain);
        FakeNode port1 = domain.Bridge(domain.Root(1), 0x01, 0x8001, hardWiredPrimary: 0x80);
        domain.Endpoint(port1.Below!, 0, 0x8100);
        var enumerator = new DomainEnumerator(domain, Segment, [new RootBusRange(0x80, 0x80), Root0], NoReserve());

        enumerator.Enumerate();

        Assert.True(At(enumerator, 0x80, 0x01).Issues.HasFlag(FunctionIssues.BusNumbersExhausted));
        Assert.Equal(0x00, port1.Secondary);
        Assert.Equal(0x01, port0.Secondary); // root bus 0 still starts at its own first free bus
        Assert.Equal(["00:1c.0 001c", "01:00.0 0a00", "80:01.0 8001"], Listing(enumerator.Functions));
    }

    private static FakeNode Domain0Port(RoutedDomain domain)
    {
        FakeNode port = domain.Bridge(domain.Root(0), 0x1C, 0x001C);
        domain.Endpoint(port.Below!, 0, 0x0A00);
        return port;
    }
}
