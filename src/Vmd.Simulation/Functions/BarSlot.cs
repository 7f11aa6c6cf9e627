using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Functions;

/// <summary>One BAR of a function: what it decodes, how big it is and what answers inside it.</summary>
internal readonly struct BarSlot
{
    public BarSlot(BarKind kind, ulong size, IMemoryTarget? target)
    {
        Kind = kind;
        Size = size;
        Target = target;
    }

    public BarKind Kind { get; }

    public ulong Size { get; }

    public IMemoryTarget? Target { get; }
}
