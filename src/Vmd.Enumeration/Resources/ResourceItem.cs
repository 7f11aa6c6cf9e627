namespace Vmd.Enumeration.Resources;

/// <summary>Where a resource request is placed: on the root bus (an aperture) or inside a window of the parent bridge.</summary>
internal enum ResourceRoute : byte
{
    RootBus,
    ParentMemory,
    ParentPrefetchable,
}

/// <summary>Progress of one resource request during an assignment.</summary>
internal enum ResourceState : byte
{
    Pending,
    Placed,
    Failed,
}

/// <summary>One resource request: a memory BAR or a bridge window. Scratch state of <see cref="ResourceAssigner"/>.</summary>
internal struct ResourceItem
{
    /// <summary><see cref="Slot"/> of a bridge's non-prefetchable window.</summary>
    public const int MemoryWindowSlot = 6;

    /// <summary><see cref="Slot"/> of a bridge's prefetchable window.</summary>
    public const int PrefetchableWindowSlot = 7;

    /// <summary>Index of the owning function in the list passed to Assign.</summary>
    public int Function;

    /// <summary>BAR slot 0–5, or <see cref="MemoryWindowSlot"/> / <see cref="PrefetchableWindowSlot"/>.</summary>
    public int Slot;

    /// <summary>Bytes needed (a BAR: its size rounded up to a power of two; a window: a multiple of 1 MiB).</summary>
    public ulong Size;

    /// <summary>Required alignment of the bus address (a power of two).</summary>
    public ulong Alignment;

    /// <summary>Where it is placed.</summary>
    public ResourceRoute Route;

    /// <summary>True when the item and everything inside it may have a bus address at or above 4 GiB.</summary>
    public bool MayGoAbove4GiB;

    /// <summary>Offset inside the parent's window, fixed when the parent window was sized.</summary>
    public ulong Offset;

    /// <summary>Bus address once placed.</summary>
    public ulong BusAddress;

    /// <summary>Index of the aperture the address comes from (for the CPU = bus + offset translation).</summary>
    public int Aperture;

    /// <summary>Progress.</summary>
    public ResourceState State;

    public readonly bool IsWindow => Slot >= MemoryWindowSlot;
}
