namespace Vmd.Registers;

/// <summary>Offsets and bits of the Power Management capability (ID 0x01), PCI PM 1.2 §3.2.</summary>
public static class PowerManagementCapability
{
    /// <summary>Power Management Capabilities (16 bits).</summary>
    public const ushort Capabilities = 0x02;

    /// <summary>Power Management Control/Status (16 bits): bits 1:0 power state, bit 3 No_Soft_Reset, bit 15 PME_Status (RW1C).</summary>
    public const ushort ControlStatus = 0x04;

    /// <summary>PMCSR bits 1:0: power state (0 D0, 1 D1, 2 D2, 3 D3hot).</summary>
    public const ushort PowerStateMask = 0x3;

    /// <summary>PMCSR bit 3: No_Soft_Reset.</summary>
    public const ushort NoSoftReset = 1 << 3;

    /// <summary>PMCSR bit 8: PME_En.</summary>
    public const ushort PmeEnable = 1 << 8;

    /// <summary>PMCSR bit 15: PME_Status (RW1C).</summary>
    public const ushort PmeStatus = 1 << 15;
}
