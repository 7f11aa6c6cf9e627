using System;

namespace Vmd.Simulation.Fuzzing;

/// <summary>The kinds of hostile hardware a generated case contains, so a campaign can show it covered each one.</summary>
[Flags]
public enum FuzzFeatures : long
{
    /// <summary>Nothing hostile: a well-formed domain.</summary>
    None = 0,

    /// <summary>A standard capability list that loops back on itself.</summary>
    CapabilityCycle = 1L << 0,

    /// <summary>A capability pointer into the header (below 0x40).</summary>
    CapabilityIntoHeader = 1L << 1,

    /// <summary>A capability whose registers run past 0xFF, or an extended one past 0xFFF.</summary>
    CapabilityPastEnd = 1L << 2,

    /// <summary>A capability pointer that is not dword aligned.</summary>
    CapabilityUnaligned = 1L << 3,

    /// <summary>An extended capability list that loops, points below 0x100 or is unaligned.</summary>
    ExtendedCapabilityBroken = 1L << 4,

    /// <summary>A bridge whose bus numbers are inconsistent (secondary ≤ primary, subordinate &lt; secondary).</summary>
    InconsistentBusNumbers = 1L << 5,

    /// <summary>Two bridges on one bus claiming the same secondary bus.</summary>
    DuplicateBusClaim = 1L << 6,

    /// <summary>A bridge whose secondary bus is one of its own ancestors' buses: a loop in the topology.</summary>
    BusLoop = 1L << 7,

    /// <summary>Bus-number registers that do not hold what is written.</summary>
    StuckBusNumbers = 1L << 8,

    /// <summary>Bridge windows with any base and limit.</summary>
    RandomWindows = 1L << 9,

    /// <summary>A 64-bit BAR in the last slot, with no upper dword of its own.</summary>
    Bar64InLastSlot = 1L << 10,

    /// <summary>A BAR of 2^40 bytes or more, up to 2^63.</summary>
    OversizedBar = 1L << 11,

    /// <summary>A BAR whose every bit is writable (it sizes as one byte, type bits included) or whose size mask has holes.</summary>
    MalformedBarMask = 1L << 12,

    /// <summary>An I/O BAR.</summary>
    IoBar = 1L << 13,

    /// <summary>A prefetchable memory BAR.</summary>
    PrefetchableBar = 1L << 14,

    /// <summary>A function that answers for a while, then reads all-ones.</summary>
    VanishingFunction = 1L << 15,

    /// <summary>Functions above 0 with function 0 missing, or the multi-function bit set on a lone function.</summary>
    MultiFunctionWithoutFunction0 = 1L << 16,

    /// <summary>A function whose whole configuration space reads all-ones, or whose Vendor ID reads 0000 or 0001.</summary>
    AllOnesFunction = 1L << 17,

    /// <summary>A header layout other than 0 and 1.</summary>
    UnknownHeaderLayout = 1L << 18,

    /// <summary>VMCAP, VMCONFIG (bus-start selector included), its write mask or VMLOCK with any value.</summary>
    HostileVmdRegisters = 1L << 19,

    /// <summary>BUSRANGE0/1 or the MEMBAR1/MEMBAR2 split offsets with any value.</summary>
    HostileRootBusSplit = 1L << 20,

    /// <summary>A CFGBAR, MEMBAR1 or MEMBAR2 size far from the usual (16 bytes up).</summary>
    HostileVmdBarSizes = 1L << 21,

    /// <summary>MEMBAR2 shadow registers or the SHDW capability reporting any address.</summary>
    HostileShadow = 1L << 22,

    /// <summary>An unknown VMD device ID (detection finds nothing to bring up).</summary>
    UnknownVmdId = 1L << 23,

    /// <summary>Configuration registers with random contents and random write masks.</summary>
    RandomRegisters = 1L << 24,

    /// <summary>A second root bus with functions on it.</summary>
    SecondRootBus = 1L << 25,
}
