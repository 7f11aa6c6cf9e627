using System;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>(b) Reset() after a full bring-up, the fault anywhere in it; afterwards Identify must work on every drive.</summary>
internal sealed class ResetScenario(string machine) : FaultScenario
{
    public override string Name => "reset";

    public override string Machine => machine;

    public override void Prepare(FaultRig rig)
    {
        if (rig.BringUp() is { } step)
        {
            throw new InvalidOperationException($"bring-up failed at {step} without a fault: {rig.Vmd.LastFailure}");
        }
    }

    public override string? Run(FaultRig rig)
    {
        ResetReport report = rig.Vmd.Reset();
        if (rig.Vmd.LastFailure is { } failure)
        {
            return failure.Step.ToString();
        }

        // A function that did not come back is named in the report, not in LastFailure (docs/architecture.md, step 5).
        return report.Restored ? null : "Reset (functions lost)";
    }

    public override string? CheckDefinedState(FaultRig rig, string? failed)
    {
        VmdController vmd = rig.Vmd;
        if (vmd.State is not (VmdState.Enumerated or VmdState.InterruptsRouted))
        {
            return $"Reset left state {vmd.State}";
        }

        if (vmd.State == VmdState.Enumerated && vmd.LastFailure?.Step != VmdStep.RouteInterrupts)
        {
            return $"Reset dropped to Enumerated without a RouteInterrupts failure (LastFailure {vmd.LastFailure})";
        }

        return Consistency.Check(vmd) ?? rig.Leaks();
    }

    public override string? Retry(FaultRig rig, string? failed, string expected, out bool fromScratch)
    {
        fromScratch = false;

        // The documented retry: Reset() again (it routes again from InterruptsRouted); from Enumerated, route afterwards.
        rig.Vmd.Reset();
        if (rig.BringUp() is { } step)
        {
            return $"routing after the retried reset failed at {step}: {rig.Vmd.LastFailure}";
        }

        if (rig.Signature() != expected)
        {
            string? scratch = BringupScenario.RetryBringup(rig, expected, out fromScratch);
            if (scratch is not null)
            {
                return scratch;
            }
        }

        foreach (PciFunction function in rig.Vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                IdentifyResult result = Identify(rig, function);
                if (!result.Passed)
                {
                    return $"Identify on {function.Address} failed after the retry: {result.Error}";
                }
            }
        }

        return null;
    }

    public override string Result(FaultRig rig) => rig.Signature();

    private static IdentifyResult Identify(FaultRig rig, PciFunction drive)
    {
        ulong address = rig.Machine.PhysicalMemory.AllocateDma(0x3000);
        if (!rig.Mapper.TryMap(address, 0x3000, out IMmioRegion? region))
        {
            throw new InvalidOperationException("the DMA buffer could not be mapped");
        }

        try
        {
            return NvmeIdentifyProbe.Run(rig.Vmd, rig.Mapper, drive, new DmaBuffer(address, region), rig.Time);
        }
        finally
        {
            rig.Mapper.Unmap(region);
        }
    }
}
