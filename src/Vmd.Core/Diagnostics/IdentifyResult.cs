namespace Vmd.Core.Diagnostics;

/// <summary>The outcome of one NVMe Identify Controller round trip.</summary>
public sealed class IdentifyResult
{
    internal IdentifyResult(PciAddress function, bool completed, ushort status, ushort vendorId, int deliveries, int vmdVector, string? error)
    {
        Function = function;
        Completed = completed;
        Status = status;
        VendorId = vendorId;
        Deliveries = deliveries;
        VmdVector = vmdVector;
        Error = error;
    }

    /// <summary>The NVMe function.</summary>
    public PciAddress Function { get; }

    /// <summary>True when a completion entry with the expected phase and command ID was posted.</summary>
    public bool Completed { get; }

    /// <summary>The completion's status field (0 = success).</summary>
    public ushort Status { get; }

    /// <summary>PCI vendor ID from the Identify data.</summary>
    public ushort VendorId { get; }

    /// <summary>How many times the host handler registered for this drive ran for the completion.</summary>
    public int Deliveries { get; }

    /// <summary>The VMD vector the drive's admin interrupt shares (remapped mode); −1 otherwise.</summary>
    public int VmdVector { get; }

    /// <summary>Why the round trip could not run; null when it ran.</summary>
    public string? Error { get; }

    /// <summary>True when the completion arrived, succeeded and reached the handler exactly once.</summary>
    public bool Passed => Error is null && Completed && Status == 0 && Deliveries == 1;
}
