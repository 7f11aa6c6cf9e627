using System;
using Vmd.Core;
using Vmd.Simulation;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Fuzzing;

namespace Vmd.Fuzz.Dumps;

/// <summary>
/// One fuzz input: parse it as an lspci dump, build the machine, and bring every VMD on it up to a rescan.
/// <see cref="DumpFormatException"/> is the importer's documented answer to a bad dump and is swallowed; anything else
/// escapes and is a finding.
/// </summary>
internal static class DumpTarget
{
    public static void Run(string text)
    {
        SimulatedMachine machine;
        try
        {
            machine = DumpMachineBuilder.Build(text, "fuzz", new SteppingTimeProvider(TimeSpan.FromMilliseconds(1)), out _);
        }
        catch (DumpFormatException)
        {
            return;
        }

        BringUp(machine);
    }

    private static void BringUp(SimulatedMachine machine)
    {
        // Disposed: its meter stays registered process-wide until then, with the whole machine behind it.
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider });
        foreach (VmdController vmd in host.Controllers)
        {
            using (vmd)
            {
                if (vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate())
                {
                    vmd.TryRouteInterrupts(machine.Interrupts);
                    vmd.Rescan();
                }
            }
        }
    }
}
