using System.Collections.Generic;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Host;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation;

/// <summary>
/// A whole simulated computer: the three ports a kernel implements (<see cref="HostConfig"/>,
/// <see cref="Memory"/>, <see cref="Interrupts"/>), the VMDs with their domains, and counters. Get one from
/// <see cref="Machines.MachineCatalog"/> or compose one with <see cref="Machines.MachineBuilder"/>.
/// </summary>
/// <remarks>
/// Thread safety: one lock per machine (<see cref="SyncRoot"/>) serialises every configuration and MMIO access
/// through the ports, so the model is consistent under concurrent drivers. Changing the topology or poking
/// registers directly from a test while other threads use the ports should happen under the same lock. The
/// interrupt controller has its own lock.
/// </remarks>
public sealed class SimulatedMachine
{
    private readonly MachineFabric _fabric;

    internal SimulatedMachine(string name, string description, MachineFabric fabric, bool hostHasExtendedSpace, SimulatedInterruptController interrupts, SimulatedVmd[] vmds)
    {
        Name = name;
        Description = description;
        _fabric = fabric;
        HostConfigSpace = new SimulatedHostConfigSpace(fabric, hostHasExtendedSpace);
        PhysicalMemory = new SimulatedPhysicalMemory(fabric);
        Interrupts = interrupts;
        Vmds = vmds;
    }

    internal MachineFabric Fabric => _fabric;

    /// <summary>Catalog name (e.g. <c>tigerlake</c>) or the name given to the builder.</summary>
    public string Name { get; }

    /// <summary>One-line description.</summary>
    public string Description { get; }

    /// <summary>The host configuration port (segment 0).</summary>
    public IConfigSpace HostConfig => HostConfigSpace;

    /// <summary>The host configuration port with its simulator-only settings (legacy host switch).</summary>
    public SimulatedHostConfigSpace HostConfigSpace { get; }

    /// <summary>The host mapping port.</summary>
    public IMmioMapper Memory => PhysicalMemory;

    /// <summary>The host mapping port with failure injection and direct physical access.</summary>
    public SimulatedPhysicalMemory PhysicalMemory { get; }

    /// <summary>The host interrupt controller port.</summary>
    public SimulatedInterruptController Interrupts { get; }

    /// <summary>What the hardware has seen.</summary>
    public HardwareCounters Counters => _fabric.Counters;

    /// <summary>The VMD endpoints, in the order they were added (their <see cref="SimulatedVmd.DomainSegment"/> follows it).</summary>
    public IReadOnlyList<SimulatedVmd> Vmds { get; }

    /// <summary>Sees every configuration access (host and domain); null for none.</summary>
    public IConfigAccessObserver? ConfigAccessObserver
    {
        get => _fabric.Observer;
        set => _fabric.Observer = value;
    }

    /// <summary>The machine's clock (<see cref="Machines.MachineBuilder.TimeProvider"/>): reset and readiness deadlines come from it.</summary>
    public System.TimeProvider TimeProvider => _fabric.Time;

    /// <summary>The machine's lock (re-entrant).</summary>
    public object SyncRoot => _fabric.Sync;

    /// <summary>The host function at <paramref name="address"/> (segment 0), or null.</summary>
    public SimulatedFunction? FindHostFunction(PciAddress address) => _fabric.FindHostFunction(address);
}
