using Vmd.Interrupts.Vectors;

namespace Vmd.Core.Interrupts;

/// <summary>The host's choices for step 4.</summary>
public sealed class InterruptRoutingOptions
{
    /// <summary>The mode asked for; default <see cref="InterruptRoutingMode.Remapped"/>.</summary>
    public InterruptRoutingMode Mode { get; set; } = InterruptRoutingMode.Remapped;

    /// <summary>Which VMD vector a child gets in remapped mode; null for the Linux policy.</summary>
    public IVectorPolicy? Policy { get; set; }

    /// <summary>True when the host runs under a hypervisor that forbids bypass (Xen: digest §8.4).</summary>
    public bool HypervisorForbidsBypass { get; set; }

    /// <summary>VMD vectors to ask the host for; null for every entry of the VMD's MSI-X table.</summary>
    public int? RequestedVectors { get; set; }
}
