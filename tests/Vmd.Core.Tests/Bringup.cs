using Vmd.Simulation;

namespace Vmd.Core.Tests;

/// <summary>Runs the bring-up steps on a simulated machine up to a given state, asserting each succeeds.</summary>
internal static class Bringup
{
    public static VmdController To(SimulatedMachine machine, VmdState state, int index = 0, VmdHostOptions? options = null)
    {
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, options).Controllers[index];
        Assert.True(vmd.TryMap(), vmd.LastFailure?.ToString());
        if (state >= VmdState.Enabled)
        {
            Assert.True(vmd.TryEnable(), vmd.LastFailure?.ToString());
        }

        if (state >= VmdState.Enumerated)
        {
            Assert.True(vmd.TryEnumerate(), vmd.LastFailure?.ToString());
        }

        return vmd;
    }
}
