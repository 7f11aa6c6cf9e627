namespace Vmd.Interrupts.Dispatch;

/// <summary>One handler on a VMD vector; immutable, shared by the snapshots that contain it.</summary>
internal sealed class AttachedHandler
{
    public AttachedHandler(IInterruptSink sink, uint cookie, IConfigSpace? dummyReadConfig, PciAddress dummyReadAddress)
    {
        Sink = sink;
        Cookie = cookie;
        DummyReadConfig = dummyReadConfig;
        DummyReadAddress = dummyReadAddress;
    }

    public IInterruptSink Sink { get; }

    public uint Cookie { get; }

    /// <summary>Port through which the child is read before its handler when the erratum workaround is on; null: no read.</summary>
    public IConfigSpace? DummyReadConfig { get; }

    public PciAddress DummyReadAddress { get; }

    public bool Matches(IInterruptSink sink, uint cookie) => ReferenceEquals(Sink, sink) && Cookie == cookie;
}
