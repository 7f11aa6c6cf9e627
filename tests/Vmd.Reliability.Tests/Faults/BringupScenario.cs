using Vmd.Core;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>(a) Map → Enable → Enumerate → RouteInterrupts, the fault anywhere in it.</summary>
internal sealed class BringupScenario(string machine) : FaultScenario
{
    public override string Name => "bring-up";

    public override string Machine => machine;

    public override void Prepare(FaultRig rig)
    {
    }

    public override string? Run(FaultRig rig) => rig.BringUp()?.ToString();

    public override string? CheckDefinedState(FaultRig rig, string? failed)
    {
        VmdController vmd = rig.Vmd;
        if (failed is not null)
        {
            VmdState expected = System.Enum.Parse<VmdStep>(failed) switch
            {
                VmdStep.Map => VmdState.Detected,
                VmdStep.Enable => VmdState.Mapped,
                VmdStep.Enumerate => VmdState.Enabled,
                _ => VmdState.Enumerated,
            };
            if (vmd.State != expected || vmd.LastFailure is null || vmd.LastFailure.Step.ToString() != failed)
            {
                return $"failed {failed} but state {vmd.State}, LastFailure {vmd.LastFailure?.ToString() ?? "null"}";
            }
        }
        else if (vmd.State != VmdState.InterruptsRouted || vmd.LastFailure is not null)
        {
            return $"completed but state {vmd.State}, LastFailure {vmd.LastFailure}";
        }

        return (vmd.State >= VmdState.Enumerated ? Consistency.Check(vmd) : null) ?? rig.Leaks();
    }

    public override string? Retry(FaultRig rig, string? failed, string expected, out bool fromScratch) =>
        RetryBringup(rig, expected, out fromScratch);

    /// <summary>Retries from the failed step; when the result still differs (a harmless fault changed what was seen), from the documented retry point: Unmap, then the whole bring-up.</summary>
    public static string? RetryBringup(FaultRig rig, string expected, out bool fromScratch)
    {
        fromScratch = false;
        VmdStep? again = rig.BringUp();
        if (again is null && rig.Signature() == expected)
        {
            return null;
        }

        fromScratch = true;
        rig.Vmd.Unmap();
        if (rig.Leaks() is { } leaks)
        {
            return "after Unmap: " + leaks;
        }

        again = rig.BringUp();
        return again is null ? null : $"bring-up from scratch failed at {again}: {rig.Vmd.LastFailure}";
    }

    public override string Result(FaultRig rig) => rig.Signature();
}
