using System.Threading;

namespace Vmd.Shell.Commands;

/// <summary>A handler that only counts, standing in for the drivers a kernel would bind to each function.</summary>
internal sealed class CountingSink : IInterruptSink
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void OnInterrupt(uint cookie) => Interlocked.Increment(ref _count);
}
