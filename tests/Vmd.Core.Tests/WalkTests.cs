using System;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Walk rules that the built-in machines do not exercise: ARI, I/O BARs, hot-plug reserves.</summary>
public sealed class WalkTests
{
    private static (SimulatedMachine Machine, SimulatedVmd Vmd) Client()
    {
        var builder = new MachineBuilder("walk", "built by a test");
        SimulatedVmd vmd = builder.AddVmd(TestMachines.Client());
        return (builder.Build(), vmd);
    }

    private static SimulatedFunction AriEndpoint(ushort deviceId, int nextFunction)
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, deviceId, ClassCodes.NvmExpress);
        builder.AddPciExpress(new PciExpressCapabilityOptions());
        ushort ari = builder.AddExtendedCapability(ExtendedCapabilityId.AlternativeRoutingId, 1, 8);
        builder.MemoryBar(0, 16 * 1024, is64Bit: true, prefetchable: false, address: 0);
        SimulatedFunction function = builder.Build();
        function.Set32((ushort)(ari + 4), (uint)nextFunction << 8); // ARI Capability: Next Function Number
        return function;
    }

    [Fact]
    public void Ari_functions_beyond_device_0_are_found_through_next_function_numbers()
    {
        var (machine, vmd) = Client();
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x9A09, HardWiredPrimaryBus = 0, SecondaryBus = 0xE1, SubordinateBus = 0xE1, AriForwardingSupported = true,
        });
        vmd.RootBus.Add(0x06, 0, port.Function);
        // ARI function numbers 0 → 9 (device 1, function 1) → 0: function 9 is invisible without ARI.
        port.SecondaryBus.Add(0, 0, AriEndpoint(0x1000, nextFunction: 9));
        port.SecondaryBus.Add(1, 1, AriEndpoint(0x1009, nextFunction: 0));

        VmdController controller = Bringup.To(machine, VmdState.Enumerated);

        string[] listed = Array.ConvertAll(controller.Functions.ToArray(), f => f.Address.ToString());
        Assert.Equal(["10000:e0:06.0", "10000:e1:00.0", "10000:e1:01.1"], listed);
        DomainInvariants.Check(controller);
    }

    [Fact]
    public void Without_ari_forwarding_only_device_0_is_probed_behind_a_port()
    {
        var (machine, vmd) = Client();
        PciePort port = PciePort.CreateRootPort(new PciePortOptions { DeviceId = 0x9A09, HardWiredPrimaryBus = 0, SecondaryBus = 0xE1, SubordinateBus = 0xE1 });
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, AriEndpoint(0x1000, nextFunction: 9));
        port.SecondaryBus.Add(1, 1, AriEndpoint(0x1009, nextFunction: 0));

        VmdController controller = Bringup.To(machine, VmdState.Enumerated);

        string[] listed = Array.ConvertAll(controller.Functions.ToArray(), f => f.Address.ToString());
        Assert.Equal(["10000:e0:06.0", "10000:e1:00.0"], listed);
    }

    [Fact]
    public void Io_bar_is_reported_unsupported_never_decoded_and_the_memory_bar_still_assigned()
    {
        var (machine, vmd) = Client();
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, 0x51D3, ClassCodes.SataAhci);
        builder.IoBar(0, 8, 0x3000);
        builder.MemoryBar(5, 2048, is64Bit: false, prefetchable: false, address: 0);
        vmd.RootBus.Add(0x17, 0, builder.Build());

        VmdController controller = Bringup.To(machine, VmdState.Enumerated);

        PciFunction sata = Assert.Single(controller.Functions.ToArray());
        Assert.NotEqual(FunctionIssues.None, sata.Issues & FunctionIssues.IoBarUnsupported);
        Assert.Equal(PciBarKind.Io, sata.Bars[0].Kind);
        Assert.NotEqual(0UL, sata.GetBarCpuAddress(5));
        Assert.Equal(0, machine.Vmds[0].FindFunction(0xE0, 0x17, 0)!.Read16(PciHeader.Command) & (ushort)PciCommand.IoSpaceEnable);
        DomainInvariants.Check(controller);
    }

    [Theory]
    [InlineData(0, 0x07)]
    [InlineData(1, 0x0D)]
    [InlineData(3, 0x19)]
    public void Hot_plug_slots_get_the_configured_spare_bus_numbers(int reserve, int highest)
    {
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp"); // six hot-plug slots: four root ports, two switch downstream ports
        var options = new VmdHostOptions();
        options.Enumeration.HotPlugBusReserve = reserve;

        VmdController controller = Bringup.To(machine, VmdState.Enumerated, options: options);

        Assert.Equal(highest, controller.HighestBus);
        DomainInvariants.Check(controller);
    }

    [Fact]
    public void Reenumeration_of_an_unchanged_domain_allocates_nothing()
    {
        VmdController controller = Bringup.To(MachineCatalog.Create("skylake-sp"), VmdState.Enumerated);
        Assert.True(controller.TryEnumerate()); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(controller.TryEnumerate());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
