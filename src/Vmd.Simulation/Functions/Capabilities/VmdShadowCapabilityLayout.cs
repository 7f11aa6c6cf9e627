using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>
/// Adds the vendor-specific "SHDW" capability (ID 0x09) a hypervisor presents to a guest VMD: a signature
/// and the host-physical addresses of MEMBAR1 and MEMBAR2 (hardware digest §3.2, §16.1).
/// </summary>
public static class VmdShadowCapabilityLayout
{
    // Vendor-specific capability byte 2: the capability's length.
    private const ushort LengthByte = 0x02;

    /// <summary>
    /// Adds the capability, all read-only. The signature is stored so that a little-endian dword read returns
    /// <paramref name="signature"/>: the correct value's bytes are 57 44 48 53.
    /// </summary>
    /// <param name="builder">Function under construction.</param>
    /// <param name="memBar1HostPhysical">Host-physical MEMBAR1 address (+0x08 low, +0x0C high).</param>
    /// <param name="memBar2HostPhysical">Host-physical MEMBAR2 address (+0x10 low, +0x14 high).</param>
    /// <param name="signature">The signature dword; pass another value to model a capability a driver must ignore.</param>
    /// <param name="offset">Where to place it; 0 for after the highest capability so far.</param>
    /// <returns>The capability's offset.</returns>
    public static ushort AddVmdShadow(this FunctionBuilder builder, ulong memBar1HostPhysical, ulong memBar2HostPhysical, uint signature = VmdShadowRegisters.ShdwSignature, ushort offset = 0)
    {
        ushort at = builder.AddCapability(CapabilityId.VendorSpecific, VmdShadowRegisters.ShdwLength, offset);
        SimulatedFunction function = builder.Function;
        function.Set8((ushort)(at + LengthByte), VmdShadowRegisters.ShdwLength);
        function.Set32((ushort)(at + VmdShadowRegisters.ShdwSignatureOffset), signature);
        function.Set32((ushort)(at + VmdShadowRegisters.ShdwMemBar1Low), (uint)memBar1HostPhysical);
        function.Set32((ushort)(at + VmdShadowRegisters.ShdwMemBar1High), (uint)(memBar1HostPhysical >> 32));
        function.Set32((ushort)(at + VmdShadowRegisters.ShdwMemBar2Low), (uint)memBar2HostPhysical);
        function.Set32((ushort)(at + VmdShadowRegisters.ShdwMemBar2High), (uint)(memBar2HostPhysical >> 32));
        return at;
    }
}
