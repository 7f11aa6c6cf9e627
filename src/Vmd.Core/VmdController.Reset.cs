using System;
using System.Collections.Generic;
using Vmd.Core.Diagnostics;
using Vmd.Core.Interrupts;
using Vmd.Core.Logging;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Reset;

namespace Vmd.Core;

/// <summary>Step 5 of the state machine: reset the domain and bring it back as it was.</summary>
public sealed partial class VmdController
{
    private QuiescedInterrupts? _suspended;

    /// <summary>
    /// Quiesces the domain (every child interrupt masked and detached, the VMD's vectors released), pulses
    /// Secondary Bus Reset on every root port that had functions below it — held at least 1 ms, then at least
    /// 100 ms (after Data Link Layer Link Active on fast links) before the first request below, a device answering
    /// all-ones tolerated for up to 1 s — then enumerates again (stale windows closed, same bus numbers and
    /// resources), routes interrupts in the same mode and re-attaches every handler whose function came back.
    /// A function that does not come back within the limit is left out of the list and named in the report; the
    /// rest of the domain still comes back. Every wait goes through <see cref="VmdHostOptions.TimeProvider"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or InterruptsRouted.</exception>
    public ResetReport Reset()
    {
        lock (_gate)
        {
            if (State < VmdState.Enumerated)
            {
                throw new InvalidOperationException($"Reset needs state Enumerated; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            _counters.CountReset();
            TimeProvider time = _options.TimeProvider;
            ulong fingerprintBefore = Fingerprint;
            var before = new List<PciAddress>();
            var ports = new List<PciAddress>();
            foreach (PciFunction function in Functions)
            {
                before.Add(function.Address);
                if (function.Parent is null && function.IsBridge && HasChildren(function))
                {
                    ports.Add(function.Address);
                }
            }

            // Quiesce: no handler may run against a device that is being reset.
            QuiescedInterrupts? quiesced = Quiesce();

            var portResults = new List<string>();
            foreach (PciAddress port in ports)
            {
                PulsePort(port, time, portResults);
            }

            State = VmdState.Enabled;
            _heldPortResults = portResults; // a root port TryEnumerate must release is reported with the others
            try
            {
                TryEnumerate();
            }
            finally
            {
                _heldPortResults = null;
            }

            // (TryEnumerate also releases a root port an earlier reset left holding Secondary Bus Reset.)
            if (quiesced is not null)
            {
                Reroute(quiesced);
            }

            var lost = new List<PciAddress>();
            foreach (PciAddress address in before)
            {
                if (FindFunction(address) is null)
                {
                    lost.Add(address);
                    Log.FunctionLost(_logger, Endpoint.Address, address);
                }
            }

            PublishDevices(); // the state is back to what it was; the list was published by the enumeration already
            var report = new ResetReport(fingerprintBefore, Fingerprint, before.Count, Functions.Length, lost, portResults);
            Log.ResetDone(_logger, Endpoint.Address, Endpoint.Domain, report.FunctionsAfter, report.FunctionsBefore, report.Restored);
            return report;
        }
    }

    /// <summary>
    /// Function-level reset of one endpoint that advertises it (Device Capabilities bit 28): its interrupt entries are
    /// masked, its state saved (Command, BARs, MSI/MSI-X including the table, PCIe Device/Link Control, LTR), the
    /// reset issued with its 100 ms wait and up to 1 s of all-ones tolerated, then everything restored.
    /// </summary>
    /// <returns>False, with <see cref="LastFailure"/> naming why, for a function without FLR, an unknown function, or one
    /// that did not come back.</returns>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool TryResetFunction(PciAddress address)
    {
        lock (_gate)
        {
            if (State < VmdState.Enumerated)
            {
                throw new InvalidOperationException($"ResetFunction needs state Enumerated; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            PciFunction? function = FindFunction(address);
            if (function is null || !function.Express.FunctionLevelResetCapable)
            {
                return FailStep(VmdStep.Reset, VmdError.Unsupported, $"{address} does not advertise function-level reset; reset its port with Reset()");
            }

            IMmioRegion? table = null;
            nuint tableOffset = 0;
            int tableSize = 0;
            if (_childMsix.ContainsKey(address)
                && function.TryGetCapability(Registers.CapabilityId.MsiX, out ushort msix)
                && Vmd.Interrupts.MsixCapabilityInfo.TryRead(_domain!, address, msix, out Vmd.Interrupts.MsixCapabilityInfo info)
                && TryMappedBar(function, info.TableBir, out table))
            {
                tableOffset = info.TableOffset;
                tableSize = info.TableSize;
            }

            foreach (ChildInterrupt route in _routes)
            {
                if (route.Function == address)
                {
                    route.Msix?.TryMaskEntry(route.ChildVector);
                }
            }

            var state = tableSize > 0 ? new FunctionState(tableSize) : new FunctionState();
            if (!state.TrySave(_domain!, address, table, tableOffset, out VmdError saveError))
            {
                return FailStep(VmdStep.Reset, saveError, $"the state of {address} could not be saved ({saveError})");
            }

            ResetResult result = FunctionLevelReset.Run(_domain!, address, _options.TimeProvider);
            if (!result.Succeeded)
            {
                Log.FunctionLevelResetFailed(_logger, Endpoint.Address, address, result.Outcome.ToString());
                return FailStep(VmdStep.Reset, VmdError.AllOnes, $"{address} did not come back after its function-level reset ({result.Outcome})");
            }

            if (!state.TryRestore(_domain!, out VmdError restoreError))
            {
                return FailStep(VmdStep.Reset, restoreError, $"the state of {address} could not be restored ({restoreError})");
            }

            // The saved table entries kept the masks applied above; unmask the routed ones again.
            foreach (ChildInterrupt route in _routes)
            {
                if (route.Function == address && route.Mode != InterruptRoutingMode.Polling)
                {
                    route.Msix?.TryUnmaskEntry(route.ChildVector);
                }
            }

            return true;
        }
    }

    private bool TryMappedBar(PciFunction function, int index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IMmioRegion? region)
    {
        ulong cpu = function.GetBarCpuAddress(index);
        foreach (IMmioRegion mapped in _childRegions)
        {
            if (cpu != 0 && mapped.PhysicalAddress == cpu)
            {
                region = mapped;
                return true;
            }
        }

        region = null;
        return false;
    }

    /// <summary>True between <see cref="Suspend"/> and <see cref="TryResume"/>.</summary>
    public bool IsSuspended => _suspended is not null;

    /// <summary>
    /// Before the platform suspends: masks and detaches every child interrupt and releases the VMD's host vectors
    /// (the handlers are remembered). Firmware may rewrite VMCONFIG across the sleep; <see cref="TryResume"/> puts it back.
    /// </summary>
    /// <exception cref="InvalidOperationException">Interrupts are not routed.</exception>
    public void Suspend()
    {
        lock (_gate)
        {
            if (State != VmdState.InterruptsRouted)
            {
                throw new InvalidOperationException($"Suspend needs state InterruptsRouted; VMD {Endpoint.Address} is {State}.");
            }

            _suspended = Quiesce();
            State = VmdState.Enumerated;
        }
    }

    /// <summary>
    /// After resume: routes interrupts again in the mode used before (rewriting VMCONFIG bit 1 whatever firmware left
    /// there, digest §10.2), asks the host for vectors again and re-attaches every remembered handler.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not suspended.</exception>
    public bool TryResume()
    {
        lock (_gate)
        {
            if (_suspended is not { } quiesced || State != VmdState.Enumerated)
            {
                throw new InvalidOperationException($"Resume needs a suspended VMD in state Enumerated; {Endpoint.Address} is {State}{(_suspended is null ? ", not suspended" : string.Empty)}.");
            }

            _suspended = null;
            return Reroute(quiesced);
        }
    }

    private QuiescedInterrupts? Quiesce()
    {
        if (State != VmdState.InterruptsRouted || _hostInterrupts is null)
        {
            return null;
        }

        var quiesced = new QuiescedInterrupts(_hostInterrupts, _routingOptions);
        foreach (ChildInterrupt route in _routes)
        {
            quiesced.Routes.Add((route.Function, route.ChildVector, route.Sink, route.Cookie));
        }

        ReleaseInterrupts();
        State = VmdState.Enumerated;
        return quiesced;
    }

    private bool Reroute(QuiescedInterrupts quiesced)
    {
        if (!TryRouteInterrupts(quiesced.Host, quiesced.Options))
        {
            return false;
        }

        bool all = true;
        foreach ((PciAddress function, int vector, IInterruptSink sink, uint cookie) in quiesced.Routes)
        {
            all &= FindFunction(function) is not null && TryAttachInterrupt(function, vector, sink, cookie, out _);
        }

        return all;
    }

    // Set by Reset() around its TryEnumerate, so ports released there are listed in its report.
    private List<string>? _heldPortResults;

    /// <summary>
    /// Pulses, with its waits, every root port that has nothing below it and still holds Secondary Bus Reset (an
    /// earlier reset whose deassert never arrived, from this kernel or one before it): everything below such a port
    /// stays in reset, so nothing is listed there. One config read per root port without functions below it.
    /// </summary>
    /// <returns>True when a port was pulsed (the caller walks the domain again).</returns>
    private bool ReleaseHeldRootPorts()
    {
        List<PciAddress>? held = null;
        foreach (PciFunction function in _enumerator!.Functions)
        {
            if (function.Parent is null && function.IsBridge && !HasChildren(function) && IsHeldInReset(function.Address))
            {
                (held ??= []).Add(function.Address);
            }
        }

        if (held is null)
        {
            return false;
        }

        List<string> results = _heldPortResults ?? [];
        foreach (PciAddress port in held)
        {
            Log.HeldPortReleased(_logger, Endpoint.Address, port);
            PulsePort(port, _options.TimeProvider, results);
        }

        return true;
    }

    private void PulsePort(PciAddress port, TimeProvider time, List<string> portResults)
    {
        ResetResult result = SecondaryBusReset.Run(_domain!, port, time);
        portResults.Add(result.Succeeded
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{port}: {result.Outcome}, {result.Function} answered {result.ReadyAfter.TotalMilliseconds:0.#} ms after the reset ended")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{port}: {result.Outcome} ({result.Function})"));
        if (!result.Succeeded)
        {
            Log.ResetPortTrouble(_logger, Endpoint.Address, port, result.Outcome.ToString());
        }
    }

    /// <summary>
    /// True when a root port's Bridge Control still has Secondary Bus Reset set: an earlier reset whose deassert never
    /// arrived (the host port failed in between) holds everything below in reset, so nothing is listed there and only
    /// another pulse, with its waits, brings it back. One config read per root port without functions below it, per reset.
    /// </summary>
    private bool IsHeldInReset(PciAddress port)
    {
        ushort control = _domain!.Read16(port, Registers.Type1Header.BridgeControl);
        return control != ushort.MaxValue && (control & (ushort)Registers.BridgeControl.SecondaryBusReset) != 0;
    }

    private bool HasChildren(PciFunction bridge)
    {
        // The enumerator's list, not Functions: during TryEnumerate the state is not Enumerated yet.
        foreach (PciFunction function in _enumerator!.Functions)
        {
            if (function.Parent == bridge)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What step 4 was doing before a reset or a suspend, to do it again after.</summary>
    private sealed class QuiescedInterrupts(IInterruptController host, InterruptRoutingOptions? options)
    {
        public IInterruptController Host { get; } = host;

        public InterruptRoutingOptions? Options { get; } = options;

        public List<(PciAddress Function, int Vector, IInterruptSink Sink, uint Cookie)> Routes { get; } = [];
    }
}
