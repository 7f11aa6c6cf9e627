namespace Vmd.Simulation.Faults;

/// <summary>What a wrapper does with the access it asked <see cref="FaultInjector.OnAccess"/> about.</summary>
public enum FaultAction
{
    /// <summary>Forward the access unchanged.</summary>
    None,

    /// <summary>Do not forward the read; return all-ones.</summary>
    ReturnAllOnes,

    /// <summary>Do not forward the write.</summary>
    DropWrite,

    /// <summary>Fail the call: a <c>Try</c> call returns false, any other throws <see cref="HostPortFailureException"/>.</summary>
    FailCall,
}
