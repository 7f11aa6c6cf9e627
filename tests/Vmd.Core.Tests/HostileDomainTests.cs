using System;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>
/// Broken or hostile hardware behind the VMD: each case ends with a diagnostic and a bounded, clean
/// result (the domain invariants hold), never a hang, a throw or a write outside the domain.
/// </summary>
public sealed class HostileDomainTests
{
    private static PciePort RootPort(ushort id, byte secondary, byte subordinate) => PciePort.CreateRootPort(new PciePortOptions
    {
        DeviceId = id,
        HardWiredPrimaryBus = 0,
        SecondaryBus = secondary,
        SubordinateBus = subordinate,
    });

    private static NvmeEndpoint Nvme(ulong bar0Size = 16 * 1024, ushort deviceId = 0xA80A) =>
        new(new NvmeOptions { DeviceId = deviceId, Bar0Size = bar0Size });

    private static (SimulatedMachine Machine, SimulatedVmd Vmd) Client(ulong cfgBarSize = 32UL << 20)
    {
        var builder = new MachineBuilder("hostile", "built by a test");
        VmdOptions o = TestMachines.Client();
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig, CfgBarSize = cfgBarSize,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        });
        return (builder.Build(), vmd);
    }

    private static VmdController Enumerated(SimulatedMachine machine, RecordingObserver? observer = null)
    {
        VmdController vmd = Bringup.To(machine, VmdState.Enabled);
        machine.ConfigAccessObserver = observer;
        Assert.True(vmd.TryEnumerate());
        DomainInvariants.Check(vmd);
        return vmd;
    }

    private static PciFunction At(VmdController vmd, string address)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.Address.ToString() == address)
            {
                return function;
            }
        }

        throw new Xunit.Sdk.XunitException($"{address} is not listed");
    }

    [Fact]
    public void Stale_duplicate_bus_numbers_do_not_make_a_drive_appear_twice()
    {
        var (machine, vmd) = Client();
        // Firmware (or an earlier OS) left both root ports claiming bus e1-e1.
        PciePort first = RootPort(0x9A09, 0xE1, 0xE1);
        PciePort second = RootPort(0x9A0D, 0xE1, 0xE1);
        vmd.RootBus.Add(0x06, 0, first.Function);
        vmd.RootBus.Add(0x07, 0, second.Function);
        first.SecondaryBus.Add(0, 0, Nvme(deviceId: 0x1111).Function);
        second.SecondaryBus.Add(0, 0, Nvme(deviceId: 0x2222).Function);

        VmdController controller = Enumerated(machine);

        Assert.Equal(0x1111, At(controller, "10000:e1:00.0").DeviceId);
        Assert.Equal(0x2222, At(controller, "10000:e2:00.0").DeviceId);
        Assert.Equal(4, controller.Functions.Length);
    }

    [Fact]
    public void Bridge_whose_stale_range_loops_onto_its_own_bus_is_renumbered()
    {
        var (machine, vmd) = Client();
        PciePort port = RootPort(0x9A09, 0xE0, 0xFF); // secondary = its own bus, subordinate = everything
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Nvme().Function);

        VmdController controller = Enumerated(machine);

        Assert.Equal((0xE1, 0xE1), (At(controller, "10000:e0:06.0").Bridge.Secondary, At(controller, "10000:e0:06.0").Bridge.Subordinate));
        Assert.True(At(controller, "10000:e1:00.0").Assigned);
    }

    [Fact]
    public void More_bridges_than_bus_numbers_leaves_the_extra_ones_unnumbered_with_a_diagnostic()
    {
        var (machine, vmd) = Client(cfgBarSize: 2UL << 20); // buses e0 and e1 only
        for (int device = 0; device < 3; device++)
        {
            PciePort port = RootPort((ushort)(0x9A09 + device), 0, 0);
            vmd.RootBus.Add(device, 0, port.Function);
            port.SecondaryBus.Add(0, 0, Nvme().Function);
        }

        VmdController controller = Enumerated(machine);

        Assert.Equal(4, controller.Functions.Length); // three ports, one drive
        Assert.Equal(FunctionIssues.None, At(controller, "10000:e0:00.0").Issues & FunctionIssues.BusNumbersExhausted);
        Assert.NotEqual(FunctionIssues.None, At(controller, "10000:e0:01.0").Issues & FunctionIssues.BusNumbersExhausted);
        Assert.NotEqual(FunctionIssues.None, At(controller, "10000:e0:02.0").Issues & FunctionIssues.BusNumbersExhausted);
        Assert.Equal(0xE1, controller.HighestBus);
    }

    [Fact]
    public void Bridge_whose_bus_numbers_do_not_stick_is_not_followed()
    {
        var (machine, vmd) = Client();
        PciePort port = RootPort(0x9A09, 0, 0);
        port.Function.SetWritable(Type1Header.SecondaryBusNumber, 1, 0); // secondary hard-wired 0
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Nvme().Function);

        VmdController controller = Enumerated(machine);

        PciFunction listed = Assert.Single(controller.Functions.ToArray());
        Assert.NotEqual(FunctionIssues.None, listed.Issues & FunctionIssues.BusNumberNotWritable);
    }

    [Theory]
    [InlineData(true)] // the last entry points into the header
    [InlineData(false)] // the last entry points back to the first: a cycle
    public void Capability_cycles_and_pointers_into_the_header_are_malformed_but_the_drive_still_works(bool intoHeader)
    {
        var (machine, vmd) = Client();
        PciePort port = RootPort(0x9A09, 0xE1, 0xE1);
        vmd.RootBus.Add(0x06, 0, port.Function);
        NvmeEndpoint nvme = Nvme();
        port.SecondaryBus.Add(0, 0, nvme.Function);
        byte first = nvme.Function.Read8(PciHeader.CapabilitiesPointer);
        // Last entry of the list points somewhere it must not: into the header, or back to the first entry.
        byte at = first;
        for (int hops = 0; hops < 48; hops++)
        {
            byte next = nvme.Function.Read8((ushort)(at + 1));
            if (next == 0)
            {
                break;
            }

            at = next;
        }

        nvme.Function.Set8((ushort)(at + 1), intoHeader ? (byte)0x10 : first);

        VmdController controller = Enumerated(machine);

        PciFunction drive = At(controller, "10000:e1:00.0");
        Assert.NotEqual(FunctionIssues.None, drive.Issues & FunctionIssues.MalformedCapabilities);
        Assert.True(drive.Capabilities.Length > 0);
        Assert.True(drive.Assigned);
    }

    [Fact]
    public void Extended_capability_cycle_is_malformed()
    {
        var (machine, vmd) = Client();
        PciePort port = RootPort(0x9A09, 0xE1, 0xE1);
        vmd.RootBus.Add(0x06, 0, port.Function);
        NvmeEndpoint nvme = Nvme();
        port.SecondaryBus.Add(0, 0, nvme.Function);
        uint header = nvme.Function.Read32(CapabilityHeader.FirstExtended);
        nvme.Function.Set32(CapabilityHeader.FirstExtended, (header & 0x000F_FFFF) | (0x100u << 20)); // next = itself

        VmdController controller = Enumerated(machine);

        Assert.NotEqual(FunctionIssues.None, At(controller, "10000:e1:00.0").Issues & FunctionIssues.MalformedExtendedCapabilities);
    }

    [Fact]
    public void Bar_larger_than_the_apertures_is_unassigned_with_decode_off_and_the_rest_still_works()
    {
        var (machine, vmd) = Client();
        PciePort big = RootPort(0x9A09, 0xE1, 0xE1);
        PciePort small = RootPort(0x9A0D, 0xE2, 0xE2);
        vmd.RootBus.Add(0x06, 0, big.Function);
        vmd.RootBus.Add(0x07, 0, small.Function);
        big.SecondaryBus.Add(0, 0, Nvme(bar0Size: 1UL << 30).Function); // 1 GiB: MEMBAR1 is 32 MiB
        small.SecondaryBus.Add(0, 0, Nvme().Function);

        VmdController controller = Enumerated(machine);

        PciFunction huge = At(controller, "10000:e1:00.0");
        Assert.False(huge.Assigned);
        Assert.NotEqual(FunctionIssues.None, huge.Issues & (FunctionIssues.BarLargerThanApertures | FunctionIssues.UpstreamUnassigned | FunctionIssues.NoApertureSpace));
        Assert.Equal(0, huge.Command & (ushort)PciCommand.MemorySpaceEnable);
        Assert.True(At(controller, "10000:e2:00.0").Assigned);
    }

    [Fact]
    public void Function_that_vanishes_in_the_middle_of_the_scan_is_not_half_added()
    {
        var (machine, vmd) = Client();
        PciePort port = RootPort(0x9A09, 0xE1, 0xE1);
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Nvme().Function);
        var vanish = new VanishOnClassRead(port, "10000:e1:00.0");

        VmdController controller = Enumerated(machine, vanish);

        Assert.True(vanish.Fired);
        PciFunction listed = Assert.Single(controller.Functions.ToArray());
        Assert.Equal("10000:e0:06.0", listed.Address.ToString());
    }

    [Fact]
    public void All_ones_domain_ends_with_nothing_listed()
    {
        var (machine, _) = Client();

        VmdController controller = Enumerated(machine);

        Assert.Empty(controller.Functions.ToArray());
        Assert.NotEqual(0UL, controller.Fingerprint);
    }

    /// <summary>Pulls the drive out (surprise removal) the moment its class register is read.</summary>
    private sealed class VanishOnClassRead(PciePort port, string address) : RecordingObserver
    {
        public bool Fired { get; private set; }

        public override void OnConfigAccess(in ConfigAccess access)
        {
            if (!Fired && access.Source == ConfigAccessSource.VmdDomain && access.Offset == PciHeader.RevisionId
                && access.Address.ToString() == address)
            {
                Fired = true;
                port.HotRemove();
            }
        }
    }
}
