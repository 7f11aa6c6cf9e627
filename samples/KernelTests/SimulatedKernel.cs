using KernelHost.Bringup;
using KernelHost.Interrupts;
using KernelHost.Simulated;
using Microsoft.Extensions.Time.Testing;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace KernelTests;

/// <summary>The sample kernel's ports on a fresh catalog machine whose clock moves 100 µs per read: no test sleeps.</summary>
internal static class SimulatedKernel
{
    public static (SimulatedMachine Machine, KernelPorts Ports, FakeTimeProvider Time) Boot(string machineName = MachineCatalog.DefaultName)
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromTicks(1_000) };
        SimulatedMachine machine = MachineCatalog.Create(machineName, time);
        var platform = new SimulatedPlatform(machine);
        var table = new InterruptTable();
        platform.ConnectInterrupts(table);
        return (machine, KernelPorts.Over(platform, platform, table, platform.Info), time);
    }
}
