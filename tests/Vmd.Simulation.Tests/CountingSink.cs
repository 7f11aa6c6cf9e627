namespace Vmd.Simulation.Tests;

/// <summary>An interrupt handler that counts its calls and remembers the last cookie.</summary>
internal sealed class CountingSink : IInterruptSink
{
    public int Calls { get; private set; }

    public uint LastCookie { get; private set; }

    public void OnInterrupt(uint cookie)
    {
        Calls++;
        LastCookie = cookie;
    }
}
