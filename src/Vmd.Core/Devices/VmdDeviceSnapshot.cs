using System;

namespace Vmd.Core.Devices;

/// <summary>
/// The VMD's device list as it stood after a whole operation (enumeration, re-scan, reset, insertion, removal, unmap),
/// copied into values. Published by <see cref="VmdController.Devices"/> with one reference write, so a reader on any
/// thread sees either the list before an operation or the list after it, never a list being rebuilt.
/// </summary>
public sealed class VmdDeviceSnapshot
{
    private readonly VmdDeviceEntry[] _entries;

    internal VmdDeviceSnapshot(long generation, VmdState state, VmdDeviceEntry[] entries)
    {
        Generation = generation;
        State = state;
        _entries = entries;
    }

    /// <summary>The empty list of a controller that has not enumerated yet.</summary>
    public static VmdDeviceSnapshot Empty { get; } = new(0, VmdState.Detected, []);

    /// <summary>Increases by one with every publication: two reads with the same generation saw the same list.</summary>
    public long Generation { get; }

    /// <summary>The controller's state when the list was published.</summary>
    public VmdState State { get; }

    /// <summary>The functions behind the VMD in address order.</summary>
    public ReadOnlySpan<VmdDeviceEntry> Functions => _entries;

    /// <summary>Number of functions.</summary>
    public int Count => _entries.Length;
}
