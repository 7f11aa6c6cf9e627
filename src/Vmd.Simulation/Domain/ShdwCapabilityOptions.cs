using Vmd.Registers;

namespace Vmd.Simulation.Domain;

/// <summary>The vendor-specific "SHDW" capability a hypervisor presents on a guest's VMD (hardware digest §3.2).</summary>
public sealed class ShdwCapabilityOptions
{
    /// <summary>Host-physical address of MEMBAR1 reported at cap + 0x08/0x0C.</summary>
    public ulong MemBar1HostPhysical { get; init; }

    /// <summary>Host-physical address of MEMBAR2 reported at cap + 0x10/0x14.</summary>
    public ulong MemBar2HostPhysical { get; init; }

    /// <summary>Signature dword; the default is the one drivers accept (bytes 57 44 48 53).</summary>
    public uint Signature { get; init; } = VmdShadowRegisters.ShdwSignature;

    /// <summary>Configuration offset of the capability; the default 0xE8 follows the PM capability at 0xE0 and ends at 0x100.</summary>
    public ushort Offset { get; init; } = 0xE8;
}
