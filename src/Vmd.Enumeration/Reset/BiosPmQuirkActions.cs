using System;

namespace Vmd.Enumeration.Reset;

/// <summary>What <see cref="BiosPmQuirk.Apply(IConfigSpace, Functions.PciFunction, TimeProvider)"/> changed on one function.</summary>
[Flags]
public enum BiosPmQuirkActions
{
    /// <summary>Nothing was written.</summary>
    None = 0,

    /// <summary>The LTR max latencies were zero and were set to 0x1003 each.</summary>
    LtrWritten = 1 << 0,

    /// <summary>The function was moved to D0 from D1, D2 or D3hot.</summary>
    PowerStateChanged = 1 << 1,

    /// <summary>Link Control ASPM Control (bits 1:0) was set to the states Link Capabilities supports.</summary>
    AspmEnabled = 1 << 2,

    /// <summary>The move to D0 failed (no PM capability is not a failure); ASPM was left alone.</summary>
    PowerStateFailed = 1 << 3,
}
