using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core;
using Vmd.Core.Devices;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Machines;

namespace Vmd.Reliability.Tests.Concurrency;

/// <summary>Regression tests for what the concurrency run found.</summary>
[Trait("Category", "Concurrency")]
public sealed class ConcurrencyRegressionTests
{
    private static (SimulatedMachine Machine, VmdController Vmd, FakeTimeProvider Time) Routed()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp", time);
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = time }).Controllers[0];
        Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate(), vmd.LastFailure?.ToString());
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());
        return (machine, vmd, time);
    }

    private static NvmeEndpoint FirstDrive(SimulatedMachine machine, VmdController vmd, out PciAddress address)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                address = function.Address;
                Assert.True(NvmeEndpoint.TryGet(machine.Vmds[0].FindFunction(address.Bus, address.Device, address.Function)!, out NvmeEndpoint? drive));
                return drive;
            }
        }

        throw new Xunit.Sdk.XunitException("no NVMe drive");
    }

    /// <summary>
    /// Bug: <c>GetTelemetry().Interrupts</c> and <c>CopyVectorCounts</c> summed the current dispatcher only, and
    /// <c>Reset()</c> (like Suspend/Resume) builds a new one, so the <c>vmd.interrupts</c> observable counter fell back to 0.
    /// </summary>
    [Fact]
    public void Interrupt_counts_run_on_across_a_reset_and_a_suspend()
    {
        var (machine, vmd, _) = Routed();
        NvmeEndpoint drive = FirstDrive(machine, vmd, out PciAddress address);
        var sink = new RetiringSink();
        Assert.True(vmd.TryAttachInterrupt(address, 0, sink, 0, out ChildInterrupt? route));
        for (int i = 0; i < 5; i++)
        {
            drive.SignalVector(0);
        }

        VmdTelemetrySnapshot before = vmd.GetTelemetry();
        Span<long> dispatched = stackalloc long[64];
        Span<long> spurious = stackalloc long[64];
        vmd.CopyVectorCounts(dispatched, spurious);
        long vectorBefore = dispatched[route.VmdVector];
        Assert.True(before.Interrupts >= 5);

        vmd.Reset();
        VmdTelemetrySnapshot afterReset = vmd.GetTelemetry();
        Assert.True(afterReset.Interrupts >= before.Interrupts, $"{afterReset.Interrupts} < {before.Interrupts} after the reset");
        Assert.True(afterReset.SpuriousInterrupts >= before.SpuriousInterrupts);
        vmd.CopyVectorCounts(dispatched, spurious);
        Assert.True(dispatched[route.VmdVector] >= vectorBefore);

        vmd.Suspend();
        Assert.True(vmd.GetTelemetry().Interrupts >= afterReset.Interrupts);
        Assert.True(vmd.TryResume());
        drive.SignalVector(0);
        Assert.True(vmd.GetTelemetry().Interrupts > afterReset.Interrupts);
    }

    /// <summary>
    /// Bug: the only device list was <c>Functions</c>, a span over records the enumerator refills in place (a reset
    /// re-enumerates, an insertion or removal reorders the array), so a reader on another thread could see a half-built
    /// list. <c>Devices</c> is a value copy published whole after each operation; an event handler already finds the list
    /// its event describes.
    /// </summary>
    [Fact]
    public void Device_snapshots_are_whole_lists_published_after_each_operation_and_never_change()
    {
        var (machine, vmd, _) = Routed();
        VmdDeviceSnapshot initial = vmd.Devices;
        Assert.Equal(vmd.Functions.Length, initial.Count);
        VmdDeviceEntry[] copy = initial.Functions.ToArray();
        var seenByHandler = new List<(HotPlugEventKind Kind, int Count, long Generation)>();
        vmd.HotPlug += e => seenByHandler.Add((e.Kind, vmd.Devices.Count, vmd.Devices.Generation));
        Assert.True(vmd.TryEnableHotPlug(new HotPlugOptions()));
        Assert.True(PciePort.TryGet(machine.Vmds[0].RootBus.Get(3, 0)!, out PciePort? slot));

        lock (machine.SyncRoot)
        {
            slot.HotAdd(new NvmeEndpoint(new NvmeOptions { VendorId = 0x8086, DeviceId = 0x0A54, SerialNumber = 7, Command = 0 }).Function);
        }

        Assert.Equal(1, vmd.ProcessHotPlugEvents());
        Assert.Equal((HotPlugEventKind.Inserted, initial.Count + 1), (seenByHandler[^1].Kind, seenByHandler[^1].Count));
        VmdDeviceSnapshot inserted = vmd.Devices;
        Assert.True(inserted.Generation > initial.Generation);

        vmd.Reset();
        VmdDeviceSnapshot afterReset = vmd.Devices;
        Assert.Equal(VmdState.InterruptsRouted, afterReset.State);
        Assert.Equal(inserted.Functions.ToArray(), afterReset.Functions.ToArray()); // same resources after the reset

        Assert.True(vmd.TryRemoveDevice(PciAddress.Parse("10000:00:03.0")));
        Assert.Equal((HotPlugEventKind.Removed, initial.Count), (seenByHandler[^1].Kind, seenByHandler[^1].Count));
        Assert.Equal(copy, initial.Functions.ToArray()); // an old snapshot is never rewritten
        Assert.Equal(copy, vmd.Devices.Functions.ToArray());

        vmd.Unmap();
        Assert.Equal(0, vmd.Devices.Count);
        Assert.Equal(VmdState.Detected, vmd.Devices.State);
    }
}
