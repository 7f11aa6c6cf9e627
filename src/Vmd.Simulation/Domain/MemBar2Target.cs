using Vmd.Registers;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>
/// MEMBAR2: the VMD's MSI-X table at offset 0 and PBA at 0x1000 (hardware digest §2.2), on 28c0 the shadow
/// registers at 0x2000 and 0x2008 (§3.1: host-physical MEMBAR1/MEMBAR2, valid while VMLOCK bit 1 is set, 0
/// otherwise), then an untranslated aperture into the domain (on a second-root-bus part, offsets from the 0xD8/0xDC split on enter
/// the second root bus).
/// </summary>
internal sealed class MemBar2Target : IMemoryTarget
{
    private const ulong ShadowEnd = VmdShadowRegisters.MemBar2ShadowMemBar2 + 8;

    private readonly SimulatedVmd _vmd;

    public MemBar2Target(SimulatedVmd vmd) => _vmd = vmd;

    private ulong ReservedEnd => _vmd.HasMemBar2Shadow ? VmdRegisters.MemBar2ReservedWithShadow : VmdRegisters.MemBar2Reserved;

    public ulong Read(ulong offset, int width)
    {
        if (offset >= ReservedEnd)
        {
            return Aperture.Read(_vmd.ApertureRoot(offset, _vmd.MemBar2Bus1Offset), _vmd.MemBar2BusAddress + offset, width);
        }

        if (offset < VmdRegisters.MsixPbaOffset)
        {
            return _vmd.MsixTable.ReadTable(offset - VmdRegisters.MsixTableOffset, width);
        }

        if (offset < VmdShadowRegisters.MemBar2ShadowMemBar1)
        {
            return _vmd.MsixTable.ReadPba(offset - VmdRegisters.MsixPbaOffset, width);
        }

        return ReadShadow(offset, width);
    }

    public void Write(ulong offset, int width, ulong value)
    {
        if (offset >= ReservedEnd)
        {
            Aperture.Write(_vmd.ApertureRoot(offset, _vmd.MemBar2Bus1Offset), _vmd.MemBar2BusAddress + offset, width, value);
        }
        else if (offset < VmdRegisters.MsixPbaOffset)
        {
            _vmd.MsixTable.WriteTable(offset - VmdRegisters.MsixTableOffset, width, value);
        }

        // The PBA and the shadow registers are read-only.
    }

    private ulong ReadShadow(ulong offset, int width)
    {
        if (offset >= ShadowEnd || (_vmd.VmLock & VmdRegisters.VmLockMemBar2ShadowEnable) == 0)
        {
            return 0;
        }

        ulong register = offset < VmdShadowRegisters.MemBar2ShadowMemBar2 ? _vmd.MemBar1HostPhysical : _vmd.MemBar2HostPhysical;
        int shift = (int)(offset & 7) * 8;
        return width == 8 ? register : (register >> shift) & AccessWidth.AllOnes(width);
    }
}
