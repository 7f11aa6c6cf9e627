using System;
using Vmd.Registers;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Functions;

/// <summary>The function's message logic (MSI-X and MSI) and its place on the way to the host.</summary>
public sealed partial class SimulatedFunction
{
    private FunctionInterrupts? _interrupts;

    /// <summary>True when Command bit 2 (Bus Master Enable) is set: the function may issue DMA and message writes (a bridge forwards them upstream).</summary>
    public bool BusMasterEnabled => (Command & (ushort)PciCommand.BusMasterEnable) != 0;

    /// <summary>The machine this function was placed in as a host-segment function, or null (behind a VMD or a bridge only, or not placed).</summary>
    internal MachineFabric? HostFabric { get; set; }

    /// <summary>MSI-X and MSI behaviour, created on first use (the capability list is read then).</summary>
    internal FunctionInterrupts Interrupts => _interrupts ??= new FunctionInterrupts(this);

    /// <summary>
    /// Signals interrupt vector <paramref name="vector"/> as the function's own logic would: with MSI-X enabled it
    /// writes table entry <paramref name="vector"/>'s message, or sets its PBA bit while the entry or the function is
    /// masked (the message follows when software unmasks it); with MSI enabled it writes the MSI message (data low bits
    /// = vector within Multiple Message Enable), or sets the pending bit while per-vector masking holds it. The write
    /// travels upstream like DMA: Bus Master Enable on the function, every bridge above it and the VMD endpoint; a VMD
    /// then remaps or bypasses it (VMCONFIG bit 1). Messages reach the host interrupt controller before this returns,
    /// unless the caller holds <c>SimulatedMachine.SyncRoot</c> (then after the next port access made without it).
    /// </summary>
    /// <param name="vector">MSI-X entry or MSI vector number.</param>
    /// <returns>What became of the vector; the machine's counters record it as well.</returns>
    /// <remarks>Thread-safe: takes the machine's lock. Not interrupt-safe (it may run handlers on this thread).</remarks>
    public InterruptOutcome SignalVector(int vector)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vector);
        MachineFabric? fabric = UpstreamPath.FindFabric(this);
        if (fabric is null)
        {
            return InterruptOutcome.Unroutable;
        }

        InterruptOutcome outcome;
        lock (fabric.Sync)
        {
            outcome = Interrupts.Signal(vector);
        }

        fabric.RootComplex.DeliverQueued();
        return outcome;
    }

    /// <summary>Connects the MSI-X table a device model placed behind one of this function's BARs.</summary>
    internal void AttachMsixTable(MsixTable table) => Interrupts.Attach(table);
}
