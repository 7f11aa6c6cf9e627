using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>MEMBAR1: an untranslated aperture; offset n reaches bus address (host-physical MEMBAR1 + n) inside the domain; on a second-root-bus part, offsets from the 0xD0 split on enter the second root bus.</summary>
internal sealed class MemBar1Target : IMemoryTarget
{
    private readonly SimulatedVmd _vmd;

    public MemBar1Target(SimulatedVmd vmd) => _vmd = vmd;

    public ulong Read(ulong offset, int width) => Aperture.Read(_vmd.ApertureRoot(offset, _vmd.MemBar1Bus1Offset), _vmd.MemBar1BusAddress + offset, width);

    public void Write(ulong offset, int width, ulong value) => Aperture.Write(_vmd.ApertureRoot(offset, _vmd.MemBar1Bus1Offset), _vmd.MemBar1BusAddress + offset, width, value);
}
