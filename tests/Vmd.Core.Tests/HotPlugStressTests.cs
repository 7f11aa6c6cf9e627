using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Devices;

namespace Vmd.Core.Tests;

/// <summary>
/// The issue's proof: 1,000 insert / remove / surprise-remove cycles on <c>skylake-sp</c>'s empty slot 4 while the
/// other drives' interrupts keep firing — through the hardware path on the test thread and straight into the dispatcher
/// from a second thread — after which bus numbers, aperture space and vectors are as they were, the other drives got
/// every interrupt, and no handler of a removed drive ran after its removal completed.
/// </summary>
public sealed class HotPlugStressTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Cycles = 1000;

    private sealed class CountingSink : IInterruptSink
    {
        private long _count;
        private int _retired;
        private long _afterRetired;

        public long Count => Interlocked.Read(ref _count);

        public long CallsAfterRemoval => Interlocked.Read(ref _afterRetired);

        public void Retire() => Volatile.Write(ref _retired, 1);

        public void OnInterrupt(uint cookie)
        {
            Interlocked.Increment(ref _count);
            if (Volatile.Read(ref _retired) != 0)
            {
                Interlocked.Increment(ref _afterRetired);
            }
        }
    }

    [Fact]
    public void Thousand_cycles_leave_bus_numbers_apertures_and_vectors_as_they_were()
    {
        var (machine, vmd, events) = HotPlugTests.Routed(interrupts: true);
        PciePort slot = HotPlugTests.SimPort(machine, 3);
        PciAddress port = PciAddress.Parse("10000:00:03.0");
        PciFunction portRecord = Find(vmd, port);
        (byte secondary, byte subordinate, MemoryWindow window) = (portRecord.Bridge.Secondary, portRecord.Bridge.Subordinate, portRecord.Bridge.Memory);
        ulong fingerprint = vmd.Fingerprint;
        int functions = vmd.Functions.Length;
        long mappings = machine.Counters.ActiveMappings;

        // The other drives, each with a handler on its MSI-X entry 0.
        var others = new List<(NvmeEndpoint Drive, CountingSink Sink, int VmdVector)>();
        foreach (PciFunction function in vmd.Functions.ToArray())
        {
            if (function.ClassCode == Registers.ClassCodes.NvmExpress)
            {
                var sink = new CountingSink();
                Assert.True(vmd.TryAttachInterrupt(function.Address, 0, sink, 0, out ChildInterrupt? route), vmd.LastFailure?.ToString());
                Assert.True(NvmeEndpoint.TryGet(machine.Vmds[0].FindFunction(function.Address.Bus, function.Address.Device, function.Address.Function)!, out NvmeEndpoint? drive));
                others.Add((drive, sink, route.VmdVector));
            }
        }

        Assert.Equal(3, others.Count);
        int vectorUsers = vmd.Vectors!.TotalUsers;

        // A second thread dispatches the other drives' vectors the whole time, as other CPUs would.
        using var stop = new CancellationTokenSource();
        long dispatched = 0;
        var hammer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var other in others)
                {
                    vmd.Dispatcher!.Dispatch(other.VmdVector);
                    Interlocked.Increment(ref dispatched);
                }
            }
        });
        hammer.Start();

        var removedSinks = new List<CountingSink>();
        DateTimeOffset start = machine.TimeProvider.GetUtcNow();
        long expectedHardware = 0;
        try
        {
            for (int cycle = 0; cycle < Cycles; cycle++)
            {
                lock (machine.SyncRoot)
                {
                    slot.HotAdd(HotPlugTests.SpareDrive((ulong)cycle + 1));
                }

                Assert.Equal(1, vmd.ProcessHotPlugEvents());
                HotPlugEvent inserted = events[^1];
                Assert.True(inserted.Kind == HotPlugEventKind.Inserted, $"cycle {cycle}: {inserted.Kind} {inserted.Reason}");
                PciAddress address = Assert.Single(inserted.Functions);
                var sink = new CountingSink();
                Assert.True(vmd.TryAttachInterrupt(address, 0, sink, 1, out ChildInterrupt? route), vmd.LastFailure?.ToString());
                Assert.True(NvmeEndpoint.TryGet(machine.Vmds[0].FindFunction(address.Bus, 0, 0)!, out NvmeEndpoint? newDrive));
                // Not under SyncRoot: the simulator delivers queued messages only once its lock is free.
                newDrive.SignalVector(0);
                Assert.True(sink.Count >= 1, $"cycle {cycle}: the inserted drive's interrupt did not arrive");

                // The other drives' interrupts through the hardware path, every cycle.
                foreach (var other in others)
                {
                    other.Drive.SignalVector(0);
                }

                expectedHardware++;
                if (cycle % 2 == 0)
                {
                    Assert.True(vmd.TryRemoveDevice(address), vmd.LastFailure?.ToString());
                    Assert.Equal(HotPlugEventKind.Removed, events[^1].Kind);
                    lock (machine.SyncRoot)
                    {
                        slot.HotRemove(); // the user pulls the drive after the orderly removal
                    }

                    vmd.ProcessHotPlugEvents(); // the events of the pull find an empty slot: nothing to do
                }
                else
                {
                    lock (machine.SyncRoot)
                    {
                        Assert.True(slot.HotRemove());
                    }

                    Assert.Equal(1, vmd.ProcessHotPlugEvents());
                    Assert.Equal(HotPlugEventKind.SurpriseRemoved, events[^1].Kind);
                }

                Assert.True(route.Detached);
                sink.Retire();
                removedSinks.Add(sink);

                // A stale message for the removed drive's vector must not reach its handler.
                vmd.Dispatcher!.Dispatch(route.VmdVector);
            }
        }
        finally
        {
            stop.Cancel();
            hammer.Join();
        }

        PciFunction after = Find(vmd, port);
        Assert.Equal((secondary, subordinate), (after.Bridge.Secondary, after.Bridge.Subordinate));
        Assert.Equal((window.Base, window.Limit), (after.Bridge.Memory.Base, after.Bridge.Memory.Limit));
        Assert.Equal(functions, vmd.Functions.Length);
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.Equal(vectorUsers, vmd.Vectors.TotalUsers);
        Assert.Equal(mappings + others.Count, machine.Counters.ActiveMappings); // the others' MSI-X BARs only
        Assert.All(removedSinks, s => Assert.Equal(0, s.CallsAfterRemoval));
        foreach (var other in others)
        {
            // Every hardware interrupt arrived, plus the hammer's dispatches.
            Assert.True(other.Sink.Count >= expectedHardware, $"a drive got {other.Sink.Count} of at least {expectedHardware} interrupts");
        }

        Assert.True(Interlocked.Read(ref dispatched) > 0);
        output.WriteLine($"{Cycles} cycles ({Cycles / 2} orderly, {Cycles / 2} surprise); {events.Count} events; "
            + $"hardware interrupts per other drive >= {expectedHardware} (got {string.Join(", ", others.ConvertAll(o => o.Sink.Count))}); "
            + $"dispatches from the second thread {Interlocked.Read(ref dispatched)}; handlers run after removal {removedSinks.ConvertAll(r => r.CallsAfterRemoval).Sum()}; "
            + $"vector users {vmd.Vectors.TotalUsers}/{vectorUsers}; fingerprint {vmd.Fingerprint:x16}/{fingerprint:x16}; simulated time {machine.TimeProvider.GetUtcNow() - start:g}");
        Assert.Equal(2 * Cycles + (Cycles / 2), events.Count); // inserted + removed per cycle, and Removing for the orderly half
    }

    private static PciFunction Find(VmdController vmd, PciAddress address) => TestDrives.Find(vmd, address);
}
