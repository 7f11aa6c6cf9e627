using System;
using System.Collections.Generic;
using System.Linq;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// Hot-plug enumeration of one slot: <see cref="DomainEnumerator.EnumerateBelow"/>, <see cref="DomainEnumerator.RemoveBelow"/>
/// and <see cref="DomainEnumerator.IsBelow"/> against a freshly enumerated domain of the same topology.
/// </summary>
public sealed class EnumerateBelowTests
{
    internal const uint Segment = RoutedDomain.Segment;
    internal static readonly RootBusRange Root = new(0x00, 0x3F);
    private static readonly RootBusRange Root0 = new(0x00, 0x7F);
    private static readonly RootBusRange Root1 = new(0x80, 0x8F);

    /// <summary>
    /// Root bus 00: 00:17.0 endpoint; 00:1b.0 root port (no slot) with a drive; 00:1c.0 hot-plug root port with a
    /// drive; 00:1d.0 hot-plug root port, empty. Four spare bus numbers behind each hot-plug port.
    /// Numbers: 1b → 01; 1c → 02-06; 1d → 07-0b.
    /// </summary>
    internal sealed class Slots
    {
        public Slots()
        {
            Log = new AccessLog(Domain);
            FakeBus bus = Domain.Root(0);
            Domain.Endpoint(bus, 0x17, 0x0017);
            Plain = Domain.Bridge(bus, 0x1B, 0x001B);
            Domain.Endpoint(Plain.Below!, 0, 0x1B00);
            Occupied = Domain.Bridge(bus, 0x1C, 0x001C, hotPlug: true);
            Domain.Endpoint(Occupied.Below!, 0, 0x1C00);
            Empty = Domain.Bridge(bus, 0x1D, 0x001D, hotPlug: true);
        }

        public RoutedDomain Domain { get; } = new(Root);

        public AccessLog Log { get; }

        public FakeNode Plain { get; }

        public FakeNode Occupied { get; }

        public FakeNode Empty { get; }

        public static EnumerationOptions Options => new() { HotPlugBusReserve = 4 };

        public DomainEnumerator Enumerate(bool logged = false)
        {
            var enumerator = new DomainEnumerator(logged ? Log : Domain, Segment, [Root], Options);
            enumerator.Enumerate();
            return enumerator;
        }

        public FakeNode AddDrive(ushort deviceId = 0xD000) => Domain.Endpoint(Empty.Below!, 0, deviceId);

        /// <summary>A switch in the empty slot: upstream port, two downstream ports, a drive below each.</summary>
        public FakeNode AddSwitch()
        {
            FakeNode upstream = Domain.Bridge(Empty.Below!, 0, 0xD100, PciExpressPortType.SwitchUpstreamPort);
            FakeNode down0 = Domain.Bridge(upstream.Below!, 0, 0xD200, PciExpressPortType.SwitchDownstreamPort);
            FakeNode down1 = Domain.Bridge(upstream.Below!, 1, 0xD201, PciExpressPortType.SwitchDownstreamPort);
            Domain.Endpoint(down0.Below!, 0, 0xD300);
            Domain.Endpoint(down1.Below!, 0, 0xD301);
            return upstream;
        }
    }

    /// <summary>Forwards to a domain and counts (and optionally logs) every access.</summary>
    internal sealed class AccessLog(IConfigSpace inner) : IConfigSpace
    {
        public int Reads { get; private set; }

        public int Writes { get; private set; }

        public bool Recording { get; set; }

        public List<(bool IsWrite, PciAddress Address, ushort Offset, uint Value)> Accesses { get; } = new();

        public bool HasExtendedSpace => inner.HasExtendedSpace;

        public void Clear()
        {
            Reads = 0;
            Writes = 0;
            Accesses.Clear();
        }

        public byte Read8(PciAddress address, ushort offset) => (byte)Read(address, offset, inner.Read8(address, offset));

        public ushort Read16(PciAddress address, ushort offset) => (ushort)Read(address, offset, inner.Read16(address, offset));

        public uint Read32(PciAddress address, ushort offset) => Read(address, offset, inner.Read32(address, offset));

        public void Write8(PciAddress address, ushort offset, byte value)
        {
            Write(address, offset, value);
            inner.Write8(address, offset, value);
        }

        public void Write16(PciAddress address, ushort offset, ushort value)
        {
            Write(address, offset, value);
            inner.Write16(address, offset, value);
        }

        public void Write32(PciAddress address, ushort offset, uint value)
        {
            Write(address, offset, value);
            inner.Write32(address, offset, value);
        }

        private uint Read(PciAddress address, ushort offset, uint value)
        {
            Reads++;
            if (Recording)
            {
                Accesses.Add((false, address, offset, value));
            }

            return value;
        }

        private void Write(PciAddress address, ushort offset, uint value)
        {
            Writes++;
            if (Recording)
            {
                Accesses.Add((true, address, offset, value));
            }
        }
    }

    internal static string[] Listing(ReadOnlySpan<PciFunction> functions)
    {
        var lines = new List<string>();
        foreach (PciFunction function in functions)
        {
            lines.Add($"{function.Address.Bus:x2}:{function.Address.Device:x2}.{function.Address.Function} {function.DeviceId:x4}");
        }

        return lines.ToArray();
    }

    /// <summary>Address, identity and bus numbers: what a fresh enumeration must agree on.</summary>
    private static string[] Detailed(ReadOnlySpan<PciFunction> functions)
    {
        var lines = new List<string>();
        foreach (PciFunction f in functions)
        {
            string bus = f.IsBridge ? $" {f.Bridge.Primary:x2}/{f.Bridge.Secondary:x2}/{f.Bridge.Subordinate:x2}" : string.Empty;
            string parent = f.Parent is null ? "root" : f.Parent.Address.ToString();
            lines.Add($"{f.Address} {f.VendorId:x4}:{f.DeviceId:x4} depth {f.Depth} parent {parent}{bus} bars {string.Join(",", f.Bars.ToArray().Select(b => $"{b.Kind}/{b.Size:x}/{b.Address:x}"))}");
        }

        return lines.ToArray();
    }

    internal static PciFunction At(DomainEnumerator enumerator, byte bus, int device, int function = 0)
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

    /// <summary>Every function's parent comes before it in walk order, and each bridge's subtree is contiguous right after its siblings.</summary>
    private static void AssertDepthFirst(ReadOnlySpan<PciFunction> walk)
    {
        var position = new Dictionary<PciFunction, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < walk.Length; i++)
        {
            PciFunction f = walk[i];
            if (f.Parent is not null)
            {
                Assert.True(position.ContainsKey(f.Parent), $"{f.Address} is listed before its parent {f.Parent.Address}");
                Assert.Equal(f.Parent.Depth + 1, f.Depth);
            }

            position[f] = i;
        }

        // The subtree of every bridge is one contiguous run.
        PciFunction[] all = walk.ToArray();
        foreach (PciFunction bridge in all.Where(f => f.IsBridge))
        {
            int[] below = Enumerable.Range(0, all.Length).Where(i => DomainEnumerator.IsBelow(all[i], bridge)).ToArray();
            if (below.Length > 0)
            {
                Assert.Equal(below.Length, below[^1] - below[0] + 1);
            }
        }
    }

    private static long AllocatedByRescan(DomainEnumerator enumerator, out bool unchanged)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        unchanged = enumerator.Rescan();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // ---- insertion ----

    [Fact]
    public void The_empty_slot_is_numbered_with_its_reserve()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();

        Assert.Equal((0x00, 0x07, 0x0B), (t.Empty.Primary, t.Empty.Secondary, t.Empty.Subordinate));
        Assert.Equal(["00:17.0 0017", "00:1b.0 001b", "00:1c.0 001c", "00:1d.0 001d", "01:00.0 1b00", "02:00.0 1c00"], Listing(e.WalkOrder));
    }

    [Fact]
    public void EnumerateBelow_finds_exactly_the_new_drive_inside_the_slot_bus_numbers()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction port = At(e, 0, 0x1D);
        (byte Primary, byte Secondary, byte Subordinate) numbers = (port.Bridge.Primary, port.Bridge.Secondary, port.Bridge.Subordinate);
        PciFunction[] others = e.Functions.ToArray();
        string[] othersDetailed = Detailed(others);

        t.AddDrive();
        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        Assert.Equal(["07:00.0 d000"], Listing(added));
        PciFunction drive = added[0];
        Assert.Same(port, drive.Parent);
        Assert.Equal(port.Depth + 1, drive.Depth);
        Assert.True(DomainEnumerator.IsBelow(drive, port));
        Assert.InRange(drive.Address.Bus, numbers.Secondary, numbers.Subordinate);
        Assert.Equal(PciBarKind.Memory64, drive.Bars[0].Kind);
        Assert.Equal(0x4000UL, drive.Bars[0].Size);

        // The slot's numbers, in the record and in the registers, did not move.
        Assert.Equal(numbers, (port.Bridge.Primary, port.Bridge.Secondary, port.Bridge.Subordinate));
        Assert.Equal((0x00, 0x07, 0x0B), (t.Empty.Primary, t.Empty.Secondary, t.Empty.Subordinate));

        // Everything else: the same records, unchanged.
        Assert.Equal(others.Length + 1, e.Functions.Length);
        foreach (PciFunction other in others)
        {
            Assert.Contains(e.Functions.ToArray(), f => ReferenceEquals(f, other));
        }

        Assert.Equal(othersDetailed, Detailed(others));
        Assert.Equal((0x00, 0x01, 0x01), (t.Plain.Primary, t.Plain.Secondary, t.Plain.Subordinate));
        Assert.Equal((0x00, 0x02, 0x06), (t.Occupied.Primary, t.Occupied.Secondary, t.Occupied.Subordinate));
    }

    [Fact]
    public void After_inserting_a_drive_the_domain_matches_a_fresh_enumeration_and_rescans_without_allocating()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        t.AddDrive();
        e.EnumerateBelow(At(e, 0, 0x1D));

        var fresh = new Slots();
        fresh.AddDrive();
        DomainEnumerator reference = fresh.Enumerate();

        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));
        Assert.Equal(Listing(reference.Functions), Listing(e.Functions));
        Assert.Equal(Detailed(reference.WalkOrder), Detailed(e.WalkOrder));
        AssertDepthFirst(e.WalkOrder);
        Assert.Equal(reference.Fingerprint, e.Fingerprint);
        ulong fingerprint = e.Fingerprint;

        Assert.True(e.Rescan(), "the first re-scan after EnumerateBelow saw a change");
        long allocated = AllocatedByRescan(e, out bool unchanged);

        Assert.True(unchanged);
        Assert.Equal(0, allocated);
        Assert.Equal(fingerprint, e.Fingerprint);
        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));
    }

    [Fact]
    public void A_switch_in_the_slot_is_numbered_inside_the_slot_and_walked_depth_first()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction port = At(e, 0, 0x1D);
        PciFunction[] others = e.Functions.ToArray();
        string[] othersDetailed = Detailed(others);

        FakeNode upstream = t.AddSwitch();
        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        Assert.Equal(["07:00.0 d100", "08:00.0 d200", "08:01.0 d201", "09:00.0 d300", "0a:00.0 d301"], Listing(added));
        Assert.All(added, f => Assert.True(DomainEnumerator.IsBelow(f, port)));
        Assert.All(added, f => Assert.InRange(f.Address.Bus, (byte)0x07, (byte)0x0B));
        Assert.All(added.Where(f => f.IsBridge), b =>
        {
            Assert.InRange(b.Bridge.Secondary, (byte)0x08, (byte)0x0B);
            Assert.InRange(b.Bridge.Subordinate, b.Bridge.Secondary, (byte)0x0B);
        });
        Assert.Equal((0x07, 0x08, 0x0A), (upstream.Primary, upstream.Secondary, upstream.Subordinate));
        Assert.Equal((0x00, 0x07, 0x0B), (t.Empty.Primary, t.Empty.Secondary, t.Empty.Subordinate));
        Assert.Equal((byte)0x0B, port.Bridge.Subordinate);
        Assert.Equal(othersDetailed, Detailed(others));

        // Walk order: the slot's subtree follows the other root-bus subtrees, exactly as a full walk lists it.
        AssertDepthFirst(e.WalkOrder);
        Assert.Equal(
            ["00:17.0 0017", "00:1b.0 001b", "00:1c.0 001c", "00:1d.0 001d", "01:00.0 1b00", "02:00.0 1c00", "07:00.0 d100", "08:00.0 d200", "08:01.0 d201", "09:00.0 d300", "0a:00.0 d301"],
            Listing(e.WalkOrder));
        var fresh = new Slots();
        fresh.AddSwitch();
        Assert.Equal(Listing(fresh.Enumerate().WalkOrder), Listing(e.WalkOrder));

        Assert.True(e.Rescan());
        long allocated = AllocatedByRescan(e, out bool unchanged);
        Assert.True(unchanged);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void EnumerateBelow_writes_only_to_functions_below_the_slot()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate(logged: true);
        PciFunction port = At(e, 0, 0x1D);
        t.AddSwitch();
        t.Log.Clear();
        t.Log.Recording = true;

        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        var below = new HashSet<PciAddress>(added.Select(f => f.Address));
        var written = t.Log.Accesses.Where(a => a.IsWrite).Select(a => a.Address).Distinct().ToArray();
        Assert.NotEmpty(written);
        Assert.All(written, a => Assert.True(below.Contains(a), $"EnumerateBelow wrote to {a}, outside the slot"));
        Assert.All(t.Log.Accesses, a => Assert.InRange(a.Address.Bus, (byte)0x07, (byte)0x0B));
    }

    [Fact]
    public void EnumerateBelow_of_a_still_empty_slot_adds_nothing_and_changes_nothing()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        ulong fingerprint = e.Fingerprint;
        string[] walk = Listing(e.WalkOrder);

        ReadOnlySpan<PciFunction> added = e.EnumerateBelow(At(e, 0, 0x1D));

        Assert.Equal(0, added.Length);
        Assert.Equal(walk, Listing(e.WalkOrder));
        Assert.Equal(fingerprint, e.Fingerprint);
        Assert.True(e.Rescan());
    }

    [Fact]
    public void EnumerateBelow_of_an_occupied_slot_replaces_what_was_below()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction port = At(e, 0, 0x1C);
        int count = e.Functions.Length;
        t.Domain.Endpoint(t.Occupied.Below!, 0, 0x1C99); // another drive in the same slot

        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        Assert.Equal(["02:00.0 1c99"], Listing(added));
        Assert.Equal(count, e.Functions.Length);
        Assert.DoesNotContain("02:00.0 1c00", Listing(e.Functions));
        var fresh = new Slots();
        fresh.Domain.Endpoint(fresh.Occupied.Below!, 0, 0x1C99);
        DomainEnumerator reference = fresh.Enumerate();
        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));
        Assert.Equal(reference.Fingerprint, e.Fingerprint);
        Assert.True(e.Rescan());
    }

    [Fact]
    public void Inserting_into_both_slots_one_after_the_other_keeps_the_full_walk_order()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        RoutedDomain.Remove(t.Occupied.Below!, 0);
        Assert.Equal(1, e.RemoveBelow(At(e, 0, 0x1C)));

        t.AddSwitch();
        e.EnumerateBelow(At(e, 0, 0x1D));
        t.Domain.Endpoint(t.Occupied.Below!, 0, 0x1C00);
        e.EnumerateBelow(At(e, 0, 0x1C));

        var fresh = new Slots();
        fresh.AddSwitch();
        DomainEnumerator reference = fresh.Enumerate();

        // Addresses and order agree; 00:1d.0's subordinate does not (a fresh walk adds the reserve after the switch's buses).
        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));
        Assert.Equal(0x0B, At(e, 0, 0x1D).Bridge.Subordinate);
        Assert.Equal(0x0E, At(reference, 0, 0x1D).Bridge.Subordinate);
        AssertDepthFirst(e.WalkOrder);
        Assert.True(e.Rescan());
        Assert.Equal(0, AllocatedByRescan(e, out bool unchanged));
        Assert.True(unchanged);
    }

    [Fact]
    public void A_multi_function_drive_is_found_whole()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        FakeNode f0 = t.AddDrive(0xD000);
        f0.Function.Set8(PciHeader.HeaderType, HeaderType.Endpoint | HeaderType.MultiFunction);
        t.Domain.Endpoint(t.Empty.Below!, 0, 0xD001, function: 1);

        PciFunction[] added = e.EnumerateBelow(At(e, 0, 0x1D)).ToArray();

        Assert.Equal(["07:00.0 d000", "07:00.1 d001"], Listing(added));
        var fresh = new Slots();
        fresh.AddDrive(0xD000).Function.Set8(PciHeader.HeaderType, HeaderType.Endpoint | HeaderType.MultiFunction);
        fresh.Domain.Endpoint(fresh.Empty.Below!, 0, 0xD001, function: 1);
        DomainEnumerator reference = fresh.Enumerate();
        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));
        Assert.Equal(reference.Fingerprint, e.Fingerprint);
        Assert.True(e.Rescan());
    }

    [Fact]
    public void A_hot_plug_slot_below_a_switch_is_enumerated_in_place()
    {
        // Root port 00:1c.0 → switch: upstream, downstream 0 (hot-plug, drive), downstream 1 (hot-plug, empty). 00:1d.0 after it.
        RoutedDomain Build(bool inserted, out FakeNode emptySlot)
        {
            var domain = new RoutedDomain(Root);
            FakeNode port = domain.Bridge(domain.Root(0), 0x1C, 0x001C);
            FakeNode upstream = domain.Bridge(port.Below!, 0, 0x2100, PciExpressPortType.SwitchUpstreamPort);
            FakeNode down0 = domain.Bridge(upstream.Below!, 0, 0x2200, PciExpressPortType.SwitchDownstreamPort, hotPlug: true);
            emptySlot = domain.Bridge(upstream.Below!, 1, 0x2201, PciExpressPortType.SwitchDownstreamPort, hotPlug: true);
            domain.Endpoint(down0.Below!, 0, 0x2300);
            FakeNode other = domain.Bridge(domain.Root(0), 0x1D, 0x001D);
            domain.Endpoint(other.Below!, 0, 0x1D00);
            if (inserted)
            {
                domain.Endpoint(emptySlot.Below!, 0, 0x2301);
            }

            return domain;
        }

        RoutedDomain live = Build(inserted: false, out FakeNode slot);
        var e = new DomainEnumerator(live, Segment, [Root], Slots.Options);
        e.Enumerate();
        PciFunction downstream = At(e, slot.Primary, 1);
        Assert.Equal(0x2201, downstream.DeviceId);
        (byte, byte) numbers = (slot.Secondary, slot.Subordinate);
        string[] before = Detailed(e.WalkOrder);

        live.Endpoint(slot.Below!, 0, 0x2301);
        PciFunction[] added = e.EnumerateBelow(downstream).ToArray();

        Assert.Single(added);
        Assert.Equal(0x2301, added[0].DeviceId);
        Assert.Equal(slot.Secondary, added[0].Address.Bus);
        Assert.Equal(numbers, (slot.Secondary, slot.Subordinate));
        Assert.Equal(before, Detailed(e.WalkOrder).Where(l => !l.Contains(added[0].Address.ToString() + " ", StringComparison.Ordinal)).ToArray());
        AssertDepthFirst(e.WalkOrder);
        var reference = new DomainEnumerator(Build(inserted: true, out _), Segment, [Root], Slots.Options);
        reference.Enumerate();
        Assert.Equal(Detailed(reference.WalkOrder), Detailed(e.WalkOrder));
        Assert.Equal(reference.Fingerprint, e.Fingerprint);
        Assert.True(e.Rescan());
        Assert.Equal(0, AllocatedByRescan(e, out bool unchanged));
        Assert.True(unchanged);
    }

    [Fact]
    public void Insertion_that_grows_the_record_pools_still_rescans_without_allocating()
    {
        // 40 endpoints on the root bus (more than the initial pool of 32), then a switch into the slot.
        var t = new Slots();
        for (int device = 0; device < 8; device++)
        {
            for (int function = 0; function < 5; function++)
            {
                FakeNode node = t.Domain.Endpoint(t.Domain.Root(0), device, (ushort)(0x3000 + (device * 8) + function), function);
                if (function == 0)
                {
                    node.Function.Set8(PciHeader.HeaderType, HeaderType.Endpoint | HeaderType.MultiFunction);
                }
            }
        }

        DomainEnumerator e = t.Enumerate();
        Assert.Equal(46, e.Functions.Length);
        Assert.True(e.Rescan());

        t.AddSwitch();
        Assert.Equal(5, e.EnumerateBelow(At(e, 0, 0x1D)).Length);

        var fresh = new Slots();
        for (int device = 0; device < 8; device++)
        {
            for (int function = 0; function < 5; function++)
            {
                FakeNode node = fresh.Domain.Endpoint(fresh.Domain.Root(0), device, (ushort)(0x3000 + (device * 8) + function), function);
                if (function == 0)
                {
                    node.Function.Set8(PciHeader.HeaderType, HeaderType.Endpoint | HeaderType.MultiFunction);
                }
            }
        }

        fresh.AddSwitch();
        Assert.Equal(Listing(fresh.Enumerate().WalkOrder), Listing(e.WalkOrder));
        Assert.True(e.Rescan());
        Assert.Equal(0, AllocatedByRescan(e, out bool unchanged));
        Assert.True(unchanged);
        Assert.Equal(51, e.Functions.Length);
    }

    // ---- removal ----

    [Fact]
    public void RemoveBelow_drops_the_slot_subtree_without_any_config_access()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate(logged: true);
        PciFunction port = At(e, 0, 0x1D);
        ulong fingerprint = e.Fingerprint;
        string[] functions = Listing(e.Functions);
        string[] walk = Listing(e.WalkOrder);
        t.AddSwitch();
        Assert.Equal(5, e.EnumerateBelow(port).Length);
        Assert.NotEqual(fingerprint, e.Fingerprint);

        RoutedDomain.Remove(t.Empty.Below!, 0); // the switch is pulled
        t.Log.Clear();
        int removed = e.RemoveBelow(port);

        Assert.Equal(5, removed);
        Assert.Equal(0, t.Log.Reads);
        Assert.Equal(0, t.Log.Writes);
        Assert.Equal(functions, Listing(e.Functions));
        Assert.Equal(walk, Listing(e.WalkOrder));
        Assert.Equal(fingerprint, e.Fingerprint);
        Assert.Equal(1, e.RootBusCount);
        Assert.Equal(walk.Length, e.GetWalkOrder(0).Length);
        Assert.True(e.Rescan());
    }

    [Fact]
    public void RemoveBelow_of_a_device_still_present_lists_it_no_more_until_a_rescan()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        string[] walk = Listing(e.WalkOrder);
        PciFunction port = At(e, 0, 0x1C);

        Assert.Equal(1, e.RemoveBelow(port));
        Assert.Equal(0, e.RemoveBelow(port)); // nothing left below

        Assert.DoesNotContain("02:00.0 1c00", Listing(e.Functions));
        Assert.False(e.Rescan()); // the hardware still has it
        Assert.Equal(walk, Listing(e.WalkOrder));
    }

    [Fact]
    public void RemoveBelow_then_EnumerateBelow_restores_the_same_fingerprint()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        t.AddDrive();
        PciFunction port = At(e, 0, 0x1D);
        e.EnumerateBelow(port);
        ulong withDrive = e.Fingerprint;

        e.RemoveBelow(port);
        e.EnumerateBelow(port);

        Assert.Equal(withDrive, e.Fingerprint);
        Assert.True(e.Rescan());
    }

    // ---- argument checks ----

    [Fact]
    public void EnumerateBelow_and_RemoveBelow_refuse_a_non_bridge()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction endpoint = At(e, 0, 0x17);
        string[] walk = Listing(e.WalkOrder);

        Assert.Throws<ArgumentException>(() => e.EnumerateBelow(endpoint));
        Assert.Throws<ArgumentException>(() => e.RemoveBelow(endpoint));
        Assert.Throws<ArgumentNullException>(() => e.EnumerateBelow(null!));
        Assert.Equal(walk, Listing(e.WalkOrder));
    }

    [Fact]
    public void EnumerateBelow_and_RemoveBelow_refuse_a_record_not_in_the_list()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction foreign = At(new Slots().Enumerate(), 0, 0x1D); // same address, another enumerator's record
        PciFunction dropped = At(e, 0, 0x1B);
        RoutedDomain.Remove(t.Domain.Root(0), 0x1B);
        Assert.False(e.Rescan());

        Assert.Throws<ArgumentException>(() => e.EnumerateBelow(foreign));
        Assert.Throws<ArgumentException>(() => e.RemoveBelow(foreign));
        Assert.Throws<ArgumentException>(() => e.EnumerateBelow(dropped)); // a stale record from before the re-scan
    }

    [Fact]
    public void EnumerateBelow_refuses_a_bridge_without_bus_numbers()
    {
        var domain = new RoutedDomain(new RootBusRange(0x00, 0x00));
        domain.Bridge(domain.Root(0), 0x1D, 0x001D, hotPlug: true);
        var e = new DomainEnumerator(domain, Segment, [new RootBusRange(0x00, 0x00)]);
        e.Enumerate();
        PciFunction port = At(e, 0, 0x1D);
        Assert.True(port.Issues.HasFlag(FunctionIssues.BusNumbersExhausted));

        Assert.Throws<ArgumentException>(() => e.EnumerateBelow(port));
    }

    [Fact]
    public void IsBelow_follows_the_parent_chain_only()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        PciFunction port = At(e, 0, 0x1D);
        t.AddSwitch();
        e.EnumerateBelow(port);
        PciFunction upstream = At(e, 0x07, 0);
        PciFunction drive = At(e, 0x09, 0);

        Assert.True(DomainEnumerator.IsBelow(upstream, port));
        Assert.True(DomainEnumerator.IsBelow(drive, port));
        Assert.True(DomainEnumerator.IsBelow(drive, upstream));
        Assert.False(DomainEnumerator.IsBelow(port, port));
        Assert.False(DomainEnumerator.IsBelow(port, drive));
        Assert.False(DomainEnumerator.IsBelow(At(e, 0x02, 0), port));
        Assert.False(DomainEnumerator.IsBelow(At(e, 0x08, 1), At(e, 0x08, 0)));
        Assert.Throws<ArgumentNullException>(() => DomainEnumerator.IsBelow(null!, port));
    }

    // ---- two root buses ----

    /// <summary>
    /// Root bus 00 (00-7f): 00:1c.0 hot-plug port (empty unless told). Root bus 80 (80-8f): 80:01.0 hot-plug port with a
    /// drive, 80:02.0 hot-plug port, empty. Two spare bus numbers per slot.
    /// </summary>
    private sealed class TwoRoots
    {
        public TwoRoots()
        {
            Port0 = Domain.Bridge(Domain.Root(0), 0x1C, 0x001C, hotPlug: true);
            Occupied1 = Domain.Bridge(Domain.Root(1), 0x01, 0x8001, hardWiredPrimary: 0x80, hotPlug: true);
            Domain.Endpoint(Occupied1.Below!, 0, 0x8100);
            Empty1 = Domain.Bridge(Domain.Root(1), 0x02, 0x8002, hardWiredPrimary: 0x80, hotPlug: true);
        }

        public RoutedDomain Domain { get; } = new(Root0, Root1);

        public FakeNode Port0 { get; }

        public FakeNode Occupied1 { get; }

        public FakeNode Empty1 { get; }

        public DomainEnumerator Enumerate()
        {
            var e = new DomainEnumerator(Domain, Segment, [Root0, Root1], new EnumerationOptions { HotPlugBusReserve = 2 });
            e.Enumerate();
            return e;
        }

        public void AddBelowRoot1()
        {
            FakeNode upstream = Domain.Bridge(Empty1.Below!, 0, 0x8200, PciExpressPortType.SwitchUpstreamPort);
            FakeNode down = Domain.Bridge(upstream.Below!, 0, 0x8300, PciExpressPortType.SwitchDownstreamPort);
            Domain.Endpoint(down.Below!, 0, 0x8400);
        }
    }

    [Fact]
    public void Slot_on_root_bus_1_keeps_the_per_root_walk_order()
    {
        var t = new TwoRoots();
        DomainEnumerator e = t.Enumerate();
        Assert.Equal((0x80, 0x84, 0x86), (t.Empty1.Primary, t.Empty1.Secondary, t.Empty1.Subordinate));
        string[] root0 = Listing(e.GetWalkOrder(0));
        PciFunction port = At(e, 0x80, 0x02);

        t.AddBelowRoot1();
        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        Assert.Equal(["84:00.0 8200", "85:00.0 8300", "86:00.0 8400"], Listing(added));
        Assert.Equal(root0, Listing(e.GetWalkOrder(0)));
        Assert.Equal(["80:01.0 8001", "80:02.0 8002", "81:00.0 8100", "84:00.0 8200", "85:00.0 8300", "86:00.0 8400"], Listing(e.GetWalkOrder(1)));
        Assert.All(added, f => Assert.Contains(e.GetWalkOrder(1).ToArray(), g => ReferenceEquals(f, g)));
        Assert.All(added, f => Assert.True(Root1.Contains(f.Address.Bus)));
        AssertDepthFirst(e.WalkOrder);

        var fresh = new TwoRoots();
        fresh.AddBelowRoot1();
        DomainEnumerator reference = fresh.Enumerate();
        Assert.Equal(Listing(reference.GetWalkOrder(0)), Listing(e.GetWalkOrder(0)));
        Assert.Equal(Listing(reference.GetWalkOrder(1)), Listing(e.GetWalkOrder(1)));
        Assert.Equal(Listing(reference.WalkOrder), Listing(e.WalkOrder));

        Assert.True(e.Rescan());
        Assert.Equal(0, AllocatedByRescan(e, out bool unchanged));
        Assert.True(unchanged);
        Assert.Equal(6, e.GetWalkOrder(1).Length);
    }

    [Fact]
    public void Slot_on_root_bus_0_stays_in_root_bus_0_walk_order()
    {
        var t = new TwoRoots();
        DomainEnumerator e = t.Enumerate();
        string[] root1 = Listing(e.GetWalkOrder(1));
        PciFunction port = At(e, 0x00, 0x1C);

        t.Domain.Endpoint(t.Port0.Below!, 0, 0x0100);
        PciFunction[] added = e.EnumerateBelow(port).ToArray();

        Assert.Equal(["01:00.0 0100"], Listing(added));
        Assert.Equal(["00:1c.0 001c", "01:00.0 0100"], Listing(e.GetWalkOrder(0)));
        Assert.Equal(root1, Listing(e.GetWalkOrder(1)));
        Assert.True(e.Rescan());
        port = At(e, 0x00, 0x1C); // records held across a re-scan are stale (the re-scan refills the other pool)

        RoutedDomain.Remove(t.Port0.Below!, 0);
        Assert.Equal(1, e.RemoveBelow(port));
        Assert.Equal(["00:1c.0 001c"], Listing(e.GetWalkOrder(0)));
        Assert.Equal(root1, Listing(e.GetWalkOrder(1)));
        Assert.True(e.Rescan());
    }

    [Fact]
    public void RemoveBelow_on_root_bus_1_keeps_both_partitions()
    {
        var t = new TwoRoots();
        DomainEnumerator e = t.Enumerate();
        string[] root0 = Listing(e.GetWalkOrder(0));
        ulong fingerprint = e.Fingerprint;
        PciFunction port = At(e, 0x80, 0x02);
        t.AddBelowRoot1();
        e.EnumerateBelow(port);

        Assert.Equal(3, e.RemoveBelow(port));

        Assert.Equal(root0, Listing(e.GetWalkOrder(0)));
        Assert.Equal(["80:01.0 8001", "80:02.0 8002", "81:00.0 8100"], Listing(e.GetWalkOrder(1)));
        Assert.Equal(fingerprint, e.Fingerprint);
    }
}
