namespace Vmd.Enumeration.Bars;

/// <summary>What a Base Address Register decodes (PCI Local Bus 3.0 §6.2.5.1).</summary>
public enum PciBarKind : byte
{
    /// <summary>Not implemented, not sized, or the upper half of a 64-bit BAR.</summary>
    None = 0,

    /// <summary>32-bit memory space (type 00b; also the expansion ROM).</summary>
    Memory32,

    /// <summary>64-bit memory space (type 10b); occupies this slot and the next.</summary>
    Memory64,

    /// <summary>I/O space (bit 0 set).</summary>
    Io,
}
