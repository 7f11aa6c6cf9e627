using Vmd.Interrupts.Msi;
using Vmd.Interrupts.Msix;

namespace Vmd.Core.Interrupts;

/// <summary>One child vector routed to a host handler; returned by <see cref="VmdController.TryAttachInterrupt"/>.</summary>
public sealed class ChildInterrupt
{
    internal ChildInterrupt(PciAddress function, int childVector, InterruptRoutingMode mode, int vmdVector, HostVector? hostVector, IInterruptSink sink, uint cookie, MsixController? msix, MsiController? msi)
    {
        Function = function;
        ChildVector = childVector;
        Mode = mode;
        VmdVector = vmdVector;
        HostVector = hostVector;
        Sink = sink;
        Cookie = cookie;
        Msix = msix;
        Msi = msi;
    }

    /// <summary>The child function.</summary>
    public PciAddress Function { get; }

    /// <summary>The child's MSI-X entry.</summary>
    public int ChildVector { get; }

    /// <summary>How it is routed.</summary>
    public InterruptRoutingMode Mode { get; }

    /// <summary>The VMD vector it shares in remapped mode; −1 otherwise.</summary>
    public int VmdVector { get; }

    /// <summary>The host vector it owns in bypass mode; null otherwise.</summary>
    public HostVector? HostVector { get; }

    /// <summary>The handler.</summary>
    public IInterruptSink Sink { get; }

    /// <summary>The handler's cookie.</summary>
    public uint Cookie { get; }

    internal MsixController? Msix { get; }

    internal MsiController? Msi { get; }

    /// <summary>True once the route was detached (by <see cref="VmdController.DetachInterrupt"/>, a removal, a reset or shutdown): its handler will not run again.</summary>
    public bool Detached { get; internal set; }
}
