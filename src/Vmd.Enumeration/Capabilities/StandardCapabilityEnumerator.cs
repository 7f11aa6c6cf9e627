using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Capabilities;

/// <summary>
/// Walks a function's standard capability list (PCI Local Bus 3.0 §6.7) one entry per
/// <see cref="MoveNext"/>, bounded and cycle-safe, without allocating. Use with <c>foreach</c>, then
/// read <see cref="Error"/> to learn whether the list ended normally.
/// </summary>
/// <remarks>
/// Reads Status, the Capabilities Pointer, then one 16-bit word (ID and next pointer) per entry; never
/// writes and never reads at 0x100 or above. The walk stops with <see cref="VmdError.Malformed"/> at a
/// pointer into the header (below 0x40) or at a revisited entry; a visited bitmap makes the second
/// visit of any entry the stop, so a walk reads at most <see cref="CapabilityHeader.MaxStandardEntries"/>
/// entries. A mutable struct: copy it only before the first <see cref="MoveNext"/>. Not thread-safe.
/// </remarks>
public struct StandardCapabilityEnumerator
{
    private const byte AllOnes8 = 0xFF;
    private const ushort AllOnes16 = 0xFFFF;

    private readonly IConfigSpace _config;
    private readonly PciAddress _address;
    private ulong _visited; // bit n: the entry at offset 4·n was read; 0x40–0xFC fit in 64 bits
    private CapabilityEntry _current;
    private VmdError _error;
    private byte _next;
    private bool _started;
    private bool _finished;
    private int _knownStatus;

    /// <summary>Prepares a walk; nothing is read until the first <see cref="MoveNext"/>.</summary>
    /// <param name="config">The configuration port; not owned.</param>
    /// <param name="address">The function.</param>
    public StandardCapabilityEnumerator(IConfigSpace config, PciAddress address)
        : this(config, address, -1)
    {
    }

    /// <summary>Prepares a walk with the Status register already read (a decoder read Command and Status as one dword), saving a read.</summary>
    /// <param name="config">The configuration port; not owned.</param>
    /// <param name="address">The function.</param>
    /// <param name="status">The Status register as read.</param>
    public StandardCapabilityEnumerator(IConfigSpace config, PciAddress address, ushort status)
        : this(config, address, (int)status)
    {
    }

    private StandardCapabilityEnumerator(IConfigSpace config, PciAddress address, int knownStatus)
    {
        ArgumentNullException.ThrowIfNull(config);
        _knownStatus = knownStatus;
        _config = config;
        _address = address;
        _visited = 0;
        _current = default;
        _error = VmdError.None;
        _next = 0;
        _started = false;
        _finished = false;
    }

    /// <summary>The entry reached by the last successful <see cref="MoveNext"/>.</summary>
    public readonly CapabilityEntry Current => _current;

    /// <summary>
    /// After <see cref="MoveNext"/> returned false: <see cref="VmdError.None"/> when the list ended normally
    /// (including no list at all), <see cref="VmdError.Malformed"/> for a cycle or a pointer into the header,
    /// <see cref="VmdError.AllOnes"/> when Status, a pointer or an entry read all-ones.
    /// </summary>
    public readonly VmdError Error => _error;

    /// <summary>Returns this enumerator, so a walk can be written as <c>foreach</c>.</summary>
    public readonly StandardCapabilityEnumerator GetEnumerator() => this;

    /// <summary>Reads the next entry; false at the end of the list or when the walk had to stop (see <see cref="Error"/>).</summary>
    public bool MoveNext()
    {
        if (_finished)
        {
            return false;
        }

        if (!_started)
        {
            _started = true;
            ushort status = _knownStatus >= 0 ? (ushort)_knownStatus : _config.Read16(_address, PciHeader.Status);
            if (status == AllOnes16)
            {
                return Finish(VmdError.AllOnes);
            }

            if ((status & (ushort)PciStatus.CapabilitiesList) == 0)
            {
                return Finish(VmdError.None); // no list: the byte at 0x34 means nothing
            }

            _next = _config.Read8(_address, PciHeader.CapabilitiesPointer);
        }

        if (_next == AllOnes8)
        {
            return Finish(VmdError.AllOnes);
        }

        int offset = _next & CapabilityHeader.PointerMask;
        if (offset == 0)
        {
            return Finish(VmdError.None);
        }

        if (offset < PciHeader.Length)
        {
            return Finish(VmdError.Malformed); // capabilities live above the header
        }

        ulong bit = 1UL << (offset >> 2);
        if ((_visited & bit) != 0)
        {
            return Finish(VmdError.Malformed); // a cycle, however short
        }

        _visited |= bit;

        // ID and next pointer are adjacent read-only bytes: one aligned word read gets both.
        ushort header = _config.Read16(_address, (ushort)(offset + CapabilityHeader.Id));
        if (header == AllOnes16)
        {
            return Finish(VmdError.AllOnes);
        }

        _current = new CapabilityEntry((ushort)offset, (CapabilityId)(byte)header);
        _next = (byte)(header >> (8 * (CapabilityHeader.Next - CapabilityHeader.Id)));
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
