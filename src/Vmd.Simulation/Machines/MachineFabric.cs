using System;
using System.Collections.Generic;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Registers;
using Vmd.Simulation.Memory;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Machines;

/// <summary>
/// The state one machine's ports share: the lock, the counters, the observer, the host segment's functions,
/// host RAM and the root complex. Host configuration and memory both resolve against it at access time.
/// </summary>
internal sealed class MachineFabric
{
    private const ulong InterruptWindowStart = X86MsiAddress.Base;
    private const ulong InterruptWindowLength = ~X86MsiAddress.WindowMask + 1UL;

    private readonly Dictionary<ushort, SimulatedFunction> _hostByRoutingId = [];
    private readonly List<SimulatedFunction> _hostInOrder = [];

    public MachineFabric() => RootComplex = new RootComplex(this);

    /// <summary>One lock per machine around every configuration and MMIO access (re-entrant).</summary>
    public object Sync { get; } = new();

    public HardwareCounters Counters { get; } = new();

    /// <summary>The machine's clock: reset, link-training and readiness deadlines are timestamps from it.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public IConfigAccessObserver? Observer { get; set; }

    /// <summary>Host RAM for DMA; the builder replaces it when a machine asks for another range.</summary>
    public HostRam Ram { get; set; } = new(SimulatedPhysicalMemory.DefaultRamBase, SimulatedPhysicalMemory.DefaultRamSize);

    /// <summary>Where DMA and interrupt messages from every function end.</summary>
    public RootComplex RootComplex { get; }

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
        function.HostFabric = this;
    }

    /// <summary>The routing ID (bus, device, function) <paramref name="function"/> answers at in the host segment; false when it is not a host function.</summary>
    public bool TryGetHostRoutingId(SimulatedFunction function, out ushort routingId)
    {
        foreach (KeyValuePair<ushort, SimulatedFunction> entry in _hostByRoutingId)
        {
            if (ReferenceEquals(entry.Value, function))
            {
                routingId = entry.Key;
                return true;
            }
        }

        routingId = 0;
        return false;
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

    /// <summary>
    /// True when [start, start + length) overlaps a memory BAR of a host function as programmed now (decode on or off,
    /// VMD apertures included) or the interrupt window: DMA buffers are never placed there.
    /// </summary>
    public bool IsTaken(ulong start, ulong length)
    {
        if (Overlaps(start, length, InterruptWindowStart, InterruptWindowLength))
        {
            return true;
        }

        foreach (SimulatedFunction function in _hostInOrder)
        {
            int count = function.IsBridge ? Type1Header.BarCount : Type0Header.BarCount;
            for (int i = 0; i < count; i++)
            {
                BarKind kind = function.GetBarKind(i);
                if ((kind is BarKind.Memory32 or BarKind.Memory64) && Overlaps(start, length, function.GetBarAddress(i), function.GetBarSize(i)))
                {
                    return true;
                }
            }
        }

        return false;
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

    private static bool Overlaps(ulong start, ulong length, ulong otherStart, ulong otherLength) =>
        otherLength != 0 && start < otherStart + otherLength && otherStart < start + length;
}
