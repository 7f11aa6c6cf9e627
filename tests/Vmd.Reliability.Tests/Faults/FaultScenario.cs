namespace Vmd.Reliability.Tests.Faults;

/// <summary>
/// One scenario of the fault sweep: set up without faults, run the faulted part, check the state it ended in, retry with
/// the fault removed. Each method returns null when all is well, else what went wrong.
/// </summary>
internal abstract class FaultScenario
{
    public abstract string Name { get; }

    public abstract string Machine { get; }

    /// <summary>Brings the rig to where the faulted part starts (no fault armed).</summary>
    public abstract void Prepare(FaultRig rig);

    /// <summary>The faulted part; returns what failed (a step or event name), or null when it completed.</summary>
    public abstract string? Run(FaultRig rig);

    /// <summary>After the faulted part, fault still armed: is the state defined and nothing leaked?</summary>
    public abstract string? CheckDefinedState(FaultRig rig, string? failed);

    /// <summary>With the fault removed: retry; afterwards the result must equal the clean run's.</summary>
    public abstract string? Retry(FaultRig rig, string? failed, string expected, out bool fromScratch);

    /// <summary>What a clean run and a successful retry must both end with.</summary>
    public abstract string Result(FaultRig rig);
}
