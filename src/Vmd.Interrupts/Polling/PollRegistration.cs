namespace Vmd.Interrupts.Polling;

/// <summary>One polled source and the handler it feeds; immutable.</summary>
internal sealed class PollRegistration
{
    public PollRegistration(IPendingSource source, uint sourceCookie, IInterruptSink sink, uint sinkCookie)
    {
        Source = source;
        SourceCookie = sourceCookie;
        Sink = sink;
        SinkCookie = sinkCookie;
    }

    public IPendingSource Source { get; }

    public uint SourceCookie { get; }

    public IInterruptSink Sink { get; }

    public uint SinkCookie { get; }

    public bool Matches(IPendingSource source, uint sourceCookie, IInterruptSink sink, uint sinkCookie) =>
        ReferenceEquals(Source, source) && SourceCookie == sourceCookie && ReferenceEquals(Sink, sink) && SinkCookie == sinkCookie;
}
