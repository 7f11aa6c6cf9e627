using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

public sealed class RoutingTests
{
    private static (SimulatedMachine Machine, IMmioRegion CfgBar) Skylake()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        return (machine, TestHelpers.MapCfgBar(machine, machine.Vmds[0]));
    }

    private static uint VendorDevice(IMmioRegion cfgbar, int bus, int device, int function = 0) =>
        cfgbar.Read32((nuint)Ecam.Offset(bus, device, function, PciHeader.VendorId));

    [Fact]
    public void Reprogramming_secondary_and_subordinate_moves_the_device()
    {
        (_, IMmioRegion cfgbar) = Skylake();
        nuint port = (nuint)Ecam.Offset(0, 2, 0, 0);

        cfgbar.Write8(port + Type1Header.SecondaryBusNumber, 0x10);
        cfgbar.Write8(port + Type1Header.SubordinateBusNumber, 0x10);

        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 6, 0));
        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 0x10, 0));
    }

    [Fact]
    public void Devices_behind_a_switch_follow_every_level_of_bus_numbers()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        Assert.Equal(0x9733_10B5u, VendorDevice(cfgbar, 2, 0));
        Assert.Equal(0x9733_10B5u, VendorDevice(cfgbar, 3, 8));
        Assert.Equal(0x9733_10B5u, VendorDevice(cfgbar, 3, 9));
        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 4, 0));
        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 5, 0));
    }

    [Fact]
    public void A_subordinate_below_a_nested_bus_hides_it()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        cfgbar.Write8((nuint)Ecam.Offset(0, 1, 0, Type1Header.SubordinateBusNumber), 4);

        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 4, 0));
        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 5, 0));
    }

    [Fact]
    public void Duplicated_bus_range_goes_to_the_first_bridge_that_claims_it()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        // Root port D (empty link) claims bus 6 too, but root port C comes first in device order.
        cfgbar.Write8((nuint)Ecam.Offset(0, 3, 0, Type1Header.SecondaryBusNumber), 6);
        cfgbar.Write8((nuint)Ecam.Offset(0, 3, 0, Type1Header.SubordinateBusNumber), 6);
        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 6, 0));

        // Root port A (empty link) now claims 1-6 and comes before C: the drive disappears, as on hardware.
        cfgbar.Write8((nuint)Ecam.Offset(0, 0, 0, Type1Header.SubordinateBusNumber), 6);
        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 6, 0));
    }

    [Fact]
    public void Only_device_0_answers_on_a_link()
    {
        (_, IMmioRegion cfgbar) = Skylake();

        Assert.Equal(0x0A54_8086u, VendorDevice(cfgbar, 6, 0));
        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 6, 1));
        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 6, 31));
    }

    [Fact]
    public void Function_behind_a_companion_is_found_at_function_4()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake-dummy");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        Assert.Equal(0x09AB_8086u, VendorDevice(cfgbar, 0, 0x1C, 0));
        Assert.Equal(0x80, cfgbar.Read8((nuint)Ecam.Offset(0, 0x1C, 0, PciHeader.HeaderType)));
        Assert.Equal(0xFFFF_FFFFu, VendorDevice(cfgbar, 0, 0x1C, 1));
        Assert.Equal(0xA0BC_8086u, VendorDevice(cfgbar, 0, 0x1C, 4));
        Assert.Equal(0x5009_15B7u, VendorDevice(cfgbar, 1, 0));
    }

    [Fact]
    public void Find_function_uses_the_current_bus_numbers()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedVmd vmd = machine.Vmds[0];

        Assert.Equal(0xA80A, vmd.FindFunction(0xE1, 0, 0)!.DeviceId);
        Assert.Null(vmd.FindFunction(0xE2, 0, 0));
        Assert.Null(vmd.FindFunction(0x10, 0, 0));
    }
}
