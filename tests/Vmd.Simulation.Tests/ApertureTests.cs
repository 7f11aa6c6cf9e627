using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

public sealed class ApertureTests
{
    // The NVMe drives in the catalog keep their MSI-X table at BAR0 + 0x3000 (Samsung) with every entry masked.
    private const nuint SamsungMsixVectorControl = 0x3000 + MsixCapability.EntryVectorControl;

    private static IMmioRegion MapMemBar1(SimulatedMachine machine, SimulatedVmd vmd)
    {
        TestHelpers.EnableDecode(machine, vmd.Address);
        return TestHelpers.MapBar(machine, vmd.Address, VmdRegisters.MemBar1Index, vmd.MemBar1Size);
    }

    [Fact]
    public void Membar1_reaches_a_drive_bar_through_the_root_port_window()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion membar1 = MapMemBar1(machine, machine.Vmds[0]);

        Assert.Equal(MsixCapability.EntryMasked, membar1.Read32(SamsungMsixVectorControl));
    }

    [Fact]
    public void Drive_registers_read_back_what_was_written()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion membar1 = MapMemBar1(machine, machine.Vmds[0]);

        membar1.Write64(0x28, 0x1234_5678_9ABC_D000);

        Assert.Equal(0x1234_5678_9ABC_D000UL, membar1.Read64(0x28));
    }

    [Fact]
    public void Bridge_without_memory_space_enable_does_not_forward()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar1 = MapMemBar1(machine, vmd);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        cfgbar.Write16((nuint)Ecam.Offset(0, 6, 0, PciHeader.Command), 0);

        Assert.Equal(0xFFFF_FFFFu, membar1.Read32(SamsungMsixVectorControl));
    }

    [Fact]
    public void Address_outside_the_bridge_window_is_not_forwarded()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar1 = MapMemBar1(machine, vmd);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        // Linux's reset encoding: base above limit disables the window.
        cfgbar.Write32((nuint)Ecam.Offset(0, 6, 0, Type1Header.MemoryBase), 0x0000_FFF0);

        Assert.Equal(0xFFFF_FFFFu, membar1.Read32(SamsungMsixVectorControl));
    }

    [Fact]
    public void Drive_without_memory_space_enable_does_not_decode()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar1 = MapMemBar1(machine, vmd);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        cfgbar.Write16(TestHelpers.Ecam(224, 0xE1, 0, 0, PciHeader.Command), 0);

        Assert.Equal(0xFFFF_FFFFu, membar1.Read32(SamsungMsixVectorControl));
    }

    [Fact]
    public void Guest_aperture_forwards_to_host_physical_bus_addresses()
    {
        SimulatedMachine machine = TestHelpers.Machine("guest");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar1 = MapMemBar1(machine, vmd);

        Assert.Equal(0xC000_0000UL, vmd.MemBar1Address);
        Assert.Equal(0x5000_0000UL, vmd.MemBar1BusAddress);
        Assert.Equal(MsixCapability.EntryMasked, membar1.Read32(SamsungMsixVectorControl));
    }

    [Fact]
    public void Membar2_aperture_forwards_past_the_reserved_area()
    {
        var builder = new Machines.MachineBuilder("t", "drive behind membar2");
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions { DeviceId = 0x9A0B, CfgBarAddress = 0x10_0000_0000, MemBar1Address = 0x4000_0000, MemBar2Address = 0x20_0000_0000 });
        var port = Devices.PciePort.CreateRootPort(new Devices.PciePortOptions
        {
            DeviceId = 0x9A09,
            SecondaryBus = 1,
            SubordinateBus = 1,
            PrefetchableBase = 0x0000,
            PrefetchableLimit = 0x0000,
            PrefetchableBaseUpper = 0x20,
            PrefetchableLimitUpper = 0x20,
            MemoryBase = 0xFFF0,
        });
        vmd.RootBus.Add(0, 0, port.Function);
        port.SecondaryBus.Add(0, 0, new Devices.NvmeEndpoint(new Devices.NvmeOptions { Bar0Address = 0x20_0000_4000 }).Function);
        SimulatedMachine machine = builder.Build();
        IMmioRegion membar2 = TestHelpers.MapBar(machine, vmd.Address, VmdRegisters.MemBar2Index, vmd.MemBar2Size);
        TestHelpers.EnableDecode(machine, vmd.Address);

        Assert.Equal(MsixCapability.EntryMasked, membar2.Read32(0x4000 + SamsungMsixVectorControl));
    }
}
