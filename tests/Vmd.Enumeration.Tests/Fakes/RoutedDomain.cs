using System;
using Vmd.Enumeration.Walk;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Fakes;

/// <summary>
/// A domain with one or more root buses whose config accesses are routed the way hardware routes them: a bus
/// number inside a root bus's range goes to that root bus, and from there only through bridges whose programmed
/// secondary–subordinate range holds it. So a function below a bridge is reachable only at the bus number the
/// enumerator actually gave that bridge. Reads and writes allocate nothing.
/// </summary>
internal sealed class RoutedDomain : IConfigSpace
{
    public const uint Segment = 0x10000;

    private readonly RootBusRange[] _ranges;
    private readonly FakeBus[] _roots;

    public RoutedDomain(params RootBusRange[] ranges)
    {
        _ranges = ranges;
        _roots = new FakeBus[ranges.Length];
        for (int i = 0; i < ranges.Length; i++)
        {
            _roots[i] = new FakeBus();
        }
    }

    public bool HasExtendedSpace => true;

    /// <summary>The root bus whose range is <paramref name="index"/> in the constructor's list.</summary>
    public FakeBus Root(int index) => _roots[index];

    /// <summary>A PCIe root port (or other bridge) at <paramref name="device"/>.0; its bus numbers start at 0 unless given.</summary>
    public FakeNode Bridge(
        FakeBus bus,
        int device,
        ushort deviceId,
        PciExpressPortType type = PciExpressPortType.RootPort,
        byte? hardWiredPrimary = null,
        bool hotPlug = false,
        byte staleSecondary = 0,
        byte staleSubordinate = 0)
    {
        var fake = new FakeFunction();
        fake.Set16(PciHeader.DeviceId, deviceId)
            .Set32(PciHeader.RevisionId, 0x0604_0000)
            .Set8(PciHeader.HeaderType, HeaderType.Bridge);

        // Bus numbers: secondary, subordinate and latency writable; primary too unless hard-wired.
        fake.Set8(Type1Header.PrimaryBusNumber, hardWiredPrimary ?? 0)
            .Set8(Type1Header.SecondaryBusNumber, staleSecondary)
            .Set8(Type1Header.SubordinateBusNumber, staleSubordinate)
            .SetWritable32(Type1Header.PrimaryBusNumber, hardWiredPrimary is null ? 0xFFFF_FFFFu : 0xFFFF_FF00u);

        // Memory and 64-bit prefetchable windows; no I/O window.
        fake.SetWritable32(Type1Header.MemoryBase, 0xFFF0_FFF0).Set32(Type1Header.MemoryBase, 0x0000_FFF0);
        fake.SetWritable32(Type1Header.PrefetchableMemoryBase, 0xFFF0_FFF0).Set32(Type1Header.PrefetchableMemoryBase, 0x0001_FFF1);
        fake.SetWritable32(Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF).SetWritable32(Type1Header.PrefetchableLimitUpper32, 0xFFFF_FFFF);

        // PCI Express capability at 0x40.
        ushort capabilities = (ushort)(((int)type << PciExpressCapability.PortTypeShift) | 2 | (hotPlug ? PciExpressCapability.SlotImplemented : 0));
        fake.WithCapabilityPointer(0x40)
            .WithCapability(0x40, CapabilityId.PciExpress, 0)
            .Set16(0x40 + PciExpressCapability.Capabilities, capabilities);
        if (hotPlug)
        {
            fake.Set32(0x40 + PciExpressCapability.SlotCapabilities, PciExpressCapability.HotPlugCapable);
        }

        var node = new FakeNode(fake, new FakeBus());
        bus.Slots[device * 8] = node;
        return node;
    }

    /// <summary>An NVMe-like endpoint at <paramref name="device"/>.<paramref name="function"/> with one 64-bit 16 KiB BAR.</summary>
    public FakeNode Endpoint(FakeBus bus, int device, ushort deviceId, int function = 0)
    {
        var fake = new FakeFunction();
        fake.Set16(PciHeader.DeviceId, deviceId)
            .Set32(PciHeader.RevisionId, 0x0108_0200)
            .Set8(PciHeader.HeaderType, HeaderType.Endpoint)
            .WithMemoryBar64(0, 0x4000, 0);
        var node = new FakeNode(fake, null);
        bus.Slots[(device * 8) + function] = node;
        return node;
    }

    /// <summary>Takes a function out of its slot (surprise removal of the device).</summary>
    public static void Remove(FakeBus bus, int device, int function = 0) => bus.Slots[(device * 8) + function] = null;

    public byte Read8(PciAddress address, ushort offset) => Find(address) is { } f ? f.Read8(offset) : (byte)0xFF;

    public ushort Read16(PciAddress address, ushort offset) => Find(address) is { } f ? f.Read16(offset) : (ushort)0xFFFF;

    public uint Read32(PciAddress address, ushort offset) => Find(address) is { } f ? f.Read32(offset) : 0xFFFF_FFFF;

    public void Write8(PciAddress address, ushort offset, byte value) => Find(address)?.Write8(offset, value);

    public void Write16(PciAddress address, ushort offset, ushort value) => Find(address)?.Write16(offset, value);

    public void Write32(PciAddress address, ushort offset, uint value) => Find(address)?.Write32(offset, value);

    private FakeFunction? Find(PciAddress address)
    {
        if (address.Segment != Segment)
        {
            return null;
        }

        for (int i = 0; i < _ranges.Length; i++)
        {
            if (_ranges[i].Contains(address.Bus))
            {
                return Route(_roots[i], _ranges[i].FirstBus, address);
            }
        }

        return null;
    }

    private static FakeFunction? Route(FakeBus bus, int number, PciAddress address)
    {
        if (address.Bus == number)
        {
            return bus.Slots[(address.Device * 8) + address.Function]?.Function;
        }

        foreach (FakeNode? node in bus.Slots)
        {
            if (node?.Below is null)
            {
                continue;
            }

            int secondary = node.Function.Read8(Type1Header.SecondaryBusNumber);
            int subordinate = node.Function.Read8(Type1Header.SubordinateBusNumber);
            if (secondary > number && secondary <= address.Bus && address.Bus <= subordinate)
            {
                return Route(node.Below, secondary, address);
            }
        }

        return null;
    }
}

/// <summary>One bus of a <see cref="RoutedDomain"/>: 32 devices × 8 functions.</summary>
internal sealed class FakeBus
{
    public FakeNode?[] Slots { get; } = new FakeNode?[256];
}

/// <summary>A function of a <see cref="RoutedDomain"/> and, for a bridge, the bus below it.</summary>
internal sealed class FakeNode(FakeFunction function, FakeBus? below)
{
    public FakeFunction Function { get; } = function;

    public FakeBus? Below { get; } = below;

    public byte Secondary => Function.Read8(Type1Header.SecondaryBusNumber);

    public byte Subordinate => Function.Read8(Type1Header.SubordinateBusNumber);

    public byte Primary => Function.Read8(Type1Header.PrimaryBusNumber);
}
