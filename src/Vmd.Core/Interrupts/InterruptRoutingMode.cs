namespace Vmd.Core.Interrupts;

/// <summary>How child interrupts reach the host (hardware digest §8).</summary>
public enum InterruptRoutingMode
{
    /// <summary>VMCONFIG bit 1 = 0: children's messages name VMD vectors; the VMD raises its own MSI-X entries (the default).</summary>
    Remapped = 0,

    /// <summary>VMCONFIG bit 1 = 1: children get host vectors directly (bypass-capable IDs on bare metal only).</summary>
    Bypass = 1,

    /// <summary>No interrupts: children's entries stay masked and the host calls <see cref="VmdController.Poll"/>.</summary>
    Polling = 2,
}
