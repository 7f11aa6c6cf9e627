using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>MEMBAR1: an untranslated aperture; offset n reaches bus address (host-physical MEMBAR1 + n) inside the domain.</summary>
internal sealed class MemBar1Target : IMemoryTarget
{
    private readonly SimulatedVmd _vmd;

    public MemBar1Target(SimulatedVmd vmd) => _vmd = vmd;

    public ulong Read(ulong offset, int width) => Aperture.Read(_vmd, _vmd.MemBar1BusAddress + offset, width);

    public void Write(ulong offset, int width, ulong value) => Aperture.Write(_vmd, _vmd.MemBar1BusAddress + offset, width, value);
}
