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
            bool wasRouted = State == VmdState.InterruptsRouted;
            var reattach = new List<(PciAddress Function, int Vector, IInterruptSink Sink, uint Cookie)>();
            IInterruptController? host = _hostInterrupts;
            InterruptRoutingOptions? routing = _routingOptions;
            if (wasRouted)
            {
                foreach (ChildInterrupt route in _routes)
                {
                    reattach.Add((route.Function, route.ChildVector, route.Sink, route.Cookie));
                }

                ReleaseInterrupts();
            }

            var portResults = new List<string>();
            foreach (PciAddress port in ports)
            {
                ResetResult result = SecondaryBusReset.Run(_domain!, port, time);
                portResults.Add(result.ToString());
                if (!result.Succeeded)
                {
                    Log.ResetPortTrouble(_logger, Endpoint.Address, port, result.Outcome.ToString());
                }
            }

            State = VmdState.Enabled;
            TryEnumerate();
            if (wasRouted && host is not null)
            {
                TryRouteInterrupts(host, routing);
                foreach ((PciAddress function, int vector, IInterruptSink sink, uint cookie) in reattach)
                {
                    if (FindFunction(function) is not null)
                    {
                        TryAttachInterrupt(function, vector, sink, cookie, out _);
                    }
                }
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
}
