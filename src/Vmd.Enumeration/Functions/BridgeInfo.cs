namespace Vmd.Enumeration.Functions;

/// <summary>The type 1 (PCI-to-PCI bridge) registers of a function, as last read or programmed.</summary>
public readonly struct BridgeInfo
{
    /// <summary>Creates the record.</summary>
    public BridgeInfo(byte primary, byte secondary, byte subordinate, MemoryWindow memory, MemoryWindow prefetchable, bool prefetchable64, bool hasIoWindow)
    {
        Primary = primary;
        Secondary = secondary;
        Subordinate = subordinate;
        Memory = memory;
        Prefetchable = prefetchable;
        Prefetchable64 = prefetchable64;
        HasIoWindow = hasIoWindow;
    }

    /// <summary>Primary Bus Number.</summary>
    public byte Primary { get; }

    /// <summary>Secondary Bus Number.</summary>
    public byte Secondary { get; }

    /// <summary>Subordinate Bus Number.</summary>
    public byte Subordinate { get; }

    /// <summary>The non-prefetchable memory window (32-bit bus addresses).</summary>
    public MemoryWindow Memory { get; }

    /// <summary>The prefetchable memory window.</summary>
    public MemoryWindow Prefetchable { get; }

    /// <summary>True when the prefetchable window decodes 64-bit addresses (base/limit bits 3:0 = 1).</summary>
    public bool Prefetchable64 { get; }

    /// <summary>True when the bridge implements an I/O window (I/O Base reads non-zero when written); never opened behind a VMD.</summary>
    public bool HasIoWindow { get; }
}
