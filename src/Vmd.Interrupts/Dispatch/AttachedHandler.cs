namespace Vmd.Interrupts.Dispatch;

/// <summary>
/// One handler on a VMD vector; immutable. A struct, so a snapshot holds its handlers inline and the dispatch loop
/// reaches each sink with one load less than through a separate object per handler.
/// </summary>
internal readonly struct AttachedHandler
{
    public AttachedHandler(IInterruptSink sink, uint cookie, IConfigSpace? dummyReadConfig, PciAddress dummyReadAddress, IMmioRegion? dummyReadRegion = null, nuint dummyReadOffset = 0)
    {
        Sink = sink;
        Cookie = cookie;
        DummyReadConfig = dummyReadConfig;
        DummyReadAddress = dummyReadAddress;
        DummyReadRegion = dummyReadRegion;
        DummyReadOffset = dummyReadOffset;
    }

    public IInterruptSink Sink { get; }

    public uint Cookie { get; }

    /// <summary>Port through which the child is read before its handler when the erratum workaround is on; null: no read.</summary>
    public IConfigSpace? DummyReadConfig { get; }

    public PciAddress DummyReadAddress { get; }

    /// <summary>A mapped register of the child read before its handler instead of config space (no config lock on the interrupt path); null: none.</summary>
    public IMmioRegion? DummyReadRegion { get; }

    public nuint DummyReadOffset { get; }

    public bool Matches(IInterruptSink sink, uint cookie) => ReferenceEquals(Sink, sink) && Cookie == cookie;
}
