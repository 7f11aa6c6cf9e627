using System.Threading;

namespace Vmd.Interrupts.Tests.Fakes;

/// <summary>A handler that counts its calls and remembers the last cookie; allocation-free.</summary>
public sealed class CountingSink : IInterruptSink
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public uint LastCookie { get; private set; }

    public void OnInterrupt(uint cookie)
    {
        LastCookie = cookie;
        Interlocked.Increment(ref _calls);
    }
}
