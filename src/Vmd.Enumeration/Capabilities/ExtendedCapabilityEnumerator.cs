using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Capabilities;

/// <summary>
/// Walks a function's PCIe extended capability list (PCIe Base §7.6.3) from 0x100 one entry per
/// <see cref="MoveNext"/>, bounded and cycle-safe, without allocating. Use with <c>foreach</c>, then read
/// <see cref="Error"/> to learn whether the list ended normally.
/// </summary>
/// <remarks>
/// Reads one dword per entry and never writes. On a host without extended space
/// (<see cref="IConfigSpace.HasExtendedSpace"/> false) nothing is read and the list is empty with
/// <see cref="VmdError.None"/>. A header of 0 or all-ones at 0x100 means no list (<see cref="VmdError.None"/>).
/// A next offset below 0x100 (other than 0, the end) or an entry visited twice stops the walk with
/// <see cref="VmdError.Malformed"/>; a visited bitmap over the 4 KiB space makes the second visit of any
/// entry the stop, so a walk reads at most <see cref="CapabilityHeader.MaxExtendedEntries"/> entries. Next
/// offsets have their reserved low two bits masked off, so none can point past 0xFFC.
/// A mutable struct: copy it only before the first <see cref="MoveNext"/>. Not thread-safe.
/// </remarks>
public struct ExtendedCapabilityEnumerator
{
    private const uint AllOnes32 = 0xFFFF_FFFF;

    private readonly IConfigSpace _config;
    private readonly PciAddress _address;
    private ExtendedOffsetSet _visited;
    private ExtendedCapabilityEntry _current;
    private VmdError _error;
    private ushort _next;
    private bool _started;
    private bool _finished;

    /// <summary>Prepares a walk; nothing is read until the first <see cref="MoveNext"/>.</summary>
    /// <param name="config">The configuration port; not owned.</param>
    /// <param name="address">The function.</param>
    public ExtendedCapabilityEnumerator(IConfigSpace config, PciAddress address)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _address = address;
        _visited = default;
        _current = default;
        _error = VmdError.None;
        _next = 0;
        _started = false;
        _finished = false;
    }

    /// <summary>The entry reached by the last successful <see cref="MoveNext"/>.</summary>
    public readonly ExtendedCapabilityEntry Current => _current;

    /// <summary>
    /// After <see cref="MoveNext"/> returned false: <see cref="VmdError.None"/> when the list ended normally
    /// (or is empty or unreachable), <see cref="VmdError.Malformed"/> for a cycle or a bad next offset,
    /// <see cref="VmdError.AllOnes"/> when a header after the first read all-ones.
    /// </summary>
    public readonly VmdError Error => _error;

    /// <summary>Returns this enumerator, so a walk can be written as <c>foreach</c>.</summary>
    public readonly ExtendedCapabilityEnumerator GetEnumerator() => this;

    /// <summary>Reads the next entry; false at the end of the list or when the walk had to stop (see <see cref="Error"/>).</summary>
    public bool MoveNext()
    {
        if (_finished)
        {
            return false;
        }

        uint header;
        ushort offset;
        if (!_started)
        {
            _started = true;
            if (!_config.HasExtendedSpace)
            {
                return Finish(VmdError.None); // a legacy host cannot reach 0x100: never ask it
            }

            offset = CapabilityHeader.FirstExtended;
            header = _config.Read32(_address, offset);
            if (header == 0 || header == AllOnes32)
            {
                return Finish(VmdError.None); // PCIe Base §7.6.3: no extended capabilities
            }

            _visited.Add(offset);
        }
        else
        {
            offset = _next;
            if (offset == 0)
            {
                return Finish(VmdError.None);
            }

            if (offset < CapabilityHeader.FirstExtended || !_visited.Add(offset))
            {
                return Finish(VmdError.Malformed);
            }

            header = _config.Read32(_address, offset);
            if (header == AllOnes32)
            {
                return Finish(VmdError.AllOnes);
            }
        }

        _current = new ExtendedCapabilityEntry(
            offset,
            (ExtendedCapabilityId)(header & CapabilityHeader.ExtendedIdMask),
            (byte)((header >> CapabilityHeader.ExtendedVersionShift) & CapabilityHeader.ExtendedVersionMask));
        _next = (ushort)((header >> CapabilityHeader.ExtendedNextShift) & CapabilityHeader.ExtendedNextMask);
        return true;
    }

    private bool Finish(VmdError error)
    {
        _finished = true;
        _error = error;
        _current = default;
        return false;
    }
}
