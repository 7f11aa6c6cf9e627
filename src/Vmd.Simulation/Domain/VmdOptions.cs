using Vmd.Registers;

namespace Vmd.Simulation.Domain;

/// <summary>
/// How a VMD endpoint looks after firmware: where it sits, its device ID, BAR sizes and addresses and the
/// VMD registers. Unset sizes and flags follow the device ID (hardware digest §2.3): CFGBAR 32 MiB,
/// prefetchable on 201d/28c0; MEMBAR1 32 MiB and MEMBAR2 1 MiB, both 16 MiB on 7d0b; MEMBAR2 shadow
/// registers on 28c0. Every VMD register may be set to any value, all-ones included, to model hostile hardware.
/// </summary>
public sealed class VmdOptions
{
    /// <summary>Address of the endpoint in the host segment.</summary>
    public PciAddress Address { get; init; } = new(0, 0, 0x0E, 0);

    /// <summary>Device ID (vendor is 0x8086).</summary>
    public ushort DeviceId { get; init; } = 0x9A0B;

    /// <summary>Revision ID.</summary>
    public byte RevisionId { get; init; }

    /// <summary>Subsystem Vendor ID.</summary>
    public ushort SubsystemVendorId { get; init; } = 0x8086;

    /// <summary>Subsystem ID.</summary>
    public ushort SubsystemId { get; init; }

    /// <summary>Sets the multi-function bit of the Header Type (server VMDs are function 5 of a multi-function device).</summary>
    public bool MultiFunction { get; init; }

    /// <summary>Command register as firmware left it; by default decode is off and the driver must set MSE and BME.</summary>
    public ushort Command { get; init; }

    /// <summary>CFGBAR (BAR0) address, 64-bit.</summary>
    public ulong CfgBarAddress { get; init; }

    /// <summary>CFGBAR size (1 MiB of ECAM per bus).</summary>
    public ulong CfgBarSize { get; init; } = 32UL << 20;

    /// <summary>Whether CFGBAR is prefetchable; null follows the device ID.</summary>
    public bool? CfgBarPrefetchable { get; init; }

    /// <summary>MEMBAR1 (BAR2) address, 32-bit.</summary>
    public ulong MemBar1Address { get; init; }

    /// <summary>MEMBAR1 size; null follows the device ID.</summary>
    public ulong? MemBar1Size { get; init; }

    /// <summary>MEMBAR2 (BAR4) address, 64-bit.</summary>
    public ulong MemBar2Address { get; init; }

    /// <summary>MEMBAR2 size; null follows the device ID.</summary>
    public ulong? MemBar2Size { get; init; }

    /// <summary>VMCAP (0x40, read-only): bit 0 BUS_RESTRICT_CAP.</summary>
    public uint VmCap { get; init; }

    /// <summary>VMCONFIG (0x44) as firmware left it: bits 9:8 bus-start selector.</summary>
    public uint VmConfig { get; init; }

    /// <summary>Writable bits of VMCONFIG; bit 1 (MSI remap disable) on every ID by default.</summary>
    public uint VmConfigWritable { get; init; } = VmdRegisters.VmConfigMsiRemapDisable;

    /// <summary>VMLOCK (0x70, read-only): bit 1 MB2_SHADOW_EN.</summary>
    public uint VmLock { get; init; }

    /// <summary>Number of entries in the VMD's own MSI-X table (19 on client parts).</summary>
    public int MsixEntries { get; init; } = 19;

    /// <summary>Whether MEMBAR2 holds shadow registers at 0x2000/0x2008; null follows the device ID (28c0).</summary>
    public bool? HasMemBar2Shadow { get; init; }

    /// <summary>
    /// Host-physical address behind MEMBAR1 (what its aperture forwards to and the shadow registers report);
    /// null means bare metal: the BAR's own current value.
    /// </summary>
    public ulong? MemBar1HostPhysical { get; init; }

    /// <summary>Host-physical address behind MEMBAR2; null means the BAR's own current value.</summary>
    public ulong? MemBar2HostPhysical { get; init; }

    /// <summary>The hypervisor's SHDW capability; null for bare metal (no capability).</summary>
    public ShdwCapabilityOptions? Shdw { get; init; }

    /// <summary>
    /// True for a second-root-bus part (Arrow Lake desktop and later): the VMD has a second root bus
    /// (<see cref="SimulatedVmd.SecondRootBus"/>) whose root ports hard-wire their primary bus to 0x80. CFGBAR is split
    /// between the two root buses by <see cref="BusRange0"/> and <see cref="BusRange1"/> while VMCAP bit 0 is set and
    /// VMCONFIG[9:8] reads 3; otherwise CFGBAR decodes as on earlier parts and the second root bus is unreachable.
    /// </summary>
    public bool HasSecondRootBus { get; init; }

    /// <summary>
    /// BUSRANGE0 (0xC8, 16 bits, read-only): bits 7:0 first, bits 15:8 last CFGBAR bus index of the first root bus's part.
    /// Index i of that part addresses absolute bus (bus start + i − first).
    /// </summary>
    public ushort BusRange0 { get; init; }

    /// <summary>
    /// BUSRANGE1 (0xCC, 16 bits, read-only): bits 7:0 first, bits 15:8 last CFGBAR bus index of the second root bus's part.
    /// Index i of that part addresses absolute bus (0x80 + i − first).
    /// </summary>
    public ushort BusRange1 { get; init; }

    /// <summary>MEMBAR1 split (0xD0, 32 bits, read-only): offset inside MEMBAR1 where the second root bus's part begins.</summary>
    public uint MemBar1Bus1Offset { get; init; }

    /// <summary>MEMBAR2 split (0xD8 low, 0xDC high, read-only): offset inside MEMBAR2 where the second root bus's part begins.</summary>
    public ulong MemBar2Bus1Offset { get; init; }
}
