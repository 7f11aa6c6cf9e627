using System.Collections.Generic;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Resources;

/// <summary>
/// Builds a walked domain as the resource assigner receives it: <see cref="PciFunction"/> records in depth-first
/// order (BARs sized, bus numbers set, windows closed) over <see cref="FakeFunction"/> register maps whose BARs and
/// window registers are writable like hardware. Add functions in depth-first order.
/// </summary>
internal sealed class TestDomain
{
    public const uint Segment = 0x10000;

    private readonly List<PciFunction> _functions = new();
    private readonly Dictionary<PciFunction, FakeFunction> _fakes = new();
    private byte _nextBus = 1;

    public FakeConfigSpace Config { get; } = new();

    public PciFunction[] Functions => _functions.ToArray();

    public FakeFunction FakeOf(PciFunction function) => _fakes[function];

    public PciFunction Endpoint(PciFunction? parent, int device, int function = 0, ushort command = 0)
    {
        PciFunction record = Add(parent, device, function, HeaderType.Endpoint, Type0Header.BarCount);
        FakeOf(record).WithCommand(command);
        return record;
    }

    public PciFunction Bridge(
        PciFunction? parent,
        int device,
        bool prefetchable = true,
        bool prefetchable64 = true,
        bool hotPlug = false,
        PciExpressPortType type = PciExpressPortType.RootPort)
    {
        PciFunction record = Add(parent, device, 0, HeaderType.Bridge, Type1Header.BarCount);
        byte primary = record.Address.Bus;
        byte secondary = _nextBus++;
        FakeFunction fake = FakeOf(record);
        fake.Set8(Type1Header.PrimaryBusNumber, primary).Set8(Type1Header.SecondaryBusNumber, secondary).Set8(Type1Header.SubordinateBusNumber, secondary);

        // Windows closed as the walker leaves them (hardware digest §6.1 final state).
        fake.SetWritable32(Type1Header.MemoryBase, 0xFFF0_FFF0).Set32(Type1Header.MemoryBase, 0x0000_FFF0);
        if (prefetchable)
        {
            uint type64 = prefetchable64 ? 0x0001_0001U : 0;
            fake.SetWritable32(Type1Header.PrefetchableMemoryBase, 0xFFF0_FFF0).Set32(Type1Header.PrefetchableMemoryBase, 0x0000_FFF0 | type64);
            if (prefetchable64)
            {
                fake.SetWritable32(Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF).Set32(Type1Header.PrefetchableBaseUpper32, 0xFFFF_FFFF);
                fake.SetWritable32(Type1Header.PrefetchableLimitUpper32, 0xFFFF_FFFF).Set32(Type1Header.PrefetchableLimitUpper32, 0);
            }
        }

        ushort capabilities = (ushort)(((int)type << PciExpressCapability.PortTypeShift) | 2 | (hotPlug ? PciExpressCapability.SlotImplemented : 0));
        record.Express = new PciExpressInfo(0x40, capabilities, 0, 0, 0, hotPlug ? PciExpressCapability.HotPlugCapable : 0, 0);
        record.Bridge = new BridgeInfo(primary, secondary, secondary, MemoryWindow.Disabled, MemoryWindow.Disabled, prefetchable && prefetchable64, false);
        return record;
    }

    public TestDomain Bar32(PciFunction function, int slot, ulong size, bool prefetchable = false)
    {
        FakeOf(function).WithMemoryBar32(slot, (uint)size, 0, prefetchable);
        function.BarStorage[slot] = new PciBar(slot, PciBarKind.Memory32, 0, size, prefetchable);
        return this;
    }

    public TestDomain Bar64(PciFunction function, int slot, ulong size, bool prefetchable = false)
    {
        FakeOf(function).WithMemoryBar64(slot, size, 0, prefetchable);
        function.BarStorage[slot] = new PciBar(slot, PciBarKind.Memory64, 0, size, prefetchable);
        function.BarStorage[slot + 1] = PciBar.NotImplemented(slot + 1);
        return this;
    }

    public TestDomain IoBar(PciFunction function, int slot, uint size)
    {
        FakeOf(function).WithIoBar(slot, size, 0x2000, decodes16BitsOnly: true);
        function.BarStorage[slot] = new PciBar(slot, PciBarKind.Io, 0x2000, size, false);
        return this;
    }

    /// <summary>The bus address BAR <paramref name="slot"/> holds in the fake registers.</summary>
    public ulong BarRegister(PciFunction function, int slot)
    {
        FakeFunction fake = FakeOf(function);
        ulong low = fake.Read32(PciHeader.BaseAddress(slot)) & BaseAddressBits.MemoryAddressMask;
        return function.Bars[slot].Is64Bit ? low | ((ulong)fake.Read32(PciHeader.BaseAddress(slot + 1)) << 32) : low;
    }

    public ushort CommandRegister(PciFunction function) => FakeOf(function).Read16(PciHeader.Command);

    /// <summary>The NP window as the fake registers decode it.</summary>
    public MemoryWindow MemoryWindowRegister(PciFunction bridge)
    {
        uint raw = FakeOf(bridge).Read32(Type1Header.MemoryBase);
        return new MemoryWindow((ulong)(raw & 0xFFF0) << 16, ((ulong)((raw >> 16) & 0xFFF0) << 16) | 0xF_FFFF);
    }

    /// <summary>The PF window as the fake registers decode it.</summary>
    public MemoryWindow PrefetchableWindowRegister(PciFunction bridge)
    {
        FakeFunction fake = FakeOf(bridge);
        uint raw = fake.Read32(Type1Header.PrefetchableMemoryBase);
        ulong baseUpper = fake.Read32(Type1Header.PrefetchableBaseUpper32);
        ulong limitUpper = fake.Read32(Type1Header.PrefetchableLimitUpper32);
        return new MemoryWindow(
            (baseUpper << 32) | ((ulong)(raw & 0xFFF0) << 16),
            (limitUpper << 32) | ((ulong)((raw >> 16) & 0xFFF0) << 16) | 0xF_FFFF);
    }

    private PciFunction Add(PciFunction? parent, int device, int function, byte layout, int barCount)
    {
        byte bus = parent is null ? (byte)0 : parent.Bridge.Secondary;
        var address = new PciAddress(Segment, bus, device, function);
        FakeFunction fake = Config.Add(address);
        fake.Set8(PciHeader.HeaderType, layout);
        var record = new PciFunction
        {
            Address = address,
            VendorId = 0x8086,
            DeviceId = 0x1234,
            HeaderType = layout,
            BarCount = barCount,
            Parent = parent,
            Depth = parent is null ? 0 : parent.Depth + 1,
        };
        for (int slot = 0; slot < barCount; slot++)
        {
            record.BarStorage[slot] = PciBar.NotImplemented(slot);
        }

        _functions.Add(record);
        _fakes[record] = fake;
        return record;
    }
}
