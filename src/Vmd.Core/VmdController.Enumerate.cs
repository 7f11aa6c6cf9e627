using System;
using Vmd.Core.Logging;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Functions;
using Vmd.Core.Identification;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Walk;

namespace Vmd.Core;

/// <summary>Step 3 of the state machine: enumerate the domain and give every function its resources.</summary>
public sealed partial class VmdController
{
    private DomainEnumerator? _enumerator;
    private ResourceAssigner? _assigner;

    /// <summary>The functions behind the VMD in address order, once enumerated (empty before). Records are reused by re-scans.</summary>
    public ReadOnlySpan<PciFunction> Functions => _enumerator is null || State < VmdState.Enumerated ? ReadOnlySpan<PciFunction>.Empty : _enumerator.Functions;

    /// <summary>The domain's topology fingerprint (XxHash64 over identities and resources), once enumerated.</summary>
    public ulong Fingerprint => _enumerator?.Fingerprint ?? 0;

    /// <summary>Highest bus number in use below the first root bus after enumeration (hot-plug reserves included).</summary>
    public int HighestBus => _enumerator?.HighestBus ?? 0;

    /// <summary>Highest bus number in use below root bus <paramref name="rootBus"/> (an index into <see cref="RootBuses"/>) after enumeration; 0 before.</summary>
    public int GetHighestBus(int rootBus) => _enumerator is null ? 0 : _enumerator.GetHighestBus(rootBus);

    /// <summary>
    /// Step 3: resets stale bridge windows and bus numbers, enumerates depth-first from the root bus (each root bus in
    /// turn, on a VMD with two), numbers bridges inside the bus range, sizes and assigns BARs and windows inside the
    /// apertures (each root bus inside its own parts),
    /// then turns on decode and bus mastering on what was assigned. Can run again from Enumerated.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is neither Enabled nor Enumerated.</exception>
    public bool TryEnumerate()
    {
        lock (_gate)
        {
            if (State is not (VmdState.Enabled or VmdState.Enumerated))
            {
                throw new InvalidOperationException($"Enumerate needs state Enabled; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            long started = _options.TimeProvider.GetTimestamp();
            long rejectedBefore = _domain!.RejectedAccesses;
            if (_enumerator is null)
            {
                Span<RootBusRange> roots = stackalloc RootBusRange[_rootBuses.Length];
                for (int i = 0; i < roots.Length; i++)
                {
                    roots[i] = _rootBuses[i].Buses;
                }

                _enumerator = new DomainEnumerator(_domain, Endpoint.Domain, roots, _options.Enumeration);
            }

            _assigner ??= new ResourceAssigner(_domain, _options.Resources);
            _enumerator.Enumerate();
            if (ReleaseHeldRootPorts())
            {
                _enumerator.Enumerate();
            }

            for (int i = 0; i < _rootBuses.Length; i++)
            {
                // Each root bus is placed only inside its own parts of the apertures: nothing crosses the split.
                VmdRootBus root = _rootBuses[i];
                ReadOnlySpan<Aperture> apertures = [root.MemBar1Aperture, root.MemBar2Aperture];
                _assigner.Assign(_enumerator.GetWalkOrder(i), apertures);
            }
            if ((Endpoint.Device.Features & VmdFeatures.BiosPmQuirk) != 0)
            {
                // Client firmware may leave LTR and ASPM unprogrammed behind the VMD, so the SoC never reaches its
                // low-power states (digest §10.1): program them as the platform expects, after resources.
                foreach (PciFunction function in _enumerator.WalkOrder)
                {
                    BiosPmQuirk.Apply(_domain, function, _options.TimeProvider);
                }
            }

            ulong fingerprint = _enumerator.ComputeFingerprint();
            State = VmdState.Enumerated;
            PublishDevices();
            _counters.CountEnumeration(_options.TimeProvider.GetTimestamp() - started);

            int unassigned = 0;
            foreach (PciFunction function in _enumerator.Functions)
            {
                if (!function.Assigned)
                {
                    unassigned++;
                }

                if ((function.Issues & ~FunctionIssues.Informational) != FunctionIssues.None)
                {
                    Log.FunctionIssue(_logger, Endpoint.Address, function.Address, IssueText.Describe(function.Issues & ~FunctionIssues.Informational));
                }
            }

            ReportRejected(rejectedBefore);
            Log.Enumerated(_logger, Endpoint.Address, Endpoint.Domain, _enumerator.Functions.Length, unassigned, BusRange!.Start, _enumerator.HighestBus, fingerprint);
            return true;
        }
    }

    /// <summary>
    /// Walks the enumerated domain again without writing. True when nothing changed (same functions, IDs,
    /// bus numbers and BARs; the list and fingerprint are as before and nothing is allocated); false when
    /// something did, and the list now shows the domain as it is.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated or later.</exception>
    public bool Rescan()
    {
        lock (_gate)
        {
            if (State < VmdState.Enumerated)
            {
                throw new InvalidOperationException($"Rescan needs state Enumerated; VMD {Endpoint.Address} is {State}.");
            }

            long rejectedBefore = _domain!.RejectedAccesses;
            bool unchanged = _enumerator!.Rescan();
            if (!unchanged)
            {
                PublishDevices();
            }

            ReportRejected(rejectedBefore);
            if (!unchanged)
            {
                Log.Rescanned(_logger, Endpoint.Address, Endpoint.Domain, "changed");
            }

            return unchanged;
        }
    }

    private void ReportRejected(long before)
    {
        long rejected = _domain!.RejectedAccesses - before;
        if (rejected > 0)
        {
            Log.AccessesOutsideDomain(_logger, Endpoint.Address, Endpoint.Domain, rejected);
        }
    }
}
