using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core;
using Vmd.Core.Devices;
using Vmd.Core.Diagnostics;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Xunit.Abstractions;

namespace Vmd.Reliability.Tests.Concurrency;

/// <summary>
/// Issue 11, concurrency: on <c>skylake-sp</c>, one control thread hot-adds a drive into slot 4, removes it (orderly and
/// by surprise, alternately) and resets the whole domain every few cycles, while dispatch threads submit to the stable drives
/// NVMe commands (their completion interrupts are dispatched on that thread, through the VMD's remapping) and fires
/// host vectors as other CPUs would, and two readers take device-list and telemetry snapshots without a lock.
/// Proves: every command completes exactly once, no handler of a removed drive runs after its removal completed, and no
/// reader sees a list that is not a whole list.
/// </summary>
/// <remarks>
/// CI runs <see cref="DefaultCycles"/> cycles; set <c>VMD_CONCURRENCY_CYCLES</c> for a longer run. Nothing sleeps on the
/// wall clock: the simulator's clock is a <see cref="FakeTimeProvider"/> that moves on every read, threads meet on
/// flags and a <see cref="ManualResetEventSlim"/>, and every wait is bounded and fails the test instead of hanging.
/// </remarks>
[Trait("Category", "Concurrency")]
public sealed class ConcurrencyStressTests(ITestOutputHelper output)
{
    private const int DefaultCycles = 2000;
    private const int ResetEvery = 10;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private static readonly PciAddress SlotPort = PciAddress.Parse("10000:00:03.0");

    /// <summary>Dispatch threads (2 by default, up to 4 with <c>VMD_CONCURRENCY_THREADS</c>); each submits to every n-th stable drive.</summary>
    private static int DispatchThreads =>
        int.TryParse(Environment.GetEnvironmentVariable("VMD_CONCURRENCY_THREADS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int threads) && threads is >= 1 and <= 4
            ? threads
            : 2;

    private static int Cycles =>
        int.TryParse(Environment.GetEnvironmentVariable("VMD_CONCURRENCY_CYCLES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int cycles) && cycles > 0
            ? cycles
            : DefaultCycles;

    [Fact]
    public void Dispatch_hot_plug_and_resets_together_lose_nothing_duplicate_nothing_call_no_removed_handler_and_tear_no_list()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp", time);
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = time }).Controllers[0];
        Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate(), vmd.LastFailure?.ToString());
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());
        var events = new List<HotPlugEvent>();
        vmd.HotPlug += events.Add; // raised on the control thread only
        Assert.True(vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = true }), vmd.LastFailure?.ToString());
        Assert.True(PciePort.TryGet(machine.Vmds[0].RootBus.Get(SlotPort.Device, 0)!, out PciePort? slot));

        var drives = new List<StableDrive>();
        var devices = new Dictionary<StableDrive, NvmeEndpoint>();
        foreach (PciFunction function in vmd.Functions.ToArray())
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                var drive = new StableDrive(machine, function);
                SimulatedFunction model = machine.Vmds[0].FindFunction(function.Address.Bus, function.Address.Device, function.Address.Function)!;
                Assert.True(NvmeEndpoint.TryGet(model, out NvmeEndpoint? endpoint));
                endpoint!.Controller.DeferCommands = true; // commands run a loop later: some are in flight at every reset
                devices.Add(drive, endpoint);
                drive.Initialise(time);
                Assert.True(vmd.TryAttachInterrupt(function.Address, 0, drive, 0, out ChildInterrupt? route), vmd.LastFailure?.ToString());
                drive.Route = route;
                drives.Add(drive);
            }
        }

        Assert.Equal(3, drives.Count);
        int submitters = DispatchThreads;
        int vectorsFired = machine.Interrupts.AllocatedCount; // the VMD's host vectors, allocated from the first one up
        VmdDeviceSnapshot baseline = vmd.Devices;
        var baseEntries = new Dictionary<PciAddress, VmdDeviceEntry>();
        foreach (VmdDeviceEntry entry in baseline.Functions)
        {
            baseEntries.Add(entry.Address, entry);
        }

        VmdDeviceEntry portEntry = baseEntries[SlotPort];
        int cycles = Cycles;
        var failures = new ConcurrentQueue<string>();
        var pauses = new PauseGate();
        int stop = 0;

        // Dispatch threads: each submits to its own stable drives and fires host vectors, as another CPU would.
        var dispatchCounts = new long[submitters, 2]; // submissions, vectors fired
        var threads = new List<Thread>();
        for (int t = 0; t < submitters; t++)
        {
            int index = t;
            List<StableDrive> mine = drives.FindAll(d => drives.IndexOf(d) % submitters == index);
            threads.Add(new Thread(() =>
            {
                try
                {
                    var stall = Stopwatch.StartNew();
                    uint fired = 0;
                    while (Volatile.Read(ref stop) == 0)
                    {
                        if (pauses.Requested is { } resumed)
                        {
                            pauses.Acknowledge();
                            if (!resumed.Wait(WaitLimit))
                            {
                                failures.Enqueue($"dispatch thread {index}: not resumed within {WaitLimit}");
                                return;
                            }

                            stall.Restart();
                            continue;
                        }

                        foreach (StableDrive drive in mine)
                        {
                            devices[drive].RunDeferredCommands(); // the drive gets round to what was rung last time
                            for (int i = 0; i < 2; i++)
                            {
                                if (drive.TrySubmit())
                                {
                                    dispatchCounts[index, 0]++;
                                    stall.Restart();
                                }
                            }
                        }

                        for (int i = 0; i < 4; i++)
                        {
                            machine.Interrupts.Raise(new HostVector(machine.Interrupts.FirstVector + (fired++ % (uint)vectorsFired)));
                            dispatchCounts[index, 1]++;
                        }

                        if (stall.Elapsed > WaitLimit)
                        {
                            failures.Enqueue($"dispatch thread {index}: no command could be submitted for {WaitLimit}: completions stopped arriving");
                            return;
                        }

                        Thread.Yield(); // two cores for six threads: let the control thread have the machine's lock too
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"dispatch thread {index}: {e}");
                }
            }) { Name = $"dispatch {index}" });
        }

        // Readers: device-list snapshots and telemetry, no lock.
        var snapshotsRead = new long[2];
        for (int r = 0; r < 2; r++)
        {
            int reader = r;
            threads.Add(new Thread(() =>
            {
                try
                {
                    long generation = 0;
                    VmdTelemetrySnapshot last = vmd.GetTelemetry();
                    while (Volatile.Read(ref stop) == 0)
                    {
                        VmdDeviceSnapshot snapshot = vmd.Devices;
                        string? problem = CheckSnapshot(snapshot, generation, baseEntries, portEntry);
                        generation = snapshot.Generation;
                        VmdTelemetrySnapshot now = vmd.GetTelemetry();
                        problem ??= now.Interrupts < last.Interrupts ? $"telemetry: interrupts went back from {last.Interrupts} to {now.Interrupts}"
                            : now.SpuriousInterrupts < last.SpuriousInterrupts ? $"telemetry: spurious interrupts went back from {last.SpuriousInterrupts} to {now.SpuriousInterrupts}"
                            : now.Resets < last.Resets || now.HotPlugInserted < last.HotPlugInserted || now.HotPlugRemoved < last.HotPlugRemoved
                                || now.HotPlugSurpriseRemoved < last.HotPlugSurpriseRemoved || now.Enumerations < last.Enumerations ? "telemetry: a counter went back"
                            : null;
                        last = now;
                        snapshotsRead[reader]++;
                        if (problem is not null)
                        {
                            failures.Enqueue($"reader {reader}: {problem}");
                            return;
                        }

                        Thread.Yield();
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"reader {reader}: {e}");
                }
            }) { Name = $"reader {reader}" });
        }

        var removedSinks = new List<RetiringSink>();
        int resets = 0;
        int orderly = 0;
        int surprise = 0;
        int cancelled = 0;
        DateTimeOffset simulatedStart = time.GetUtcNow();
        var wall = Stopwatch.StartNew();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        try
        {
            for (int cycle = 0; cycle < cycles && failures.IsEmpty; cycle++)
            {
                lock (machine.SyncRoot)
                {
                    slot.HotAdd(new NvmeEndpoint(new NvmeOptions { VendorId = 0x8086, DeviceId = 0x0A54, SerialNumber = (ulong)cycle + 1, Command = 0 }).Function);
                }

                Assert.Equal(1, vmd.ProcessHotPlugEvents());
                Assert.True(events[^1].Kind == HotPlugEventKind.Inserted, $"cycle {cycle}: {events[^1].Kind} {events[^1].Reason}");
                PciAddress address = Assert.Single(events[^1].Functions);
                var sink = new RetiringSink();
                Assert.True(vmd.TryAttachInterrupt(address, 0, sink, 1, out _), vmd.LastFailure?.ToString());
                Assert.True(NvmeEndpoint.TryGet(machine.Vmds[0].FindFunction(address.Bus, 0, 0)!, out NvmeEndpoint? added));
                long before = sink.Calls;
                added.SignalVector(0);
                Assert.True(Eventually(() => sink.Calls > before), $"cycle {cycle}: the inserted drive's interrupt did not arrive");

                if (cycle % ResetEvery == ResetEvery - 1)
                {
                    cancelled += ResetDomain(vmd, drives, time, pauses, submitters, failures);
                    resets++;
                    before = sink.Calls;
                    added.SignalVector(0);
                    Assert.True(Eventually(() => sink.Calls > before), $"cycle {cycle}: the inserted drive's handler was not re-attached by the reset");
                }

                if (cycle % 2 == 0)
                {
                    Assert.True(vmd.TryRemoveDevice(address), vmd.LastFailure?.ToString());
                    Assert.Equal(HotPlugEventKind.Removed, events[^1].Kind);
                    sink.Retire();
                    lock (machine.SyncRoot)
                    {
                        slot.HotRemove();
                    }

                    vmd.ProcessHotPlugEvents();
                    orderly++;
                }
                else
                {
                    lock (machine.SyncRoot)
                    {
                        Assert.True(slot.HotRemove());
                    }

                    Assert.Equal(1, vmd.ProcessHotPlugEvents());
                    Assert.Equal(HotPlugEventKind.SurpriseRemoved, events[^1].Kind);
                    sink.Retire();
                    surprise++;
                }

                foreach (ChildInterrupt route in vmd.InterruptRoutes)
                {
                    Assert.False(ReferenceEquals(route.Sink, sink), $"cycle {cycle}: a route of the removed drive is still listed");
                }

                removedSinks.Add(sink);
                added.SignalVector(0); // the gone drive's last message must not reach its handler
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            pauses.Resume();
            foreach (Thread thread in threads)
            {
                Assert.True(thread.Join(WaitLimit), $"{thread.Name} did not stop within {WaitLimit}");
            }
        }

        wall.Stop();
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
        foreach ((StableDrive drive, NvmeEndpoint device) in devices)
        {
            drive.ResubmitCancelled(); // a reset just before the threads stopped left its cancelled commands unsent
            device.RunDeferredCommands(); // the last commands rung: their completions' interrupts arrive on this thread
        }

        int foundByFinalDrain = 0;
        foreach (StableDrive drive in drives)
        {
            foundByFinalDrain += drive.FinalDrain();
        }

        long callsAfterRemoval = 0;
        long removedCalls = 0;
        foreach (RetiringSink sink in removedSinks)
        {
            callsAfterRemoval += sink.CallsAfterRemoval;
            removedCalls += sink.Calls;
        }

        VmdTelemetrySnapshot telemetry = vmd.GetTelemetry();
        output.WriteLine($"{cycles} cycles ({orderly} orderly removals, {surprise} surprise removals), {resets} domain resets, {events.Count} hot-plug events; "
            + $"wall {wall.Elapsed.TotalSeconds:0.0} s, simulated {(time.GetUtcNow() - simulatedStart).TotalSeconds:0.0} s");
        for (int t = 0; t < submitters; t++)
        {
            output.WriteLine($"dispatch thread {t}: {dispatchCounts[t, 0]} submissions, {dispatchCounts[t, 1]} host vectors fired");
        }

        foreach (StableDrive d in drives)
        {
            output.WriteLine($"drive {d.Address}: {d.Submitted} commands, "
                + $"{d.Completed} completed, {d.Duplicates} duplicated, {d.Outstanding} outstanding, {d.Errors} with error status, {d.ReapedAfterReset} reaped after a reset, "
                + $"{d.Resubmitted} resubmitted after a reset, {d.HandlerCalls} handler calls");
        }

        output.WriteLine($"readers: {snapshotsRead[0]} + {snapshotsRead[1]} snapshots, last generation {vmd.Devices.Generation}, 0 torn; "
            + $"hot-added drives' handlers: {removedCalls} calls, {callsAfterRemoval} after removal; completions found only by the final drain: {foundByFinalDrain}; "
            + $"commands cancelled by resets and resubmitted: {cancelled}");
        output.WriteLine($"telemetry: {telemetry.Interrupts} VMD interrupts ({telemetry.SpuriousInterrupts} spurious), {telemetry.Resets} resets, "
            + $"{telemetry.HotPlugInserted} inserted, {telemetry.HotPlugRemoved} removed, {telemetry.HotPlugSurpriseRemoved} surprise-removed; "
            + $"host controller: {machine.Interrupts.Delivered} delivered, {machine.Interrupts.Unhandled} unhandled, {machine.Interrupts.LatchedWhileMasked} latched while masked");

        Assert.Equal(0, callsAfterRemoval);
        Assert.Equal(0, foundByFinalDrain);
        foreach (StableDrive d in drives)
        {
            Assert.True(d.Submitted > 0, $"{d.Address}: nothing was submitted");
            Assert.Equal(0, d.Duplicates);
            Assert.Equal(0, d.Errors);
            Assert.Equal(0, d.StuckIds);
            Assert.Equal(d.Submitted, d.Completed);
            d.Release();
        }

        long resubmitted = 0;
        foreach (StableDrive d in drives)
        {
            resubmitted += d.Resubmitted;
        }

        Assert.True(resubmitted > 0, "no command was in flight at any reset: the cancel-and-resubmit path never ran");
        Assert.Equal(cycles / ResetEvery, resets);
        Assert.Equal(resets, telemetry.Resets);
        Assert.Equal(baseline.Count, vmd.Devices.Count);
        Assert.Equal(2 * cycles + orderly, events.Count); // inserted + removed per cycle, and Removing for the orderly ones
    }

    /// <summary>The kernel's side of a domain reset, as the library documents it: stop I/O first, reset, rebuild each drive's queues and resubmit what was cancelled.</summary>
    private static int ResetDomain(VmdController vmd, List<StableDrive> drives, TimeProvider time, PauseGate pauses, int submitters, ConcurrentQueue<string> failures)
    {
        pauses.Request();
        var waited = Stopwatch.StartNew();
        var spin = default(SpinWait);
        while (pauses.Acknowledged < submitters)
        {
            Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures));
            Assert.True(waited.Elapsed < WaitLimit, "the submitting threads did not pause");
            spin.SpinOnce(sleep1Threshold: -1);
        }

        int cancelled = 0;
        try
        {
            ResetReport report = vmd.Reset();
            Assert.True(report.Lost.Count == 0, $"the reset lost {string.Join(", ", report.Lost)}");
            Assert.Equal(VmdState.InterruptsRouted, vmd.State);
            foreach (StableDrive drive in drives)
            {
                cancelled += drive.RecoverAfterReset(time);
            }
        }
        finally
        {
            pauses.Resume();
        }

        return cancelled;
    }

    /// <summary>
    /// Waits, yielding, until <paramref name="condition"/> holds; false after <see cref="WaitLimit"/>. Needed because the
    /// simulator hands a queued message to whichever thread next leaves the machine's lock: another CPU may be delivering
    /// the interrupt this thread raised.
    /// </summary>
    private static bool Eventually(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        var spin = default(SpinWait);
        while (!condition())
        {
            if (waited.Elapsed > WaitLimit)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        return true;
    }

    /// <summary>Null when the snapshot is a whole list: the baseline, or the baseline plus the drive in slot 4, every function as it should be.</summary>
    internal static string? CheckSnapshot(VmdDeviceSnapshot snapshot, long previousGeneration, Dictionary<PciAddress, VmdDeviceEntry> baseline, VmdDeviceEntry port)
    {
        if (snapshot.Generation < previousGeneration)
        {
            return $"generation went back from {previousGeneration} to {snapshot.Generation}";
        }

        ReadOnlySpan<VmdDeviceEntry> functions = snapshot.Functions;
        if (functions.Length != baseline.Count && functions.Length != baseline.Count + 1)
        {
            return $"generation {snapshot.Generation}: {functions.Length} functions, expected {baseline.Count} or {baseline.Count + 1}";
        }

        int extra = 0;
        for (int i = 0; i < functions.Length; i++)
        {
            VmdDeviceEntry entry = functions[i];
            if (i > 0 && !(functions[i - 1].Address < entry.Address))
            {
                return $"generation {snapshot.Generation}: {entry.Address} is duplicated or out of order";
            }

            if (entry.HasParent && !HasBridgeAbove(functions, entry))
            {
                return $"generation {snapshot.Generation}: {entry.Address}'s parent {entry.Parent} is not listed as a bridge over its bus";
            }

            if (baseline.TryGetValue(entry.Address, out VmdDeviceEntry expected))
            {
                if (entry != expected)
                {
                    return $"generation {snapshot.Generation}: {entry} differs from {expected}";
                }
            }
            else if (entry.Address.Bus != port.Secondary || entry.ClassCode != ClassCodes.NvmExpress || entry.Parent != port.Address || !entry.Assigned
                || entry.VendorId != 0x8086 || entry.Bar0CpuAddress == 0)
            {
                return $"generation {snapshot.Generation}: {entry} is not the drive of slot 4, fully described";
            }
            else
            {
                extra++;
            }
        }

        return functions.Length - extra == baseline.Count ? null : $"generation {snapshot.Generation}: a baseline function is missing";
    }

    private static bool HasBridgeAbove(ReadOnlySpan<VmdDeviceEntry> functions, VmdDeviceEntry entry)
    {
        foreach (VmdDeviceEntry candidate in functions)
        {
            if (candidate.Address == entry.Parent)
            {
                return candidate.IsBridge && entry.Address.Bus >= candidate.Secondary && entry.Address.Bus <= candidate.Subordinate;
            }
        }

        return false;
    }

    /// <summary>
    /// Stops the submitting threads around a reset. Each pause has its own event, set once and never reset, so a thread
    /// that is slow to wake from one pause cannot miss it and be counted in the next.
    /// </summary>
    private sealed class PauseGate
    {
        private ManualResetEventSlim? _current;
        private int _acknowledged;

        /// <summary>The event to wait on while a pause is requested; null when none is.</summary>
        public ManualResetEventSlim? Requested => Volatile.Read(ref _current);

        public int Acknowledged => Volatile.Read(ref _acknowledged);

        public void Request()
        {
            Volatile.Write(ref _acknowledged, 0);
            Volatile.Write(ref _current, new ManualResetEventSlim(false));
        }

        public void Acknowledge() => Interlocked.Increment(ref _acknowledged);

        public void Resume() => Interlocked.Exchange(ref _current, null)?.Set();
    }
}
