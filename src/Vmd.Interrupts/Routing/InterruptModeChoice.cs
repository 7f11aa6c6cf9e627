namespace Vmd.Interrupts.Routing;

/// <summary>The outcome of <see cref="ChildInterruptModes.Choose"/>: the mode granted, or why none was.</summary>
public readonly struct InterruptModeChoice
{
    /// <summary>Creates a choice.</summary>
    /// <param name="mode">The mode granted (meaningful when <paramref name="error"/> is None).</param>
    /// <param name="capabilityOffset">Offset of the MSI-X or MSI capability; 0 for polling or on failure.</param>
    /// <param name="error">None on success.</param>
    /// <param name="reason">A sentence saying why the request failed; null on success.</param>
    public InterruptModeChoice(InterruptMode mode, ushort capabilityOffset, VmdError error, string? reason)
    {
        Mode = mode;
        CapabilityOffset = capabilityOffset;
        Error = error;
        Reason = reason;
    }

    /// <summary>True when a mode was granted.</summary>
    public bool Succeeded => Error == VmdError.None;

    /// <summary>The mode granted: <see cref="InterruptMode.Msix"/>, <see cref="InterruptMode.Msi"/> or <see cref="InterruptMode.Polling"/>.</summary>
    public InterruptMode Mode { get; }

    /// <summary>Configuration offset of the capability that goes with <see cref="Mode"/>; 0 for polling.</summary>
    public ushort CapabilityOffset { get; }

    /// <summary><see cref="VmdError.Unsupported"/> for INTx or a missing capability; the walk's error when it broke.</summary>
    public VmdError Error { get; }

    /// <summary>Why the request failed, as a sentence (a constant of <see cref="ChildInterruptModes"/>); null on success.</summary>
    public string? Reason { get; }
}
