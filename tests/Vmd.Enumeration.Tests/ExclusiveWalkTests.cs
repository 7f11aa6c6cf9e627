using System.Linq;
using NSubstitute;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Enumeration.Walk;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// A port that offers <see cref="IExclusiveConfigAccess"/> is taken once per walk, around every access of the walk:
/// the enumeration, the re-scan and the hot-plug enumeration below a slot. A port without it works as before.
/// </summary>
public sealed class ExclusiveWalkTests
{
    private static (IConfigSpace Port, IExclusiveConfigAccess Exclusive, EnumerateBelowTests.Slots Slots) Spy()
    {
        var slots = new EnumerateBelowTests.Slots();
        IConfigSpace inner = slots.Domain;
        var port = Substitute.For<IConfigSpace, IExclusiveConfigAccess>();
        port.HasExtendedSpace.Returns(_ => inner.HasExtendedSpace);
        port.Read8(default, default).ReturnsForAnyArgs(c => inner.Read8(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        port.Read16(default, default).ReturnsForAnyArgs(c => inner.Read16(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        port.Read32(default, default).ReturnsForAnyArgs(c => inner.Read32(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        port.WhenForAnyArgs(s => s.Write8(default, default, default)).Do(c => inner.Write8(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<byte>(2)));
        port.WhenForAnyArgs(s => s.Write16(default, default, default)).Do(c => inner.Write16(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<ushort>(2)));
        port.WhenForAnyArgs(s => s.Write32(default, default, default)).Do(c => inner.Write32(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<uint>(2)));
        return (port, (IExclusiveConfigAccess)port, slots);
    }

    /// <summary>Names of the calls received, in order, with every config access folded into "access".</summary>
    private static string[] Calls(IConfigSpace port) =>
        port.ReceivedCalls()
            .Select(c => c.GetMethodInfo().Name)
            .Where(n => n != "get_HasExtendedSpace")
            .Select(n => n.StartsWith("Read", System.StringComparison.Ordinal) || n.StartsWith("Write", System.StringComparison.Ordinal) ? "access" : n)
            .Aggregate(new System.Collections.Generic.List<string>(), (list, n) =>
            {
                if (n != "access" || list.Count == 0 || list[^1] != "access")
                {
                    list.Add(n);
                }

                return list;
            })
            .ToArray();

    [Fact]
    public void Enumeration_takes_the_port_once_around_all_its_accesses()
    {
        (IConfigSpace port, _, EnumerateBelowTests.Slots slots) = Spy();
        var enumerator = new DomainEnumerator(port, EnumerateBelowTests.Segment, [EnumerateBelowTests.Root], EnumerateBelowTests.Slots.Options);

        enumerator.Enumerate();

        Assert.Equal(["BeginExclusive", "access", "EndExclusive"], Calls(port));
        Assert.Equal(slots.Enumerate().Functions.Length, enumerator.Functions.Length);
    }

    [Fact]
    public void Rescan_takes_the_port_once_around_all_its_accesses()
    {
        (IConfigSpace port, _, _) = Spy();
        var enumerator = new DomainEnumerator(port, EnumerateBelowTests.Segment, [EnumerateBelowTests.Root], EnumerateBelowTests.Slots.Options);
        enumerator.Enumerate();
        port.ClearReceivedCalls();

        Assert.True(enumerator.Rescan());

        Assert.Equal(["BeginExclusive", "access", "EndExclusive"], Calls(port));
    }

    [Fact]
    public void Enumeration_below_a_slot_takes_the_port_once_around_its_accesses()
    {
        (IConfigSpace port, _, _) = Spy();
        var enumerator = new DomainEnumerator(port, EnumerateBelowTests.Segment, [EnumerateBelowTests.Root], EnumerateBelowTests.Slots.Options);
        enumerator.Enumerate();
        PciFunction slot = enumerator.Functions.ToArray().Single(f => f.Address.Device == 0x1C && f.Address.Bus == 0);
        port.ClearReceivedCalls();

        Assert.Equal(1, enumerator.EnumerateBelow(slot).Length);

        Assert.Equal(["BeginExclusive", "access", "EndExclusive"], Calls(port));
    }

    [Fact]
    public void The_port_is_released_when_the_walk_throws()
    {
        (IConfigSpace port, IExclusiveConfigAccess exclusive, _) = Spy();
        var enumerator = new DomainEnumerator(port, EnumerateBelowTests.Segment, [EnumerateBelowTests.Root], EnumerateBelowTests.Slots.Options);
        port.Read32(default, default).ReturnsForAnyArgs(_ => throw new System.InvalidOperationException("a broken host port"));

        Assert.Throws<System.InvalidOperationException>(enumerator.Enumerate);

        exclusive.Received(1).BeginExclusive();
        exclusive.Received(1).EndExclusive();
    }
}
