namespace Vmd;

/// <summary>Receives an interrupt. A handler is an interface plus a cookie, never a closure.</summary>
public interface IInterruptSink
{
    /// <summary>Runs in interrupt context: no allocation, no blocking, no throw. Spurious calls are normal.</summary>
    /// <param name="cookie">The value given when the sink was attached.</param>
    void OnInterrupt(uint cookie);
}
