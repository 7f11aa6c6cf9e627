using KernelHost.Interrupts;
using Vmd;

namespace KernelHost.Simulated;

/// <summary>
/// What a kernel's per-vector assembly stub does, for the simulated CPU: push the vector number and call the common
/// handler. The cookie is the vector number.
/// </summary>
internal sealed class IdtStub : IInterruptSink
{
    private readonly InterruptTable _table;

    public IdtStub(InterruptTable table) => _table = table;

    public void OnInterrupt(uint cookie) => _table.Dispatch(cookie);
}
