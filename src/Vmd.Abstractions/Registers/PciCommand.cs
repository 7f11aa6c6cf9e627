using System;

namespace Vmd.Registers;

/// <summary>Command register bits, PCI Local Bus 3.0 §6.2.2 (offset 0x04).</summary>
[Flags]
public enum PciCommand : ushort
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>Bit 0: I/O Space Enable.</summary>
    IoSpaceEnable = 1 << 0,

    /// <summary>Bit 1: Memory Space Enable (MSE): the function decodes its memory BARs.</summary>
    MemorySpaceEnable = 1 << 1,

    /// <summary>Bit 2: Bus Master Enable (BME): the function may issue DMA and MSI writes.</summary>
    BusMasterEnable = 1 << 2,

    /// <summary>Bit 6: Parity Error Response.</summary>
    ParityErrorResponse = 1 << 6,

    /// <summary>Bit 8: SERR# Enable.</summary>
    SerrEnable = 1 << 8,

    /// <summary>Bit 10: Interrupt Disable (INTx).</summary>
    InterruptDisable = 1 << 10,
}
