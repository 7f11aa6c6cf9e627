using System;

namespace Vmd.Registers;

/// <summary>Bridge Control bits (type 1 offset 0x3E), PCI-to-PCI Bridge 1.2 §3.2.5.18.</summary>
[Flags]
public enum BridgeControl : ushort
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>Bit 0: Parity Error Response Enable.</summary>
    ParityErrorResponseEnable = 1 << 0,

    /// <summary>Bit 1: SERR# Enable.</summary>
    SerrEnable = 1 << 1,

    /// <summary>Bit 2: ISA Enable.</summary>
    IsaEnable = 1 << 2,

    /// <summary>Bit 3: VGA Enable.</summary>
    VgaEnable = 1 << 3,

    /// <summary>Bit 4: VGA 16-bit Decode.</summary>
    Vga16BitDecode = 1 << 4,

    /// <summary>Bit 5: Master Abort Mode.</summary>
    MasterAbortMode = 1 << 5,

    /// <summary>Bit 6: Secondary Bus Reset.</summary>
    SecondaryBusReset = 1 << 6,

    /// <summary>Bit 7: Fast Back-to-Back Enable.</summary>
    FastBackToBackEnable = 1 << 7,
}
