using System;
using System.Collections.Generic;
using Vmd.Core.Mapping;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Counts every configuration access of a case and remembers the first write that went where it must not: a host
/// write to anything but a VMD endpoint, or a domain write outside its VMD's root bus ranges (or before they are known).
/// </summary>
/// <remarks>
/// With one root bus the check is on the CFGBAR bus index (bus − the hardware's bus start), because a VMD whose VMCAP
/// claims bus restrictions on an ID that has none decodes a different bus start than the driver uses: the bus numbers
/// differ, the CFGBAR offsets do not. With two root buses the simulator reports the bus BUSRANGE0/1 decode to. When the
/// hardware splits CFGBAR by BUSRANGE but the driver's ID table says the part has one root bus, the simulator's bus
/// numbers follow BUSRANGE and the driver's do not; then only the VMD's own refusal of out-of-range accesses applies.
/// </remarks>
internal sealed class FuzzObserver : IConfigAccessObserver
{
    private readonly Dictionary<SimulatedVmd, (int First, int Last)[]> _ranges = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<PciAddress> _endpoints = [];

    public FuzzObserver(IReadOnlyList<SimulatedVmd> vmds)
    {
        foreach (SimulatedVmd vmd in vmds)
        {
            _endpoints.Add(vmd.Address);
        }
    }

    public long Accesses { get; private set; }

    public long DomainWrites { get; private set; }

    public string? Violation { get; private set; }

    public void SetRanges(SimulatedVmd vmd, ReadOnlySpan<VmdRootBus> roots)
    {
        var ranges = new (int, int)[roots.Length];
        for (int i = 0; i < roots.Length; i++)
        {
            ranges[i] = (roots[i].FirstBus, roots[i].LastBus);
        }

        _ranges[vmd] = ranges;
    }

    public void Fail(string problem) => Violation ??= problem;

    public void OnConfigAccess(in ConfigAccess access)
    {
        Accesses++;
        if (!access.IsWrite)
        {
            return;
        }

        if (access.Source == ConfigAccessSource.Host)
        {
            if (!_endpoints.Contains(access.Address))
            {
                Fail($"host write to {access.Address} +{access.Offset:x3}, not a VMD");
            }

            return;
        }

        DomainWrites++;
        if (access.Vmd is not SimulatedVmd vmd || !_ranges.TryGetValue(vmd, out (int First, int Last)[]? ranges))
        {
            Fail($"domain write to {access.Address} +{access.Offset:x3} before its VMD's bus range was known");
            return;
        }

        if (ranges.Length == 1 && vmd.SplitsRootBuses)
        {
            return;
        }

        if (ranges.Length == 1)
        {
            int index = (access.Address.Bus - vmd.BusStart) & 0xFF;
            if (index > ranges[0].Last - ranges[0].First)
            {
                Fail($"domain write to CFGBAR bus index {index:x2} ({access.Address} +{access.Offset:x3}) outside the VMD's {ranges[0].Last - ranges[0].First + 1} buses");
            }

            return;
        }

        foreach ((int first, int last) in ranges)
        {
            if (access.Address.Bus >= first && access.Address.Bus <= last)
            {
                return;
            }
        }

        Fail($"domain write to {access.Address} +{access.Offset:x3} outside the VMD's bus ranges");
    }
}
