using System;
using Vmd.Core;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Fuzzing;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Runs the whole bring-up on one generated case and checks every invariant; throws <see cref="FuzzFailureException"/>
/// naming the seed when one fails.
/// </summary>
/// <remarks>
/// <para>Steps: <c>VmdHost.Detect</c>, then per controller <c>TryMap</c>, <c>TryEnable</c>, <c>TryEnumerate</c>,
/// <c>TryRouteInterrupts</c> (remapped, polling or bypass, chosen by the seed), <c>Rescan</c>, <c>Dispose</c>. The only
/// exception their XML docs allow is <see cref="InvalidOperationException"/> for a step called out of order, which this
/// sequence never does; so any exception escaping is a failure.</para>
/// <para>
/// Access bound (every configuration access, host and domain, from detection to dispose):
/// <c>accesses ≤ 2·(256·S + 1200·N) + 10200</c>, where S = root buses + bridges listed (each bus the walk scans, at most
/// 32 devices × 8 functions of probes) and N = functions listed + functions built (each function decoded: header,
/// BARs sized with decode off, at most 48 standard and 960 extended capability hops, assignment, the client PM quirk);
/// the factor 2 is enumeration plus the read-only rescan, and 10 200 covers the host side: detection probes 256 buses ×
/// 32 devices (8192 reads), then mapping, enabling and routing read and write the VMD's own registers. A case that comes within the bound but needs more than a few hundred accesses per function shows up
/// in the reported maximum ratio.
/// </para>
/// </remarks>
internal static class BringupRunner
{
    public const long PerBus = 256;
    public const long PerFunction = 1200;
    public const long Fixed = 10_200;

    public static long Bound(int scannedBuses, int functions) => (2 * ((PerBus * scannedBuses) + (PerFunction * functions))) + Fixed;

    public static FuzzResult Run(int seed, FuzzOptions? options = null)
    {
        string context = $"seed {seed}";
        FuzzCase fuzz;
        try
        {
            fuzz = FuzzDomainGenerator.Generate(seed, options);
        }
        catch (Exception e)
        {
            throw new FuzzFailureException($"{context}: the generator threw {e.GetType().Name}: {e.Message}", e);
        }

        context = fuzz.ToString();
        BringupFigures figures = BringUpMachine(fuzz.Machine, seed, fuzz.Features, context);
        long bound = Bound(figures.ScannedBuses, figures.Listed + fuzz.Functions);
        FuzzInvariants.Require(figures.Accesses <= bound, context, $"{figures.Accesses} configuration accesses, bound {bound}");
        return new FuzzResult(seed, figures.Accesses, bound, figures.Listed, fuzz.Functions, fuzz.Features);
    }

    /// <summary>Brings every VMD of <paramref name="machine"/> up and checks every invariant but the access bound.</summary>
    public static BringupFigures BringUpMachine(SimulatedMachine machine, int seed, FuzzFeatures features, string context)
    {
        var observer = new FuzzObserver(machine.Vmds);
        machine.ConfigAccessObserver = observer;
        machine.PhysicalMemory.MapFilter = (address, length) =>
        {
            if (!InsideVmdBar(machine, address, length))
            {
                observer.Fail($"mapped {address:x}+{length:x}, outside every BAR of a VMD");
            }

            return true;
        };

        int listed = 0;
        int scanned = 0;
        try
        {
            // Disposed: its meter is registered process-wide until then and would keep the whole machine alive.
            using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider });
            foreach (VmdController vmd in host.Controllers)
            {
                SimulatedVmd simulated = Find(machine, vmd.Endpoint.Address);
                BringUp(vmd, simulated, machine, observer, seed, features, context, ref listed, ref scanned);
            }
        }
        catch (FuzzFailureException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new FuzzFailureException($"{context}: {e.GetType().Name} escaped the bring-up: {e.Message}\n{e.StackTrace}", e);
        }

        FuzzInvariants.Require(observer.Violation is null, context, observer.Violation ?? string.Empty);
        FuzzInvariants.Require(machine.Counters.MmioUnclaimed == 0, context, $"{machine.Counters.MmioUnclaimed} MMIO accesses outside every decoding BAR");
        FuzzInvariants.Require(machine.PhysicalMemory.ActiveMappingCount == 0, context, $"{machine.PhysicalMemory.ActiveMappingCount} mappings left after Dispose");
        return new BringupFigures(observer.Accesses, listed, scanned);
    }

    private static SimulatedVmd Find(SimulatedMachine machine, PciAddress address)
    {
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            if (vmd.Address == address)
            {
                return vmd;
            }
        }

        throw new FuzzFailureException($"the driver detected a VMD at {address} that the machine does not have");
    }

    private static void BringUp(VmdController vmd, SimulatedVmd simulated, SimulatedMachine machine, FuzzObserver observer, int seed, FuzzFeatures features, string context, ref int listed, ref int scanned)
    {
        using (vmd)
        {
            if (!vmd.TryMap())
            {
                FuzzInvariants.Require(vmd.State == VmdState.Detected && vmd.LastFailure is not null, context, $"failed map left state {vmd.State}, failure {vmd.LastFailure}");
                FuzzInvariants.Require(machine.PhysicalMemory.ActiveMappingCount == 0, context, "failed map left mappings");
                return;
            }

            observer.SetRanges(simulated, vmd.RootBuses);
            if (!vmd.TryEnable())
            {
                FuzzInvariants.Require(vmd.State == VmdState.Mapped && vmd.LastFailure is not null, context, $"failed enable left state {vmd.State}");
                return;
            }

            if (!vmd.TryEnumerate())
            {
                FuzzInvariants.Require(vmd.State == VmdState.Enabled && vmd.LastFailure is not null && vmd.Functions.Length == 0, context, $"failed enumerate left state {vmd.State}");
                return;
            }

            FuzzInvariants.Check(vmd, context + " after enumerate");
            int roots = vmd.RootBuses.Length;
            listed = Math.Max(listed, vmd.Functions.Length);
            scanned = Math.Max(scanned, roots + Bridges(vmd));

            var routing = new InterruptRoutingOptions { Mode = (seed & 7) switch { 0 => InterruptRoutingMode.Polling, 1 => InterruptRoutingMode.Bypass, _ => InterruptRoutingMode.Remapped } };
            if (vmd.TryRouteInterrupts(machine.Interrupts, routing))
            {
                FuzzInvariants.Require(vmd.State == VmdState.InterruptsRouted, context, $"routed but state {vmd.State}");
            }
            else
            {
                FuzzInvariants.Require(vmd.State == VmdState.Enumerated && vmd.LastFailure is not null, context, $"failed routing left state {vmd.State}");
            }

            long writes = observer.DomainWrites;
            vmd.Rescan();
            FuzzInvariants.Require(observer.DomainWrites == writes, context, $"Rescan wrote {observer.DomainWrites - writes} times");

            // A bridge looped onto its own ancestor's bus is one device at two addresses: programming one alias moves
            // the other's registers, which no driver can tell apart from two devices (see FuzzInvariants.Check).
            FuzzInvariants.Check(vmd, context + " after rescan", resources: (features & FuzzFeatures.BusLoop) == 0);
            listed = Math.Max(listed, vmd.Functions.Length);
            scanned = Math.Max(scanned, roots + Bridges(vmd));
        }
    }

    private static int Bridges(VmdController vmd)
    {
        int count = 0;
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.IsBridge)
            {
                count++;
            }
        }

        return count;
    }

    private static bool InsideVmdBar(SimulatedMachine machine, ulong address, ulong length)
    {
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            if (Inside(vmd.CfgBarAddress, vmd.CfgBarSize) || Inside(vmd.MemBar1Address, vmd.MemBar1Size) || Inside(vmd.MemBar2Address, vmd.MemBar2Size))
            {
                return true;
            }
        }

        return false;

        bool Inside(ulong start, ulong size) => size != 0 && address >= start && length <= size && address - start <= size - length;
    }
}
