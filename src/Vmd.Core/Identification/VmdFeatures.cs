using System;

namespace Vmd.Core.Identification;

/// <summary>
/// What a VMD device ID can do (hardware digest §2.1). Bit values follow the order the Linux driver
/// numbers its feature bits, so logs from both can be compared.
/// </summary>
[Flags]
public enum VmdFeatures : uint
{
    /// <summary>No feature.</summary>
    None = 0,

    /// <summary>MEMBAR2 shadow registers at +0x2000 hold host-physical MEMBAR addresses (valid when VMLOCK bit 1 is set); MEMBAR2 children start at +0x2010.</summary>
    MemBarShadow = 0x01,

    /// <summary>VMCAP bit 0 and VMCONFIG bits 9:8 select where the domain's bus numbers start.</summary>
    BusRestrictions = 0x02,

    /// <summary>A vendor-specific "SHDW" capability (presented by a hypervisor) may hold host-physical MEMBAR addresses.</summary>
    MemBarShadowVendorCapability = 0x04,

    /// <summary>VMD MSI-X vector 0 is reserved for hardware/firmware; remapping starts at vector 1.</summary>
    OffsetFirstVector = 0x08,

    /// <summary>VMCONFIG bit 1 can turn remapping off so children use host vectors directly (bypass).</summary>
    CanBypassMsiRemap = 0x10,

    /// <summary>Firmware may leave LTR/ASPM unprogrammed; the driver programs them (client parts).</summary>
    BiosPmQuirk = 0x20,

    /// <summary>
    /// VMCONFIG[9:8] = 3 means a second root bus (root ports hard-wired to bus 0x80), with CFGBAR split by BUSRANGE0/1
    /// (0xC8/0xCC) and the apertures by the offsets at 0xD0 and 0xD8 (Arrow Lake and later client IDs; docs/decisions.md).
    /// </summary>
    SecondRootBus = 0x40,

    /// <summary>The feature set of every client ID: vendor-capability shadow, bus restrictions, offset first vector, BIOS PM quirk.</summary>
    Client = MemBarShadowVendorCapability | BusRestrictions | OffsetFirstVector | BiosPmQuirk,
}
