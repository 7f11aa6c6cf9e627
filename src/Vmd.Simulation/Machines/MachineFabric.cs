using System;
using System.Collections.Generic;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Machines;

/// <summary>
/// The state one machine's ports share: the lock, the counters, the observer and the host segment's
/// functions. Host configuration and memory both resolve against it at access time.
/// </summary>
internal sealed class MachineFabric
{
    private readonly Dictionary<ushort, SimulatedFunction> _hostByRoutingId = [];
    private readonly List<SimulatedFunction> _hostInOrder = [];

    /// <summary>One lock per machine around every configuration and MMIO access (re-entrant).</summary>
    public object Sync { get; } = new();

    public HardwareCounters Counters { get; } = new();

    public IConfigAccessObserver? Observer { get; set; }

    public int HostFunctionCount => _hostInOrder.Count;

    public void AddHostFunction(PciAddress address, SimulatedFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (address.Segment != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, "The simulated host has segment 0 only.");
        }

        if (!_hostByRoutingId.TryAdd(address.RoutingId, function))
        {
            throw new InvalidOperationException($"Host address {address} is already taken.");
        }

        _hostInOrder.Add(function);
    }

    public SimulatedFunction? FindHostFunction(PciAddress address) =>
        address.Segment == 0 && _hostByRoutingId.TryGetValue(address.RoutingId, out SimulatedFunction? function) ? function : null;

    /// <summary>Counts a configuration access and shows it to the observer.</summary>
    public void RecordConfig(ConfigAccessSource source, PciAddress address, ushort offset, int width, uint value, bool write, bool claimed, SimulatedVmd? vmd)
    {
        if (source == ConfigAccessSource.Host)
        {
            Counters.CountHostConfig(write, width);
        }
        else
        {
            Counters.CountDomainConfig(write, width);
        }

        Observer?.OnConfigAccess(new ConfigAccess(source, address, offset, width, value, write, claimed, vmd));
    }

    /// <summary>Finds the host function BAR claiming <paramref name="address"/> with the BARs and MSE bits as they stand now.</summary>
    public bool TryDecodeHostMemory(ulong address, out IMemoryTarget? target, out ulong offset)
    {
        foreach (SimulatedFunction function in _hostInOrder)
        {
            if (function.TryDecodeMemory(address, out target, out offset))
            {
                return true;
            }
        }

        target = null;
        offset = 0;
        return false;
    }
}
