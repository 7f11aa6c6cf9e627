using System;

namespace Vmd.Core.Telemetry;

/// <summary>
/// One VMD's counters at a moment, as plain numbers: what the <c>Vmd</c> meter reports, for kernels without a metrics
/// listener. Taking one (<see cref="VmdController.GetTelemetry"/>) allocates nothing and takes no lock on the interrupt path.
/// </summary>
public readonly struct VmdTelemetrySnapshot
{
    /// <summary>Config reads through CFGBAR (read-backs after writes not included).</summary>
    public long ConfigReads { get; init; }

    /// <summary>Config writes through CFGBAR.</summary>
    public long ConfigWrites { get; init; }

    /// <summary>Config accesses refused before CFGBAR (outside the domain, misaligned).</summary>
    public long ConfigRejected { get; init; }

    /// <summary>VMD vector interrupts dispatched to handlers, all vectors, since the controller was created (across resets).</summary>
    public long Interrupts { get; init; }

    /// <summary>VMD vector interrupts that found no handler claiming them, all vectors.</summary>
    public long SpuriousInterrupts { get; init; }

    /// <summary>Correctable error records found.</summary>
    public long CorrectableErrors { get; init; }

    /// <summary>Non-fatal error records found.</summary>
    public long NonFatalErrors { get; init; }

    /// <summary>Fatal error records found.</summary>
    public long FatalErrors { get; init; }

    /// <summary>Error log lines written (reports and summaries).</summary>
    public long ErrorLogLines { get; init; }

    /// <summary>Error reports counted instead of logged by the throttle.</summary>
    public long ErrorLogSuppressed { get; init; }

    /// <summary>Cards inserted (hot-plug).</summary>
    public long HotPlugInserted { get; init; }

    /// <summary>Orderly removals.</summary>
    public long HotPlugRemoved { get; init; }

    /// <summary>Surprise removals.</summary>
    public long HotPlugSurpriseRemoved { get; init; }

    /// <summary>Insertions that failed.</summary>
    public long HotPlugInsertionFailed { get; init; }

    /// <summary>Domain resets.</summary>
    public long Resets { get; init; }

    /// <summary>Enumerations (step 3, including those inside resets).</summary>
    public long Enumerations { get; init; }

    /// <summary>How long the last enumeration took (measured with the host's TimeProvider).</summary>
    public TimeSpan LastEnumerationTime { get; init; }

    /// <summary>All enumerations together.</summary>
    public TimeSpan TotalEnumerationTime { get; init; }
}
