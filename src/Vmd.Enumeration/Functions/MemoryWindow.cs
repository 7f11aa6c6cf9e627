namespace Vmd.Enumeration.Functions;

/// <summary>A bridge memory window as bus addresses (PCI-to-PCI Bridge 1.2 §3.2.5.8–§3.2.5.10); disabled when base &gt; limit.</summary>
public readonly struct MemoryWindow
{
    /// <summary>Creates a window; <paramref name="limit"/> is the last byte (inclusive).</summary>
    public MemoryWindow(ulong @base, ulong limit)
    {
        Base = @base;
        Limit = limit;
    }

    /// <summary>A window that forwards nothing.</summary>
    public static MemoryWindow Disabled => new(1UL << 20, 0);

    /// <summary>First bus address forwarded.</summary>
    public ulong Base { get; }

    /// <summary>Last bus address forwarded (inclusive).</summary>
    public ulong Limit { get; }

    /// <summary>True when the window forwards anything.</summary>
    public bool IsEnabled => Base <= Limit;

    /// <summary>Bytes forwarded; 0 when disabled.</summary>
    public ulong Size => IsEnabled ? Limit - Base + 1 : 0;

    /// <summary>True when [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) lies inside the window.</summary>
    public bool Contains(ulong start, ulong length) => IsEnabled && length != 0 && start >= Base && start + length - 1 <= Limit && start + length - 1 >= start;
}
