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
}
