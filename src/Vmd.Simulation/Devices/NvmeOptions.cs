namespace Vmd.Simulation.Devices;

/// <summary>How an NVMe endpoint looks after reset and firmware; see <see cref="NvmeEndpoint"/>.</summary>
public sealed class NvmeOptions
{
    /// <summary>Vendor ID (e.g. 0x144d Samsung, 0x15b7 Western Digital/SanDisk, 0x8086 Intel).</summary>
    public ushort VendorId { get; init; } = 0x144D;

    /// <summary>Device ID.</summary>
    public ushort DeviceId { get; init; } = 0xA80A;

    /// <summary>Revision ID.</summary>
    public byte RevisionId { get; init; }

    /// <summary>Subsystem Vendor ID.</summary>
    public ushort SubsystemVendorId { get; init; }

    /// <summary>Subsystem ID.</summary>
    public ushort SubsystemId { get; init; }

    /// <summary>Address firmware left in BAR0 (inside the parent bridges' windows if it should be reachable).</summary>
    public ulong Bar0Address { get; init; }

    /// <summary>BAR0 size in bytes (64-bit, non-prefetchable).</summary>
    public ulong Bar0Size { get; init; } = 16 * 1024;

    /// <summary>Number of MSI-X entries.</summary>
    public int MsixEntries { get; init; } = 33;

    /// <summary>Offset of the MSI-X table in BAR0.</summary>
    public uint MsixTableOffset { get; init; } = 0x3000;

    /// <summary>Offset of the MSI-X PBA in BAR0.</summary>
    public uint MsixPbaOffset { get; init; } = 0x2000;

    /// <summary>Value of the Device Serial Number capability.</summary>
    public ulong SerialNumber { get; init; } = 0x0011_2233_4455_6677;

    /// <summary>Command register as firmware left it (a boot loader that read the disk leaves MSE | BME).</summary>
    public ushort Command { get; init; } = 0x0006;

    /// <summary>Maximum link speed index (4 = 16 GT/s).</summary>
    public byte MaxLinkSpeed { get; init; } = 4;

    /// <summary>Maximum link width.</summary>
    public byte MaxLinkWidth { get; init; } = 4;

    /// <summary>Model Number (Identify Controller MN, 40 ASCII characters, space padded).</summary>
    public string ModelNumber { get; init; } = "Simulated NVMe Controller";

    /// <summary>Firmware Revision (Identify Controller FR, 8 ASCII characters).</summary>
    public string FirmwareRevision { get; init; } = "1.0";

    /// <summary>Serial Number text (Identify Controller SN, 20 ASCII characters); null prints <see cref="SerialNumber"/> as 16 hex digits.</summary>
    public string? SerialNumberText { get; init; }

    /// <summary>Largest queue the controller accepts (CAP.MQES + 1, 2–65536).</summary>
    public int MaxQueueEntries { get; init; } = 1024;

    /// <summary>CAP.TO: worst-case time to become ready, in 500 ms units (the model is ready at once).</summary>
    public byte ReadyTimeout { get; init; } = 20;

    /// <summary>The VS register and Identify VER (default 1.4.0).</summary>
    public uint Version { get; init; } = 0x0001_0400;

    /// <summary>PMCSR No_Soft_Reset (default true): false makes D3hot → D0 a conventional reset of the function with a 10 ms recovery.</summary>
    public bool NoSoftReset { get; init; } = true;

    /// <summary>Adds MSI per-vector masking (Mask and Pending Bits) to the MSI capability; off on most client drives.</summary>
    public bool MsiPerVectorMasking { get; init; }
}
