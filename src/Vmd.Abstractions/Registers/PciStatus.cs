using System;

namespace Vmd.Registers;

/// <summary>Status register bits, PCI Local Bus 3.0 §6.2.3 (offset 0x06; error bits are RW1C).</summary>
[Flags]
public enum PciStatus : ushort
{
    /// <summary>No bit set.</summary>
    None = 0,

    /// <summary>Bit 3: Interrupt Status (INTx pending).</summary>
    InterruptStatus = 1 << 3,

    /// <summary>Bit 4: Capabilities List: the pointer at 0x34 is valid.</summary>
    CapabilitiesList = 1 << 4,

    /// <summary>Bit 8: Master Data Parity Error (RW1C).</summary>
    MasterDataParityError = 1 << 8,

    /// <summary>Bit 11: Signaled Target Abort (RW1C).</summary>
    SignaledTargetAbort = 1 << 11,

    /// <summary>Bit 12: Received Target Abort (RW1C).</summary>
    ReceivedTargetAbort = 1 << 12,

    /// <summary>Bit 13: Received Master Abort (RW1C).</summary>
    ReceivedMasterAbort = 1 << 13,

    /// <summary>Bit 14: Signaled System Error (RW1C).</summary>
    SignaledSystemError = 1 << 14,

    /// <summary>Bit 15: Detected Parity Error (RW1C).</summary>
    DetectedParityError = 1 << 15,

    /// <summary>All write-1-to-clear error bits.</summary>
    ErrorBits = MasterDataParityError | SignaledTargetAbort | ReceivedTargetAbort | ReceivedMasterAbort | SignaledSystemError | DetectedParityError,
}
