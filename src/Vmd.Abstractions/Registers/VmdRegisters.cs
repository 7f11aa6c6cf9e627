namespace Vmd.Registers;

/// <summary>
/// Configuration registers of the Intel VMD endpoint, with Intel's names (see docs/hardware.md and the
/// hardware digest §3). Only the bits named here are known; every driver leaves the others alone.
/// </summary>
public static class VmdRegisters
{
    /// <summary>BAR index of CFGBAR: the ECAM window of the private domain (64-bit, 1 MiB per bus).</summary>
    public const int CfgBarIndex = 0;

    /// <summary>BAR index of MEMBAR1: MMIO aperture for devices behind the VMD (32-bit on observed parts).</summary>
    public const int MemBar1Index = 2;

    /// <summary>BAR index of MEMBAR2: MMIO aperture whose first 8 KiB hold the VMD's own MSI-X table and PBA.</summary>
    public const int MemBar2Index = 4;

    /// <summary>VMCAP (16 bits used): bit 0 BUS_RESTRICT_CAP.</summary>
    public const ushort VmCap = 0x40;

    /// <summary>VMCONFIG (16 bits used): bit 1 MSI remap disable (bypass), bits 9:8 bus-start selector.</summary>
    public const ushort VmConfig = 0x44;

    /// <summary>VMLOCK (32 bits): bit 1 MB2_SHADOW_EN. Read only on IDs with MEMBAR2 shadow registers.</summary>
    public const ushort VmLock = 0x70;

    /// <summary>BUSRANGE0 (16 bits; second-root-bus parts): bits 7:0 first, 15:8 last bus of root bus 0's part of CFGBAR.</summary>
    public const ushort BusRange0 = 0xC8;

    /// <summary>BUSRANGE1 (16 bits; second-root-bus parts): the same for root bus 1.</summary>
    public const ushort BusRange1 = 0xCC;

    /// <summary>MEMBAR1 split (32 bits; second-root-bus parts): offset inside MEMBAR1 where root bus 1's part begins.</summary>
    public const ushort MemBar1Bus1Offset = 0xD0;

    /// <summary>MEMBAR2 split, low 32 bits (second-root-bus parts).</summary>
    public const ushort MemBar2Bus1OffsetLow = 0xD8;

    /// <summary>MEMBAR2 split, high 32 bits (second-root-bus parts).</summary>
    public const ushort MemBar2Bus1OffsetHigh = 0xDC;

    /// <summary>VMCAP bit 0: VMCONFIG[9:8] selects where the domain's bus numbers start.</summary>
    public const ushort VmCapBusRestrictCap = 1 << 0;

    /// <summary>VMCONFIG bit 1: 0 = remap child MSI/MSI-X onto VMD vectors; 1 = bypass (children use host vectors).</summary>
    public const ushort VmConfigMsiRemapDisable = 1 << 1;

    /// <summary>VMCONFIG bits 9:8: bus-start selector (0 → bus 0, 1 → 128, 2 → 224, 3 → second root bus or invalid).</summary>
    public const ushort VmConfigBusStartMask = 0x0300;

    /// <summary>Shift of the bus-start selector in VMCONFIG.</summary>
    public const int VmConfigBusStartShift = 8;

    /// <summary>VMLOCK bit 1: MB2_SHADOW_EN — the MEMBAR2 shadow registers hold host-physical addresses.</summary>
    public const uint VmLockMemBar2ShadowEnable = 1U << 1;

    /// <summary>Smallest CFGBAR a driver accepts: one bus of ECAM (1 MiB).</summary>
    public const ulong MinimumCfgBarSize = 1UL << 20;

    /// <summary>Offset of the VMD's own MSI-X table inside MEMBAR2 (observed on real parts).</summary>
    public const ulong MsixTableOffset = 0x0000;

    /// <summary>Offset of the VMD's own MSI-X PBA inside MEMBAR2 (observed on real parts).</summary>
    public const ulong MsixPbaOffset = 0x1000;

    /// <summary>Bytes at the start of MEMBAR2 never given to children (MSI-X table and PBA).</summary>
    public const ulong MemBar2Reserved = 0x2000;

    /// <summary>Bytes at the start of MEMBAR2 never given to children on IDs with shadow registers (table, PBA, 16 bytes of shadow).</summary>
    public const ulong MemBar2ReservedWithShadow = 0x2010;

    /// <summary>The bus number each bus-start selector value gives (index = VMCONFIG[9:8]; 3 has none).</summary>
    public static bool TryDecodeBusStart(ushort vmConfig, out byte busStart)
    {
        switch ((vmConfig & VmConfigBusStartMask) >> VmConfigBusStartShift)
        {
            case 0:
                busStart = 0;
                return true;
            case 1:
                busStart = 128;
                return true;
            case 2:
                busStart = 224;
                return true;
            default:
                busStart = 0;
                return false;
        }
    }
}
