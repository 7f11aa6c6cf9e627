using KernelHost.Platform;
using KernelHost.Pci;
using NSubstitute;
using Vmd;

namespace KernelTests;

/// <summary>The ECAM port: one bus access per call, at the address ECAM defines, never split or widened.</summary>
public sealed class EcamConfigSpaceTests
{
    private const ulong Base = 0xB000_0000;

    [Fact]
    public void Each_access_is_one_load_or_store_of_the_same_width_at_the_ecam_address()
    {
        IPhysicalBus bus = Substitute.For<IPhysicalBus>();
        var config = new EcamConfigSpace(bus, Base, lastBus: 0xFF);
        var function = new PciAddress(0, 0xE1, 3, 2);
        ulong at = Base + (0xE1UL << 20) + (3UL << 15) + (2UL << 12);

        config.Read16(function, 0x06);
        config.Write8(function, 0x0C, 0x10);
        config.Write32(function, 0x104, 0xFFFF_FFFF);

        Received.InOrder(() =>
        {
            bus.Load16(at + 0x06);
            bus.Store8(at + 0x0C, 0x10);
            bus.Store32(at + 0x104, 0xFFFF_FFFF);
        });
        Assert.Equal(3, bus.ReceivedCalls().Count());
    }

    [Fact]
    public void Another_segment_or_a_bus_past_the_window_reads_all_ones_and_drops_writes()
    {
        IPhysicalBus bus = Substitute.For<IPhysicalBus>();
        var config = new EcamConfigSpace(bus, Base, lastBus: 0x7F);

        Assert.Equal(uint.MaxValue, config.Read32(new PciAddress(1, 0, 0, 0), 0));
        Assert.Equal(ushort.MaxValue, config.Read16(new PciAddress(0, 0x80, 0, 0), 0));
        config.Write32(new PciAddress(0, 0x80, 0, 0), 0x10, 0);

        Assert.Empty(bus.ReceivedCalls());
    }
}
