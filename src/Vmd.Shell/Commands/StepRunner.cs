using System.Collections.Generic;
using Vmd.Core;
using Vmd.Core.Interrupts;

namespace Vmd.Shell.Commands;

/// <summary>Runs the bring-up steps on every controller up to a state, stopping a controller at its first failure.</summary>
internal static class StepRunner
{
    /// <summary>Runs map, enable and enumerate as far as <paramref name="target"/>; returns one line per step and VMD.</summary>
    public static List<(string Step, VmdController Vmd, bool Ok)> RunTo(VmdHost host, VmdState target, IInterruptController? interrupts = null, InterruptRoutingOptions? routing = null)
    {
        var results = new List<(string, VmdController, bool)>();
        foreach (VmdController vmd in host.Controllers)
        {
            if (target >= VmdState.Mapped && vmd.State < VmdState.Mapped)
            {
                bool ok = vmd.TryMap();
                results.Add(("map", vmd, ok));
                if (!ok)
                {
                    continue;
                }
            }

            if (target >= VmdState.Enabled && vmd.State < VmdState.Enabled)
            {
                bool ok = vmd.TryEnable();
                results.Add(("enable", vmd, ok));
                if (!ok)
                {
                    continue;
                }
            }

            if (target >= VmdState.Enumerated && vmd.State < VmdState.Enumerated)
            {
                bool ok = vmd.TryEnumerate();
                results.Add(("enumerate", vmd, ok));
                if (!ok)
                {
                    continue;
                }
            }

            if (target >= VmdState.InterruptsRouted && vmd.State < VmdState.InterruptsRouted && interrupts is not null)
            {
                results.Add(("interrupts", vmd, vmd.TryRouteInterrupts(interrupts, routing)));
            }
        }

        return results;
    }
}
