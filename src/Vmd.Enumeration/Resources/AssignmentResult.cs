using System;

namespace Vmd.Enumeration.Resources;

/// <summary>What one <see cref="ResourceAssigner.Assign"/> achieved: functions with and without resources, bytes used per aperture.</summary>
/// <remarks>
/// <see cref="BytesUsed"/> views storage owned by the assigner, so no call allocates: it is valid until the next
/// <see cref="ResourceAssigner.Assign"/> on the same assigner. Copy the values to keep them longer.
/// </remarks>
public readonly struct AssignmentResult
{
    private readonly ulong[]? _bytesUsed;
    private readonly int _apertureCount;

    internal AssignmentResult(int assigned, int unassigned, ulong[] bytesUsed, int apertureCount)
    {
        FunctionsAssigned = assigned;
        FunctionsUnassigned = unassigned;
        _bytesUsed = bytesUsed;
        _apertureCount = apertureCount;
    }

    /// <summary>Functions whose <see cref="Functions.PciFunction.Assigned"/> is true.</summary>
    public int FunctionsAssigned { get; }

    /// <summary>Functions left without (all of) their resources; their <see cref="Functions.PciFunction.Issues"/> say why.</summary>
    public int FunctionsUnassigned { get; }

    /// <summary>True when every function was assigned.</summary>
    public bool AllAssigned => FunctionsUnassigned == 0;

    /// <summary>
    /// Bytes handed out from each aperture (same order as the apertures passed in): the sizes of root-bus BARs and
    /// root-bus bridge windows placed there, alignment padding not counted.
    /// </summary>
    public ReadOnlySpan<ulong> BytesUsed => _bytesUsed is null ? default : _bytesUsed.AsSpan(0, _apertureCount);
}
