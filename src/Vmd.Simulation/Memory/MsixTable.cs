using System;
using Vmd.Registers;

namespace Vmd.Simulation.Memory;

/// <summary>
/// An MSI-X table and its Pending Bit Array (PCIe Base §7.7.2): 16-byte entries (address low, address
/// high, data, vector control) and one pending bit per entry in 64-bit words. Every entry starts masked,
/// as after reset.
/// </summary>
/// <remarks>
/// Only Vector Control bit 0 (Mask) is writable in the control dword; the PBA is read-only to software. Once a
/// device model attached the table to its function, clearing a pending entry's mask sends the message.
/// Not thread-safe on its own; the machine's lock serialises port accesses.
/// </remarks>
public sealed class MsixTable
{
    /// <summary>Largest table an MSI-X capability can describe (Table Size field + 1).</summary>
    public const int MaxEntries = MsixCapability.TableSizeMask + 1;

    private readonly byte[] _table;
    private readonly ulong[] _pending;

    /// <summary>Creates a table of <paramref name="entryCount"/> masked entries.</summary>
    public MsixTable(int entryCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entryCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entryCount, MaxEntries);
        EntryCount = entryCount;
        _table = new byte[entryCount * MsixCapability.EntrySize];
        _pending = new ulong[(entryCount + 63) / 64];
        for (int i = 0; i < entryCount; i++)
        {
            _table[(i * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl] = (byte)MsixCapability.EntryMasked;
        }
    }

    /// <summary>Returns the table to its reset state: every entry zero and masked, no pending bit.</summary>
    internal void Reset()
    {
        Array.Clear(_table);
        Array.Clear(_pending);
        for (int i = 0; i < EntryCount; i++)
        {
            _table[(i * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl] = (byte)MsixCapability.EntryMasked;
        }
    }

    /// <summary>Number of entries.</summary>
    public int EntryCount { get; }

    /// <summary>The function logic that sends messages from this table, once a device model attached it.</summary>
    internal IMsixTableListener? Listener { get; set; }

    /// <summary>Bytes the table occupies in its BAR.</summary>
    public ulong TableLength => (ulong)_table.Length;

    /// <summary>Bytes the PBA occupies in its BAR (whole qwords).</summary>
    public ulong PbaLength => (ulong)_pending.Length * 8;

    /// <summary>The address and data software programmed into <paramref name="entry"/>.</summary>
    public MsiMessage GetMessage(int entry)
    {
        int at = EntryOffset(entry);
        ulong address = AccessWidth.Read(_table.AsSpan(at + MsixCapability.EntryAddressLow, 8), 8);
        uint data = (uint)AccessWidth.Read(_table.AsSpan(at + MsixCapability.EntryData, 4), 4);
        return new MsiMessage(address, data);
    }

    /// <summary>True when the entry's Vector Control Mask bit is set.</summary>
    public bool IsMasked(int entry) => (_table[EntryOffset(entry) + MsixCapability.EntryVectorControl] & MsixCapability.EntryMasked) != 0;

    /// <summary>True when the entry's pending bit is set.</summary>
    public bool IsPending(int entry)
    {
        _ = EntryOffset(entry);
        return (_pending[entry >> 6] & (1UL << (entry & 63))) != 0;
    }

    /// <summary>Sets or clears the entry's pending bit, as the function does when a masked vector fires or is delivered.</summary>
    public void SetPending(int entry, bool pending)
    {
        _ = EntryOffset(entry);
        ulong bit = 1UL << (entry & 63);
        _pending[entry >> 6] = pending ? _pending[entry >> 6] | bit : _pending[entry >> 6] & ~bit;
    }

    /// <summary>Reads the table at <paramref name="offset"/> from its start; past the last entry reads 0.</summary>
    public ulong ReadTable(ulong offset, int width)
    {
        if (offset + (ulong)width > TableLength)
        {
            return 0;
        }

        return AccessWidth.Read(_table.AsSpan((int)offset, width), width);
    }

    /// <summary>Writes the table; read-only bits of Vector Control keep their value, writes past the table are dropped.</summary>
    public void WriteTable(ulong offset, int width, ulong value)
    {
        if (offset + (ulong)width > TableLength)
        {
            return;
        }

        bool vectorControl = false;
        for (int i = 0; i < width; i++)
        {
            int at = (int)offset + i;
            int inEntry = at % MsixCapability.EntrySize;
            byte writable = WritableMask(inEntry);
            _table[at] = (byte)((_table[at] & ~writable) | ((byte)(value >> (8 * i)) & writable));
            vectorControl |= inEntry >= MsixCapability.EntryVectorControl;
        }

        // Unmasking an entry whose pending bit is set sends its message now (PCIe Base §6.1.4.5).
        if (vectorControl)
        {
            Listener?.OnVectorControlWritten(this);
        }
    }

    /// <summary>Reads the PBA at <paramref name="offset"/> from its start; past the last qword reads 0.</summary>
    public ulong ReadPba(ulong offset, int width)
    {
        if (offset + (ulong)width > PbaLength)
        {
            return 0;
        }

        ulong qword = _pending[(int)(offset >> 3)];
        int shift = (int)(offset & 7) * 8;
        return width == 8 ? qword : (qword >> shift) & ((1UL << (width * 8)) - 1);
    }

    private static byte WritableMask(int byteInEntry) =>
        byteInEntry < MsixCapability.EntryVectorControl ? (byte)0xFF
        : byteInEntry == MsixCapability.EntryVectorControl ? (byte)MsixCapability.EntryMasked
        : (byte)0;

    private int EntryOffset(int entry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entry);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(entry, EntryCount);
        return entry * MsixCapability.EntrySize;
    }
}
