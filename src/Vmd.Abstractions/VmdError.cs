namespace Vmd;

/// <summary>What went wrong in a step that hardware can make fail (the <c>Try</c> methods' small error kind).</summary>
public enum VmdError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The function does not answer (Vendor ID 0xFFFF).</summary>
    Absent,

    /// <summary>A register read all-ones where hardware must return something else (function gone, link down).</summary>
    AllOnes,

    /// <summary>The hardware returned a value that breaks the specification (capability cycle, bad pointer).</summary>
    Malformed,

    /// <summary>The hardware or a setting is valid but not supported (unknown device ID, I/O BAR, invalid bus-start selector).</summary>
    Unsupported,

    /// <summary>A BAR is not implemented or not programmed.</summary>
    BarNotImplemented,

    /// <summary>A BAR is smaller than the driver requires (CFGBAR under 1 MiB).</summary>
    BarTooSmall,

    /// <summary>The host's mapping port refused to map a range.</summary>
    MapFailed,

    /// <summary>A host port failed (an exception or refusal from code the host supplied).</summary>
    HostPortFailed,

    /// <summary>No resource of the kind was left (bus numbers, aperture space, vectors).</summary>
    Exhausted,

    /// <summary>Hardware did not do what was asked within the time the specification allows (e.g. a slot command).</summary>
    Timeout,
}
