using System;
using System.Collections.Generic;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Machines;

/// <summary>
/// Composes a machine: host functions at fixed addresses in segment 0, VMD endpoints (each with a root bus to
/// plug root ports, switches, NVMe, SATA and companions into), and the host's interrupt pool. Firmware state
/// (BAR addresses, bus numbers, windows, Command bits) is whatever the functions were built with.
/// </summary>
/// <example>
/// <code>
/// var builder = new MachineBuilder("mine", "one VMD, one drive");
/// SimulatedVmd vmd = builder.AddVmd(new VmdOptions { DeviceId = 0x9a0b, VmCap = 1, VmConfig = 0x200, ... });
/// PciePort port = PciePort.CreateRootPort(new PciePortOptions { DeviceId = 0x9a09, HardWiredPrimaryBus = 0, SecondaryBus = 0xe1, SubordinateBus = 0xe1 });
/// vmd.RootBus.Add(6, 0, port.Function);
/// port.SecondaryBus.Add(0, 0, new NvmeEndpoint(new NvmeOptions { Bar0Address = 0x5000_0000 }).Function);
/// SimulatedMachine machine = builder.Build();
/// </code>
/// </example>
/// <remarks>Single use: after <see cref="Build"/> the builder refuses further calls.</remarks>
public sealed class MachineBuilder
{
    /// <summary>Segment number the first VMD's domain is reported under; later VMDs count up from it.</summary>
    public const uint FirstDomainSegment = 0x10000;

    private readonly MachineFabric _fabric = new();
    private readonly List<SimulatedVmd> _vmds = [];
    private readonly string _name;
    private readonly string _description;
    private bool _built;

    /// <summary>Starts a machine called <paramref name="name"/>.</summary>
    public MachineBuilder(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        _description = description ?? string.Empty;
    }

    /// <summary>False models a legacy 0xCF8/0xCFC host that reaches only 256 bytes per function.</summary>
    public bool HostHasExtendedSpace { get; set; } = true;

    /// <summary>Size of the host interrupt controller's vector pool.</summary>
    public int InterruptVectorCount { get; set; } = SimulatedInterruptController.DefaultVectorCount;

    /// <summary>
    /// First address of host RAM that <see cref="SimulatedPhysicalMemory.AllocateDma"/> hands out (4 KiB aligned);
    /// default <see cref="SimulatedPhysicalMemory.DefaultRamBase"/>. Keep it clear of the BARs: RAM decodes first.
    /// </summary>
    public ulong RamBase { get; set; } = SimulatedPhysicalMemory.DefaultRamBase;

    /// <summary>Bytes of host RAM (a multiple of 4 KiB); default <see cref="SimulatedPhysicalMemory.DefaultRamSize"/>.</summary>
    public ulong RamSize { get; set; } = SimulatedPhysicalMemory.DefaultRamSize;

    /// <summary>
    /// The machine's clock (default <see cref="System.TimeProvider.System"/>): Secondary Bus Reset, FLR and D3hot → D0
    /// deadlines are measured with <see cref="System.TimeProvider.GetTimestamp"/>. Tests pass a <c>FakeTimeProvider</c> and
    /// advance it instead of sleeping.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Places <paramref name="function"/> at <paramref name="address"/> in the host segment (segment 0).</summary>
    public MachineBuilder AddHostFunction(PciAddress address, SimulatedFunction function)
    {
        ThrowIfBuilt();
        _fabric.AddHostFunction(address, function);
        return this;
    }

    /// <summary>Adds a VMD endpoint at <paramref name="options"/>.Address in the host segment and returns it, so its domain can be populated.</summary>
    public SimulatedVmd AddVmd(VmdOptions options)
    {
        ThrowIfBuilt();
        ArgumentNullException.ThrowIfNull(options);
        var vmd = new SimulatedVmd(_fabric, options, FirstDomainSegment + (uint)_vmds.Count);
        _fabric.AddHostFunction(options.Address, vmd.Function);
        _vmds.Add(vmd);
        return vmd;
    }

    /// <summary>Finishes the machine.</summary>
    public SimulatedMachine Build()
    {
        ThrowIfBuilt();
        const ulong pageMask = 0xFFF;
        if ((RamBase & pageMask) != 0 || (RamSize & pageMask) != 0 || RamSize == 0 || RamBase + RamSize < RamBase)
        {
            throw new InvalidOperationException("Host RAM needs a non-empty, 4 KiB aligned range that does not wrap.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        _built = true;
        _fabric.Time = TimeProvider;
        _fabric.Ram = new HostRam(RamBase, RamSize);
        var interrupts = new SimulatedInterruptController(InterruptVectorCount);
        _fabric.RootComplex.Controller = interrupts;
        return new SimulatedMachine(_name, _description, _fabric, HostHasExtendedSpace, interrupts, _vmds.ToArray());
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("Build() has already been called on this builder.");
        }
    }
}
