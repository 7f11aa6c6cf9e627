using System;
using Vmd.Core;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Fuzzing;
using Vmd.Simulation.Machines;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// One small, hand-built case per library bug the fuzzer found (issue 11), so each fix is pinned independently of the
/// generator's random stream. The seeds that found them are in <see cref="RegressionSeeds"/>.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class LibraryRegressionTests
{
    private const ulong CfgBar = 0x60_0000_0000;
    private const ulong MemBar1 = 0x5000_0000;
    private const ulong MemBar2 = 0x60_0200_0000;

    private static (MachineBuilder Builder, SimulatedVmd Vmd) Client(ulong? memBar2Size = null, int msixEntries = 19)
    {
        var builder = new MachineBuilder("regression", "built by a test") { TimeProvider = new SteppingTimeProvider(TimeSpan.FromMilliseconds(1)) };
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = 0x9A0B, VmCap = 1, VmConfig = 2u << 8, CfgBarAddress = CfgBar, MemBar1Address = MemBar1, MemBar2Address = MemBar2,
            MemBar2Size = memBar2Size, MsixEntries = msixEntries,
        });
        return (builder, vmd);
    }

    private static VmdController Enumerated(SimulatedMachine machine)
    {
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }).Controllers[0];
        Assert.True(vmd.TryMap(), vmd.LastFailure?.ToString());
        Assert.True(vmd.TryEnable(), vmd.LastFailure?.ToString());
        Assert.True(vmd.TryEnumerate(), vmd.LastFailure?.ToString());
        return vmd;
    }

    private static PciFunction At(VmdController vmd, int bus, int device, int function)
    {
        foreach (PciFunction listed in vmd.Functions)
        {
            if (listed.Address.Bus == bus && listed.Address.Device == device && listed.Address.Function == function)
            {
                return listed;
            }
        }

        throw new Xunit.Sdk.XunitException($"{bus:x2}:{device:x2}.{function} is not listed");
    }

    private static SimulatedFunction Endpoint(Action<FunctionBuilder> configure)
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, 0x1234, ClassCodes.NvmExpress);
        builder.MemoryBar(0, 16 * 1024, is64Bit: true, prefetchable: false, address: 0);
        configure(builder);
        return builder.Build();
    }

    [Fact]
    public void Bar_whose_size_mask_has_holes_is_malformed_and_its_function_keeps_decode_off()
    {
        var (builder, vmd) = Client();
        // BAR2 sizes as 16 bytes but bits 12-15 are hard-wired: an address written there does not read back (seed 25).
        vmd.RootBus.Add(3, 0, Endpoint(b => b.Function.DefineRegister(PciHeader.BaseAddress(2), 4, 0, 0xFFFF_0FF0)));

        VmdController controller = Enumerated(builder.Build());

        PciFunction function = At(controller, 0xE0, 3, 0);
        Assert.NotEqual(FunctionIssues.None, function.Issues & FunctionIssues.MalformedBar);
        Assert.False(function.Assigned);
        Assert.Equal(0, function.Command & (ushort)PciCommand.MemorySpaceEnable);
    }

    [Fact]
    public void Bar_with_every_bit_writable_is_malformed_not_a_vanished_function()
    {
        var (builder, vmd) = Client();
        // Type bits writable too: the sizing read returns all-ones, as a removed device would (seed 2253).
        vmd.RootBus.Add(3, 0, Endpoint(b => b.Function.DefineRegister(PciHeader.BaseAddress(2), 4, 0, 0xFFFF_FFFF)));
        SimulatedMachine machine = builder.Build();

        VmdController controller = Enumerated(machine);

        PciFunction function = At(controller, 0xE0, 3, 0);
        Assert.NotEqual(FunctionIssues.None, function.Issues & FunctionIssues.MalformedBar);
        Assert.False(function.Assigned);
        Assert.True(controller.Rescan()); // the rescan sees the same function, nothing "appears"
    }

    [Fact]
    public void Function_left_in_D3hot_keeps_its_resources_after_the_client_power_quirk()
    {
        var (builder, vmd) = Client();
        ushort pm = 0;
        SimulatedFunction drive = Endpoint(b => pm = b.AddPowerManagement(0x40, noSoftReset: false));
        drive.Set16((ushort)(pm + PowerManagementCapability.ControlStatus), 3); // powered on in D0; firmware left it in D3hot
        vmd.RootBus.Add(3, 0, drive);

        VmdController controller = Enumerated(builder.Build());

        PciFunction function = At(controller, 0xE0, 3, 0);
        Assert.True(function.Assigned);
        Assert.Equal(function.Bars[0].Address, drive.GetBarAddress(0)); // written back after D3hot -> D0 reset it (seed 66)
        Assert.NotEqual(0, drive.Command & (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal(0, drive.PowerState);
    }

    [Fact]
    public void Vmd_msix_table_that_does_not_fit_membar2_degrades_to_polling_instead_of_throwing()
    {
        var (builder, _) = Client(memBar2Size: 16 * 1024, msixEntries: 2048); // a 32 KiB table in a 16 KiB MEMBAR2 (seed 1029)
        SimulatedMachine machine = builder.Build();
        VmdController controller = Enumerated(machine);

        Assert.True(controller.TryRouteInterrupts(machine.Interrupts));

        Assert.Equal(InterruptRoutingMode.Polling, controller.RoutingMode);
        Assert.NotNull(controller.InterruptDegradedReason);
    }

    [Fact]
    public void One_entry_vmd_msix_table_on_an_offset_first_vector_id_degrades_to_polling_instead_of_throwing()
    {
        var (builder, _) = Client(msixEntries: 1); // entry 0 is the VMD's own on client IDs (seed 12686)
        SimulatedMachine machine = builder.Build();
        VmdController controller = Enumerated(machine);

        Assert.True(controller.TryRouteInterrupts(machine.Interrupts, new InterruptRoutingOptions { RequestedVectors = 1 }));

        Assert.Equal(InterruptRoutingMode.Polling, controller.RoutingMode);
    }

    [Fact]
    public void Function_first_seen_by_a_rescan_is_listed_unassigned_with_a_reason()
    {
        var (builder, vmd) = Client();
        vmd.RootBus.Add(3, 0, Endpoint(_ => { }));
        SimulatedMachine machine = builder.Build();
        VmdController controller = Enumerated(machine);
        lock (machine.SyncRoot)
        {
            vmd.RootBus.Add(4, 0, Endpoint(_ => { }));
        }

        Assert.False(controller.Rescan());

        PciFunction added = At(controller, 0xE0, 4, 0);
        Assert.False(added.Assigned);
        Assert.Equal(FunctionIssues.FoundByRescan, added.Issues & FunctionIssues.FoundByRescan);
    }

    [Fact]
    public void Function_that_vanishes_between_its_header_and_its_bars_during_a_rescan_is_not_listed()
    {
        var (builder, vmd) = Client();
        SimulatedFunction drive = Endpoint(_ => { });
        vmd.RootBus.Add(3, 0, drive);
        SimulatedMachine machine = builder.Build();
        VmdController controller = Enumerated(machine);
        var counter = new Counter();
        machine.ConfigAccessObserver = counter;
        controller.Rescan();
        long headerReads = counter.BeforeFirstBarRead;

        // Same rescan again, but the drive answers only up to its header: its BARs read all-ones (seed 5610).
        drive.VanishAfter(headerReads);
        Assert.False(controller.Rescan());

        foreach (PciFunction listed in controller.Functions)
        {
            Assert.False(listed.Address.Device == 3, $"{listed.Address} listed after it vanished");
        }
    }

    /// <summary>Counts the requests the drive answers in one rescan before its first BAR read.</summary>
    private sealed class Counter : Vmd.Simulation.Diagnostics.IConfigAccessObserver
    {
        private bool _barSeen;

        public long BeforeFirstBarRead { get; private set; }

        public void OnConfigAccess(in Vmd.Simulation.Diagnostics.ConfigAccess access)
        {
            if (_barSeen || access.Source != Vmd.Simulation.Diagnostics.ConfigAccessSource.VmdDomain || access.Address.Device != 3 || !access.Claimed)
            {
                return;
            }

            if (access.Offset >= PciHeader.BaseAddress0 && access.Offset < PciHeader.BaseAddress0 + 24)
            {
                _barSeen = true;
                return;
            }

            BeforeFirstBarRead++;
        }
    }
}
