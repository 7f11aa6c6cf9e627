using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Domain;

namespace Vmd.Core.Tests;

/// <summary>The order and width of host port calls while Map sizes the VMD's BARs (NSubstitute over the simulator).</summary>
public sealed class MapPortOrderTests
{
    private const ushort Command = PciHeader.Command;

    [Fact]
    public void Cfgbar_is_sized_with_decode_off_both_halves_probed_and_everything_restored()
    {
        VmdOptions o = TestMachines.Client();
        const ushort firmwareCommand = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);
        SimulatedMachine machine = TestMachines.With(new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig, Command = firmwareCommand,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        });
        PciAddress vmd = machine.Vmds[0].Address;
        uint bar0 = machine.Vmds[0].Function.Read32(PciHeader.BaseAddress(0));
        uint bar1 = machine.Vmds[0].Function.Read32(PciHeader.BaseAddress(1));
        IConfigSpace host = ConfigSpy.Over(machine.HostConfig);
        VmdController controller = VmdHost.Detect(host, machine.Memory).Controllers[0];
        host.ClearReceivedCalls();

        Assert.True(controller.TryMap());

        Received.InOrder(() =>
        {
            host.Read16(vmd, Command); // Map keeps the value to restore on failure
            for (int i = 0; i < Type0Header.BarCount; i++)
            {
                host.Read32(vmd, PciHeader.BaseAddress(i)); // the first Map remembers firmware's BARs before it writes any
            }

            host.Read16(vmd, Command); // the sizer's own read
            host.Write16(vmd, Command, (ushort)PciCommand.BusMasterEnable); // decode off for all six BARs, bus master kept
            host.Read32(vmd, PciHeader.BaseAddress(0));
            host.Write32(vmd, PciHeader.BaseAddress(0), 0xFFFF_FFFF);
            host.Read32(vmd, PciHeader.BaseAddress(0));
            host.Read32(vmd, PciHeader.BaseAddress(1));
            host.Write32(vmd, PciHeader.BaseAddress(1), 0xFFFF_FFFF);
            host.Read32(vmd, PciHeader.BaseAddress(1));
            host.Write32(vmd, PciHeader.BaseAddress(0), bar0);
            host.Write32(vmd, PciHeader.BaseAddress(1), bar1);
            host.Read32(vmd, PciHeader.BaseAddress(2)); // MEMBAR1 next, inside the same window
            host.Write32(vmd, PciHeader.BaseAddress(2), 0xFFFF_FFFF);
            host.Read32(vmd, PciHeader.BaseAddress(2));
            host.Read32(vmd, PciHeader.BaseAddress(3)); // listed since the remembering reads above name BAR3 and BAR5 too
            host.Read32(vmd, PciHeader.BaseAddress(3));
            host.Read32(vmd, PciHeader.BaseAddress(4)); // MEMBAR2
            host.Write32(vmd, PciHeader.BaseAddress(4), 0xFFFF_FFFF);
            host.Read32(vmd, PciHeader.BaseAddress(4));
            host.Read32(vmd, PciHeader.BaseAddress(5));
            host.Read32(vmd, PciHeader.BaseAddress(5));
            host.Write16(vmd, Command, firmwareCommand); // decode back as firmware left it, once
            host.Read16(vmd, Command); // Map checks decode: already on, so no further write
        });
        Assert.Equal(bar0, machine.Vmds[0].Function.Read32(PciHeader.BaseAddress(0)));
        Assert.Equal(firmwareCommand, machine.Vmds[0].Function.Read16(Command));
        host.Received(1).Write16(vmd, Command, (ushort)PciCommand.BusMasterEnable);
    }

    [Fact]
    public void Every_host_access_of_map_is_a_single_access_of_8_16_or_32_bits_at_natural_alignment()
    {
        SimulatedMachine machine = Vmd.Simulation.Machines.MachineCatalog.Create("icelake-sp");
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;

        VmdHost.Detect(machine.HostConfig, machine.Memory).MapAll();

        Assert.NotEmpty(observer.Accesses);
        foreach (var access in observer.Accesses)
        {
            Assert.Contains(access.Width, new[] { 1, 2, 4 });
            Assert.Equal(0, access.Offset % access.Width);
        }
    }
}
