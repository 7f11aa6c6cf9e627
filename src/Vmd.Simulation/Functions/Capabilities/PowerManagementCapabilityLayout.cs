using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a PCI Power Management capability (ID 0x01, PCI PM 1.2 §3.2) to a function under construction.</summary>
public static class PowerManagementCapabilityLayout
{
    /// <summary>PMC of a version 3 capability with no D1/D2 and no PME support.</summary>
    public const ushort DefaultCapabilities = 0x0003;

    /// <summary>Length of the capability in bytes.</summary>
    public const int Length = 8;

    // PMC bits 15:11: the power states from which the function can signal PME.
    private const ushort PmeSupportMask = 0xF800;

    /// <summary>
    /// Adds the capability: PMCSR power state (bits 1:0) read-write, No_Soft_Reset read-only as given, PME_En
    /// read-write and PME_Status RW1C when PMC announces PME support.
    /// </summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddPowerManagement(this FunctionBuilder builder, ushort offset = 0, ushort capabilities = DefaultCapabilities, bool noSoftReset = true)
    {
        ushort at = builder.AddCapability(CapabilityId.PowerManagement, Length, offset);
        SimulatedFunction function = builder.Function;
        function.DefineRegister((ushort)(at + PowerManagementCapability.Capabilities), 2, capabilities, 0);
        bool pme = (capabilities & PmeSupportMask) != 0;
        function.DefineRegister(
            (ushort)(at + PowerManagementCapability.ControlStatus),
            2,
            noSoftReset ? PowerManagementCapability.NoSoftReset : 0u,
            PowerManagementCapability.PowerStateMask | (pme ? PowerManagementCapability.PmeEnable : 0u),
            pme ? PowerManagementCapability.PmeStatus : 0u);
        return at;
    }
}
