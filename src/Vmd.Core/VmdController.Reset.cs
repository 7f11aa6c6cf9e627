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
                ResetResult result = SecondaryBusReset.Run(_domain!, port, time);
                portResults.Add(result.Succeeded
                    ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{port}: {result.Outcome}, {result.Function} answered {result.ReadyAfter.TotalMilliseconds:0.#} ms after the reset ended")
                    : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{port}: {result.Outcome} ({result.Function})"));
                if (!result.Succeeded)
                {
                    Log.ResetPortTrouble(_logger, Endpoint.Address, port, result.Outcome.ToString());
                }
            }

            State = VmdState.Enabled;
            TryEnumerate();
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

            var report = new ResetReport(fingerprintBefore, Fingerprint, before.Count, Functions.Length, lost, portResults);
            Log.ResetDone(_logger, Endpoint.Address, Endpoint.Domain, report.FunctionsAfter, report.FunctionsBefore, report.Restored);
            return report;
        }
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
            if (_suspended is not { } quiesced)
            {
                throw new InvalidOperationException($"Resume needs a suspended VMD; {Endpoint.Address} is {State}.");
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

    private bool HasChildren(PciFunction bridge)
    {
        foreach (PciFunction function in Functions)
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
