using System.Collections.Generic;

namespace Vmd.Core.Diagnostics;

/// <summary>What a domain reset did: the fingerprints around it and the functions that did not come back.</summary>
public sealed class ResetReport
{
    internal ResetReport(ulong fingerprintBefore, ulong fingerprintAfter, int functionsBefore, int functionsAfter, IReadOnlyList<PciAddress> lost, IReadOnlyList<string> portResults)
    {
        FingerprintBefore = fingerprintBefore;
        FingerprintAfter = fingerprintAfter;
        FunctionsBefore = functionsBefore;
        FunctionsAfter = functionsAfter;
        Lost = lost;
        PortResults = portResults;
    }

    /// <summary>The domain's fingerprint before the reset.</summary>
    public ulong FingerprintBefore { get; }

    /// <summary>The domain's fingerprint after the domain came back.</summary>
    public ulong FingerprintAfter { get; }

    /// <summary>Functions listed before.</summary>
    public int FunctionsBefore { get; }

    /// <summary>Functions listed after.</summary>
    public int FunctionsAfter { get; }

    /// <summary>Functions that were listed before and are not after (they did not come back within the limit).</summary>
    public IReadOnlyList<PciAddress> Lost { get; }

    /// <summary>One line per root port reset: the port and how its secondary bus reset ended.</summary>
    public IReadOnlyList<string> PortResults { get; }

    /// <summary>True when the same functions with the same resources came back.</summary>
    public bool Restored => FingerprintBefore == FingerprintAfter && Lost.Count == 0;
}
