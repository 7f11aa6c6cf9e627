namespace Vmd.Registers;

/// <summary>Power states in PMCSR bits 1:0, PCI Bus Power Management Interface 1.2 §3.2.4 (PCIe Base §7.5.2.2).</summary>
public enum PciPowerState : ushort
{
    /// <summary>0: D0, fully on.</summary>
    D0 = 0,

    /// <summary>1: D1.</summary>
    D1 = 1,

    /// <summary>2: D2.</summary>
    D2 = 2,

    /// <summary>3: D3hot (config space still answers).</summary>
    D3Hot = 3,
}
