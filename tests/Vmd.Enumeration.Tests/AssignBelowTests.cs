using System;
using System.Collections.Generic;
using System.Linq;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;
using Vmd.Registers;
using static Vmd.Enumeration.Tests.EnumerateBelowTests;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// <see cref="ResourceAssigner.AssignBelow"/> after a hot insertion: the new functions go inside the slot's existing
/// window, the slot's port and every other function are left alone.
/// </summary>
public sealed class AssignBelowTests
{
    private const ulong MiB = 1UL << 20;
    private const ulong MemBarBase = 0x5000_0000;
    private const ushort MemoryDecode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    /// <summary>The domain enumerated and assigned as at start-up; then something is inserted into the slot of 00:1d.0.</summary>
    private sealed class Setup
    {
        public Setup(Action<Slots> insert, ulong busOffset = 0)
        {
            Topology = new Slots();
            Enumerator = Topology.Enumerate(logged: true);
            Assigner = new ResourceAssigner(Topology.Log);
            Offset = busOffset;
            AssignmentResult full = Assigner.Assign(Enumerator.WalkOrder, [new Aperture("MEMBAR1", MemBarBase + busOffset, 64 * MiB, busOffset)]);
            Assert.True(full.AllAssigned);
            Port = At(Enumerator, 0, 0x1D);
            Window = Port.Bridge.Memory;
            Assert.True(Window.IsEnabled, "the hot-plug port got no reserve window");
            Assert.True(Window.Size >= ResourceOptions.DefaultHotPlugMemoryReserve);
            Before = Snapshot(Enumerator.Functions);
            PortRegisters = Registers(Topology.Empty.Function);
            insert(Topology);
            Added = Enumerator.EnumerateBelow(Port).ToArray();
            Assert.NotEmpty(Added);
        }

        public Slots Topology { get; }

        public DomainEnumerator Enumerator { get; }

        public ResourceAssigner Assigner { get; }

        public ulong Offset { get; }

        public PciFunction Port { get; }

        public MemoryWindow Window { get; }

        public Dictionary<PciFunction, string> Before { get; }

        public byte[] PortRegisters { get; }

        public PciFunction[] Added { get; }

        public Aperture WindowAperture => new("window", Window.Base + Offset, Window.Size, Offset);

        public AssignmentResult AssignBelow(Aperture? window = null)
        {
            Topology.Log.Clear();
            Topology.Log.Recording = true;
            AssignmentResult result = Assigner.AssignBelow(Port, Added, window ?? WindowAperture);
            Topology.Log.Recording = false;
            return result;
        }
    }

    private static Dictionary<PciFunction, string> Snapshot(ReadOnlySpan<PciFunction> functions)
    {
        var map = new Dictionary<PciFunction, string>(ReferenceEqualityComparer.Instance);
        foreach (PciFunction f in functions)
        {
            map[f] = Describe(f);
        }

        return map;
    }

    private static string Describe(PciFunction f)
    {
        string bars = string.Join(",", f.Bars.ToArray().Select((b, i) => $"{b.Kind}/{b.Size:x}@{b.Address:x}/{f.GetBarCpuAddress(i):x}"));
        string bridge = f.IsBridge ? $" {f.Bridge.Secondary:x2}-{f.Bridge.Subordinate:x2} m {f.Bridge.Memory.Base:x}-{f.Bridge.Memory.Limit:x} p {f.Bridge.Prefetchable.Base:x}-{f.Bridge.Prefetchable.Limit:x}" : string.Empty;
        return $"{f.Address} cmd {f.Command:x4} assigned {f.Assigned} issues {f.Issues} bars {bars}{bridge}";
    }

    private static byte[] Registers(FakeFunction fake)
    {
        var bytes = new byte[256];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = fake.Read8(i);
        }

        return bytes;
    }

    private static void AssertOthersUntouched(Setup s)
    {
        var below = new HashSet<PciAddress>(s.Added.Select(f => f.Address));
        Assert.All(s.Topology.Log.Accesses, a => Assert.True(below.Contains(a.Address), $"AssignBelow {(a.IsWrite ? "wrote" : "read")} {a.Address} +0x{a.Offset:x}"));
        Assert.DoesNotContain(s.Topology.Log.Accesses, a => a.IsWrite && a.Address == s.Port.Address);
        Assert.Equal(s.PortRegisters, Registers(s.Topology.Empty.Function));
        foreach ((PciFunction f, string before) in s.Before)
        {
            Assert.Equal(before, Describe(f));
        }
    }

    private static void AssertInside(MemoryWindow window, ulong address, ulong size, string what) =>
        Assert.True(window.Contains(address, size), $"{what} at {address:x} size {size:x} is outside {window.Base:x}-{window.Limit:x}");

    [Fact]
    public void A_new_drive_gets_its_bar_inside_the_slot_window_and_nothing_else_is_touched()
    {
        var s = new Setup(t => t.AddDrive());
        PciFunction drive = Assert.Single(s.Added);

        AssignmentResult result = s.AssignBelow();

        Assert.True(result.AllAssigned);
        Assert.Equal(1, result.FunctionsAssigned);
        Assert.True(drive.Assigned);
        Assert.Equal(FunctionIssues.None, drive.Issues & (FunctionIssues.NoApertureSpace | FunctionIssues.BarLargerThanApertures | FunctionIssues.UpstreamUnassigned));
        PciBar bar = drive.Bars[0];
        Assert.Equal(PciBarKind.Memory64, bar.Kind);
        AssertInside(s.Window, bar.Address, bar.Size, "BAR0");
        Assert.Equal(0UL, bar.Address % bar.Size);
        Assert.Equal(bar.Address, drive.GetBarCpuAddress(0));
        Assert.Equal(0x4000UL, result.BytesUsed[0]);

        // The registers hold it, and the drive decodes.
        FakeFunction fake = s.Topology.Empty.Below!.Slots[0]!.Function;
        ulong programmed = (fake.Read32(PciHeader.BaseAddress(0)) & BaseAddressBits.MemoryAddressMask) | ((ulong)fake.Read32(PciHeader.BaseAddress(1)) << 32);
        Assert.Equal(bar.Address, programmed);
        Assert.Equal(MemoryDecode, (ushort)(fake.Read16(PciHeader.Command) & MemoryDecode));

        AssertOthersUntouched(s);
        s.Enumerator.ComputeFingerprint();
        Assert.True(s.Enumerator.Rescan(), "a re-scan after the assignment saw a change");
    }

    [Fact]
    public void Cpu_addresses_follow_the_window_aperture_offset()
    {
        const ulong offset = 0x2_0000_0000;
        var s = new Setup(t => t.AddDrive(), offset);
        PciFunction drive = s.Added[0];

        Assert.True(s.AssignBelow().AllAssigned);

        AssertInside(s.Window, drive.Bars[0].Address, drive.Bars[0].Size, "BAR0");
        Assert.Equal(drive.Bars[0].Address + offset, drive.GetBarCpuAddress(0));
        AssertOthersUntouched(s);
    }

    [Fact]
    public void A_switch_gets_windows_nested_inside_the_slot_window()
    {
        var s = new Setup(t => t.AddSwitch());

        AssignmentResult result = s.AssignBelow();

        Assert.True(result.AllAssigned);
        Assert.Equal(5, result.FunctionsAssigned);
        foreach (PciFunction f in s.Added)
        {
            MemoryWindow container = ReferenceEquals(f.Parent, s.Port) ? s.Window : f.Parent!.Bridge.Memory;
            if (f.IsBridge)
            {
                Assert.True(f.Bridge.Memory.IsEnabled, $"{f.Address} has no window");
                AssertInside(container, f.Bridge.Memory.Base, f.Bridge.Memory.Size, $"{f.Address} window");
            }

            foreach (PciBar bar in f.Bars)
            {
                if (bar.Kind != PciBarKind.None)
                {
                    AssertInside(container, bar.Address, bar.Size, $"{f.Address} BAR{bar.Index}");
                    AssertInside(s.Window, bar.Address, bar.Size, $"{f.Address} BAR{bar.Index}");
                }
            }

            Assert.True(f.Assigned, $"{f.Address} unassigned: {f.Issues}");
        }

        AssertOthersUntouched(s);
    }

    [Fact]
    public void A_window_too_small_for_the_new_drive_is_flagged_NoApertureSpace_and_the_port_stays_untouched()
    {
        // Two 64-bit BARs: 2 MiB and 16 KiB. Each fits the 2 MiB reserve alone; together they do not.
        var s = new Setup(t =>
        {
            FakeNode drive = t.AddDrive();
            drive.Function.WithMemoryBar64(0, 2 * MiB, 0).WithMemoryBar64(2, 0x4000, 0);
        });
        Assert.Equal(2 * MiB, s.Window.Size);
        PciFunction drive = s.Added[0];
        Assert.Equal(2 * MiB, drive.Bars[0].Size);

        AssignmentResult result = s.AssignBelow();

        Assert.False(result.AllAssigned);
        Assert.Equal(1, result.FunctionsUnassigned);
        Assert.False(drive.Assigned);
        Assert.True(drive.Issues.HasFlag(FunctionIssues.NoApertureSpace), $"issues: {drive.Issues}");
        Assert.Equal(0, drive.Command & (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal(0, s.Topology.Empty.Below!.Slots[0]!.Function.Read16(PciHeader.Command) & (ushort)PciCommand.MemorySpaceEnable);
        AssertOthersUntouched(s);
    }

    [Fact]
    public void A_window_aperture_smaller_than_the_bar_is_refused_for_that_function_only()
    {
        var s = new Setup(t => t.AddSwitch());
        var tiny = new Aperture("window", s.Window.Base, 1 * MiB, 0); // the switch needs 2 MiB

        AssignmentResult result = s.AssignBelow(tiny);

        Assert.False(result.AllAssigned);
        Assert.All(s.Added, f => Assert.False(f.Assigned, $"{f.Address} assigned in a window too small"));
        Assert.True(s.Added[0].Issues.HasFlag(FunctionIssues.NoApertureSpace) || s.Added[0].Issues.HasFlag(FunctionIssues.BarLargerThanApertures), $"issues: {s.Added[0].Issues}");
        AssertOthersUntouched(s);
    }

    [Fact]
    public void AssignBelow_refuses_functions_whose_parent_is_not_listed()
    {
        var s = new Setup(t => t.AddSwitch());
        PciFunction[] withoutUpstream = s.Added.Skip(1).ToArray();
        s.Topology.Log.Clear();

        Assert.Throws<ArgumentException>(() => s.Assigner.AssignBelow(s.Port, withoutUpstream, s.WindowAperture));
        Assert.Throws<ArgumentNullException>(() => s.Assigner.AssignBelow(null!, s.Added, s.WindowAperture));
        Assert.Equal(0, s.Topology.Log.Writes);
    }

    [Fact]
    public void The_slot_window_read_back_by_a_rescan_is_the_one_assigned()
    {
        var t = new Slots();
        DomainEnumerator e = t.Enumerate();
        Assert.True(new ResourceAssigner(t.Domain).Assign(e.WalkOrder, [new Aperture("MEMBAR1", MemBarBase, 64 * MiB, 0)]).AllAssigned);
        MemoryWindow assigned = At(e, 0, 0x1D).Bridge.Memory;
        e.ComputeFingerprint();

        Assert.True(e.Rescan());

        MemoryWindow decoded = At(e, 0, 0x1D).Bridge.Memory; // a new record: the re-scan refilled the other pool
        Assert.Equal((assigned.Base, assigned.Limit), (decoded.Base, decoded.Limit));

        // The controller's order: re-scan, then insert into the slot using the record from the current list.
        t.AddDrive();
        PciFunction port = At(e, 0, 0x1D);
        PciFunction[] added = e.EnumerateBelow(port).ToArray();
        AssignmentResult result = new ResourceAssigner(t.Domain).AssignBelow(port, added, new Aperture("window", decoded.Base, decoded.Size, 0));
        Assert.True(result.AllAssigned);
        AssertInside(decoded, added[0].Bars[0].Address, added[0].Bars[0].Size, "BAR0");
    }

    [Fact]
    public void A_full_assignment_after_AssignBelow_still_works()
    {
        var s = new Setup(t => t.AddDrive());
        Assert.True(s.AssignBelow().AllAssigned);

        // The assigner is reused (its subtree mode must not leak into the next full run).
        AssignmentResult full = s.Assigner.Assign(s.Enumerator.WalkOrder, [new Aperture("MEMBAR1", MemBarBase, 64 * MiB, 0)]);

        Assert.True(full.AllAssigned);
        var membar = new MemoryWindow(MemBarBase, MemBarBase + (64 * MiB) - 1);
        foreach (PciFunction f in s.Enumerator.WalkOrder)
        {
            foreach (PciBar bar in f.Bars)
            {
                if (bar.Kind != PciBarKind.None)
                {
                    AssertInside(membar, bar.Address, bar.Size, $"{f.Address} BAR{bar.Index}");
                }
            }
        }

        AssertInside(s.Port.Bridge.Memory, s.Added[0].Bars[0].Address, s.Added[0].Bars[0].Size, "drive after the full run");
    }
}
