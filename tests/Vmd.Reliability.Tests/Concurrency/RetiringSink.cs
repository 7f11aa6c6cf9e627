using System.Threading;

namespace Vmd.Reliability.Tests.Concurrency;

/// <summary>The handler of a hot-added drive: counts calls, and calls made after its removal completed.</summary>
internal sealed class RetiringSink : IInterruptSink
{
    private long _calls;
    private int _retired;
    private long _afterRemoval;

    public long Calls => Interlocked.Read(ref _calls);

    public long CallsAfterRemoval => Interlocked.Read(ref _afterRemoval);

    /// <summary>Called by the control thread once TryRemoveDevice returned or the SurpriseRemoved event was processed.</summary>
    public void Retire() => Volatile.Write(ref _retired, 1);

    public void OnInterrupt(uint cookie)
    {
        Interlocked.Increment(ref _calls);
        if (Volatile.Read(ref _retired) != 0)
        {
            Interlocked.Increment(ref _afterRemoval);
        }
    }
}
