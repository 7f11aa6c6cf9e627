using System;

namespace Vmd.Enumeration.Functions;

/// <summary>What was wrong with a function or kept it from getting resources. Reports print each set flag.</summary>
[Flags]
public enum FunctionIssues : uint
{
    /// <summary>Nothing wrong.</summary>
    None = 0,

    /// <summary>An I/O BAR: there is no I/O space behind a VMD, so it is never assigned or decoded.</summary>
    IoBarUnsupported = 1 << 0,

    /// <summary>A bridge I/O window: never opened behind a VMD.</summary>
    IoWindowUnsupported = 1 << 1,

    /// <summary>The standard capability list has a cycle, a pointer into the header or all-ones; entries up to the fault are kept.</summary>
    MalformedCapabilities = 1 << 2,

    /// <summary>The extended capability list has a cycle or a bad next pointer; entries up to the fault are kept.</summary>
    MalformedExtendedCapabilities = 1 << 3,

    /// <summary>A BAR has a reserved type or a 64-bit BAR sits in the last slot; it is ignored.</summary>
    MalformedBar = 1 << 4,

    /// <summary>A BAR or window is larger than every aperture that could hold it.</summary>
    BarLargerThanApertures = 1 << 5,

    /// <summary>The apertures had no room left for this function's BARs (or its bridge's window); decode stays off.</summary>
    NoApertureSpace = 1 << 6,

    /// <summary>A bridge found when no bus number was left in the domain; nothing below it is enumerated.</summary>
    BusNumbersExhausted = 1 << 7,

    /// <summary>A bridge whose secondary or subordinate bus number does not read back what was written; nothing below it is enumerated.</summary>
    BusNumberNotWritable = 1 << 8,

    /// <summary>The function stopped answering (all-ones) while it was being decoded; it is not listed.</summary>
    Vanished = 1 << 9,

    /// <summary>A header layout other than 0 or 1 (CardBus or reserved); listed, not configured.</summary>
    UnsupportedHeader = 1 << 10,

    /// <summary>The function's device table was cut short: more functions than the enumerator's limit.</summary>
    TooManyFunctions = 1 << 11,

    /// <summary>The bridge's primary bus number is hard-wired and kept its own value (client root ports: 0). Not an error.</summary>
    HardWiredPrimaryBus = 1 << 12,

    /// <summary>Facts that are worth showing but are not faults: an implemented I/O window kept closed, a hard-wired primary bus.</summary>
    Informational = IoWindowUnsupported | HardWiredPrimaryBus,

    /// <summary>An ancestor bridge has no window for this function's resources, so it cannot be reached.</summary>
    UpstreamUnassigned = 1 << 13,

    /// <summary>
    /// The function was first seen by a read-only re-scan: it was never sized or given resources, and its decode stays
    /// as it was, until the domain is enumerated again.
    /// </summary>
    FoundByRescan = 1 << 14,
}
