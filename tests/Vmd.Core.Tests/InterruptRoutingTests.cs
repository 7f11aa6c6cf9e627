using System;
using System.Collections.Generic;
using Vmd.Core.Diagnostics;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Interrupts.Vectors;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Step 4 end to end: an NVMe Identify completion reaches the handler registered for that drive, exactly once.</summary>
public sealed class InterruptRoutingTests
{
    private static DmaBuffer Dma(SimulatedMachine machine)
    {
        ulong address = machine.PhysicalMemory.AllocateDma(0x3000);
        Assert.True(machine.Memory.TryMap(address, 0x3000, out IMmioRegion? region));
        return new DmaBuffer(address, region);
    }

    private static void Release(SimulatedMachine machine, DmaBuffer dma) => machine.Memory.Unmap(dma.Region);

    private static List<PciFunction> Drives(VmdController vmd)
    {
        var drives = new List<PciFunction>();
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                drives.Add(function);
            }
        }

        return drives;
    }

    private static VmdController Routed(SimulatedMachine machine, InterruptRoutingOptions? options = null, int index = 0)
    {
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, index);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts, options), vmd.LastFailure?.ToString());
        Assert.Equal(VmdState.InterruptsRouted, vmd.State);
        return vmd;
    }

    [Theory]
    [InlineData("tigerlake", 1)]
    [InlineData("alderlake", 2)]
    [InlineData("meteorlake", 1)]
    [InlineData("skylake-sp", 3)]
    public void Remapped_identify_completion_reaches_the_drives_handler_exactly_once(string name, int drives)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        VmdController vmd = Routed(machine);

        Assert.Equal(InterruptRoutingMode.Remapped, vmd.RoutingMode);
        Assert.Equal(0, machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable);
        DmaBuffer dma = Dma(machine);
        var seen = new HashSet<int>();
        foreach (PciFunction drive in Drives(vmd))
        {
            IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, drive, dma);

            Assert.True(result.Passed, $"{drive.Address}: {result.Error} completed={result.Completed} status={result.Status} deliveries={result.Deliveries}");
            Assert.Equal(drive.VendorId, result.VendorId);
            Assert.True(result.VmdVector >= vmd.Vectors!.FirstUsable + (name == "skylake-sp" ? 0 : 1));
            seen.Add(result.VmdVector);
        }

        Assert.Equal(drives, Drives(vmd).Count);
        Assert.Empty(vmd.InterruptRoutes); // every probe detached its route
    }

    [Fact]
    public void Linux_policy_spreads_nvme_over_vectors_after_the_shared_first_on_client_ids()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = Routed(machine);
        var sink = NSubstitute.Substitute.For<IInterruptSink>();

        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e1:00.0"), 0, sink, 1, out ChildInterrupt? first));
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e2:00.0"), 0, sink, 2, out ChildInterrupt? second));

        Assert.Equal(1, vmd.Vectors!.FirstUsable);
        Assert.Equal((2, 3), (first.VmdVector, second.VmdVector));
        Assert.Equal(19, vmd.Vectors.ActiveCount);
    }

    [Fact]
    public void FreeBsd_policy_gives_every_class_the_least_used_vector()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = Routed(machine, new InterruptRoutingOptions { Policy = new FreeBsdVectorPolicy() });
        var sink = NSubstitute.Substitute.For<IInterruptSink>();

        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e1:00.0"), 0, sink, 1, out ChildInterrupt? nvme));
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e0:17.0"), 0, sink, 2, out ChildInterrupt? sata));

        Assert.Equal((1, 2), (nvme.VmdVector, sata.VmdVector));
    }

    [Fact]
    public void Bypass_on_icelake_gives_the_drive_a_host_vector_and_dispose_turns_remapping_back_on()
    {
        SimulatedMachine machine = MachineCatalog.Create("icelake-sp");
        VmdController vmd = Routed(machine, new InterruptRoutingOptions { Mode = InterruptRoutingMode.Bypass });

        Assert.Equal(InterruptRoutingMode.Bypass, vmd.RoutingMode);
        Assert.NotEqual(0, machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable);
        DmaBuffer dma = Dma(machine);
        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], dma);
        Assert.True(result.Passed, result.Error);
        Assert.Equal(-1, result.VmdVector);
        Release(machine, dma);

        vmd.Dispose();

        Assert.Equal(0, machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable);
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Theory]
    [InlineData("tigerlake", false, "cannot bypass")]
    [InlineData("guest", false, "cannot bypass")]
    [InlineData("icelake-sp", true, "hypervisor")]
    public void Bypass_is_refused_with_the_reason(string name, bool hypervisor, string reason)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        Assert.False(vmd.TryRouteInterrupts(machine.Interrupts, new InterruptRoutingOptions { Mode = InterruptRoutingMode.Bypass, HypervisorForbidsBypass = hypervisor }));

        Assert.Equal(VmdState.Enumerated, vmd.State);
        Assert.Contains(reason, vmd.LastFailure!.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable);
    }

    [Fact]
    public void Meteor_lake_reads_the_drive_before_its_handler_for_mtl016()
    {
        SimulatedMachine machine = MachineCatalog.Create("meteorlake");
        VmdController vmd = Routed(machine);

        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], Dma(machine));

        Assert.True(result.Passed, result.Error);
        Assert.True(vmd.Dispatcher!.DummyReadBeforeHandler);
        Assert.Equal(1, vmd.Dispatcher.GetDummyReadCount(result.VmdVector));
    }

    [Fact]
    public void Tiger_lake_has_no_mtl016_read()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = Routed(machine);

        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], Dma(machine));

        Assert.True(result.Passed, result.Error);
        Assert.Equal(0, vmd.Dispatcher!.GetDummyReadCount(result.VmdVector));
    }

    [Fact]
    public void Fewer_host_vectors_than_asked_degrade_to_sharing_and_still_deliver()
    {
        var builder = new MachineBuilder("few", "three host vectors") { InterruptVectorCount = 3 };
        Vmd.Simulation.Domain.SimulatedVmd hardware = builder.AddVmd(TestMachines.Client());
        var port = Vmd.Simulation.Devices.PciePort.CreateRootPort(new Vmd.Simulation.Devices.PciePortOptions { DeviceId = 0x9A09, HardWiredPrimaryBus = 0 });
        hardware.RootBus.Add(6, 0, port.Function);
        port.SecondaryBus.Add(0, 0, new Vmd.Simulation.Devices.NvmeEndpoint(new Vmd.Simulation.Devices.NvmeOptions()).Function);
        SimulatedMachine machine = builder.Build();

        VmdController vmd = Routed(machine);

        Assert.Equal(InterruptRoutingMode.Remapped, vmd.RoutingMode);
        Assert.NotNull(vmd.InterruptDegradedReason);
        Assert.True(vmd.Vectors!.Degraded);
        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], Dma(machine));
        Assert.True(result.Passed, result.Error);
    }

    [Fact]
    public void A_host_without_vectors_degrades_to_polling_and_poll_still_delivers()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);
        IInterruptController refusing = NSubstitute.Substitute.For<IInterruptController>(); // TryAllocate returns false

        Assert.True(vmd.TryRouteInterrupts(refusing));

        Assert.Equal(InterruptRoutingMode.Polling, vmd.RoutingMode);
        Assert.Contains("polled", vmd.InterruptDegradedReason, StringComparison.Ordinal);
        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], Dma(machine));
        Assert.True(result.Passed, $"{result.Error} deliveries={result.Deliveries}");
        Assert.Equal(0, machine.Interrupts.Delivered);
    }

    [Fact]
    public void Polling_mode_runs_the_handler_from_poll_exactly_once()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = Routed(machine, new InterruptRoutingOptions { Mode = InterruptRoutingMode.Polling });

        IdentifyResult result = NvmeIdentifyProbe.Run(vmd, machine.Memory, Drives(vmd)[0], Dma(machine));

        Assert.True(result.Passed, $"{result.Error} deliveries={result.Deliveries}");
        Assert.Equal(0, machine.Interrupts.Delivered);
    }

    [Fact]
    public void A_function_without_msi_or_msix_is_refused_naming_intx_and_polling()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake-dummy");
        VmdController vmd = Routed(machine);

        Assert.False(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e0:1c.0"), 0, NSubstitute.Substitute.For<IInterruptSink>(), 0, out _));

        Assert.Contains("INTx", vmd.LastFailure!.Message, StringComparison.Ordinal);
        Assert.Contains("poll", vmd.LastFailure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unmap_releases_host_vectors_and_child_mappings()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = Routed(machine);
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e1:00.0"), 0, NSubstitute.Substitute.For<IInterruptSink>(), 0, out _));

        vmd.Unmap();

        Assert.Equal(VmdState.Detected, vmd.State);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Equal(0, machine.Interrupts.AllocatedCount);
    }
}
