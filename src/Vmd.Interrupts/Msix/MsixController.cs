using System;
using Vmd.Interrupts.Polling;
using Vmd.Registers;

namespace Vmd.Interrupts.Msix;

/// <summary>
/// Programs one function's MSI-X (PCIe Base §7.7.2): Message Control through the configuration port, the
/// table and the Pending Bit Array through MMIO regions the caller mapped. Works for a child behind a VMD
/// (whose messages name VMD vectors) and for the VMD endpoint itself (whose messages name host vectors).
/// </summary>
/// <remarks>
/// <para>Safe order, kept by every member: MSI-X is enabled with Function Mask set and every entry is masked
/// before anything else; an entry's address and data are written only while the entry is masked, so the
/// function never sees an unmasked entry with half-written contents.</para>
/// <para>Message Control is changed only by <see cref="ConfigSpaceExtensions.Update16"/> (one 16-bit read,
/// one 16-bit write). Each entry's Vector Control is read once by <see cref="Enable"/> and cached, so mask and
/// unmask are single 32-bit writes that keep the reserved and steering-tag bits as the function had them.</para>
/// <para>Thread safety: not synchronised; the caller serialises calls for one function (as it serialises its
/// configuration accesses). <see cref="TryMaskEntry"/>, <see cref="TryUnmaskEntry"/>,
/// <see cref="TryReadPending"/> and <see cref="IsPending"/> are interrupt-safe: no allocation, no lock, no
/// throw (a bad index returns false). Every other member may throw for a caller mistake. The regions and the
/// port stay the caller's: this type never unmaps or disposes them.</para>
/// </remarks>
public sealed class MsixController : IPendingSource
{
    private readonly IConfigSpace _config;
    private readonly ushort _messageControl;
    private readonly IMmioRegion _table;
    private readonly nuint _tableOffset;
    private readonly IMmioRegion _pba;
    private readonly nuint _pbaOffset;
    private readonly uint[] _vectorControl;

    /// <summary>Creates a controller whose table and PBA lie in one mapped BAR.</summary>
    /// <param name="config">Configuration port that reaches the function.</param>
    /// <param name="address">The function.</param>
    /// <param name="capabilityOffset">Offset of its MSI-X capability (as a capability walk found it).</param>
    /// <param name="info">The capability as read (<see cref="MsixCapabilityInfo.TryRead(IConfigSpace, PciAddress, ushort, out MsixCapabilityInfo)"/>).</param>
    /// <param name="bar">
    /// The BAR named by both <see cref="MsixCapabilityInfo.TableBir"/> and <see cref="MsixCapabilityInfo.PbaBir"/>,
    /// mapped from its first byte; the table and PBA offsets of <paramref name="info"/> are offsets into it.
    /// </param>
    /// <exception cref="ArgumentException">Table and PBA are in different BARs, or the region is too small.</exception>
    public MsixController(IConfigSpace config, PciAddress address, ushort capabilityOffset, MsixCapabilityInfo info, IMmioRegion bar)
        : this(config, address, capabilityOffset, info.TableSize, bar, info.TableOffset, bar, info.PbaOffset)
    {
        if (info.TableBir != info.PbaBir)
        {
            throw new ArgumentException("The table and the PBA are in different BARs; pass a region for each.", nameof(info));
        }
    }

    /// <summary>Creates a controller over explicitly placed table and PBA regions.</summary>
    /// <param name="config">Configuration port that reaches the function.</param>
    /// <param name="address">The function.</param>
    /// <param name="capabilityOffset">Offset of its MSI-X capability (dword aligned, 0x40–0xF4).</param>
    /// <param name="tableSize">Number of table entries, 1–2048 (<see cref="MsixCapabilityInfo.TableSize"/>).</param>
    /// <param name="tableRegion">A mapping that contains the table.</param>
    /// <param name="tableOffset">Byte offset of entry 0 inside <paramref name="tableRegion"/> (8-byte aligned).</param>
    /// <param name="pbaRegion">A mapping that contains the Pending Bit Array (may be <paramref name="tableRegion"/>).</param>
    /// <param name="pbaOffset">Byte offset of the PBA inside <paramref name="pbaRegion"/> (8-byte aligned).</param>
    /// <exception cref="ArgumentException">A region does not hold what it must, or an offset is misaligned.</exception>
    public MsixController(
        IConfigSpace config,
        PciAddress address,
        ushort capabilityOffset,
        int tableSize,
        IMmioRegion tableRegion,
        nuint tableOffset,
        IMmioRegion pbaRegion,
        nuint pbaOffset)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tableRegion);
        ArgumentNullException.ThrowIfNull(pbaRegion);
        if (capabilityOffset < PciHeader.Length || capabilityOffset > ConfigSpaceExtensions.MaxLegacyOffset + 1 - MsixCapability.Length
            || (capabilityOffset & 3) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capabilityOffset), capabilityOffset, "An MSI-X capability lies at a dword-aligned offset from 0x40 to 0xF4.");
        }

        if (tableSize < 1 || tableSize > MsixCapability.TableSizeMask + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "An MSI-X table has 1 to 2048 entries.");
        }

        RequireInside(tableRegion, tableOffset, (nuint)tableSize * MsixCapability.EntrySize, nameof(tableOffset), "table");
        nuint pbaBytes = (nuint)((tableSize + MsixPendingBitArray.BitsPerQword - 1) / MsixPendingBitArray.BitsPerQword) * MsixPendingBitArray.QwordSize;
        RequireInside(pbaRegion, pbaOffset, pbaBytes, nameof(pbaOffset), "Pending Bit Array");

        _config = config;
        Address = address;
        CapabilityOffset = capabilityOffset;
        _messageControl = (ushort)(capabilityOffset + MsixCapability.MessageControl);
        TableSize = tableSize;
        _table = tableRegion;
        _tableOffset = tableOffset;
        _pba = pbaRegion;
        _pbaOffset = pbaOffset;
        _vectorControl = new uint[tableSize];
        for (int i = 0; i < _vectorControl.Length; i++)
        {
            _vectorControl[i] = MsixCapability.EntryMasked; // until Enable reads the real value: assume masked
        }
    }

    /// <summary>The function.</summary>
    public PciAddress Address { get; }

    /// <summary>Offset of the MSI-X capability in the function's configuration space.</summary>
    public ushort CapabilityOffset { get; }

    /// <summary>Number of table entries.</summary>
    public int TableSize { get; }

    /// <summary>
    /// Sets MSI-X Enable and Function Mask in one Message Control write, then masks every entry (each entry's
    /// Vector Control is read, cached, and written back with the Mask bit set). Entry contents are not touched.
    /// MSI-X stays function-masked until <see cref="ClearFunctionMask"/>.
    /// </summary>
    /// <remarks>
    /// Enable is set before the table is touched because some functions answer table accesses only while MSI-X is
    /// enabled; Function Mask keeps every vector silent meanwhile. Not interrupt-safe.
    /// </remarks>
    public void Enable()
    {
        _config.Update16(Address, _messageControl, clear: 0, set: MsixCapability.Enable | MsixCapability.FunctionMask);
        for (int i = 0; i < TableSize; i++)
        {
            nuint control = VectorControlOffset(i);
            uint value = _table.Read32(control) | MsixCapability.EntryMasked;
            _vectorControl[i] = value;
            _table.Write32(control, value);
        }
    }

    /// <summary>
    /// Programs entry <paramref name="index"/>: masks it, writes Message Address low, Message Address high and
    /// Message Data, then unmasks it unless <paramref name="unmask"/> is false.
    /// </summary>
    /// <param name="index">Table entry, 0 to <see cref="TableSize"/> − 1.</param>
    /// <param name="message">The message; address bits 1:0 must be 0 (the entry holds a DWORD-aligned address).</param>
    /// <param name="unmask">False to leave the entry masked (e.g. until its handler is attached).</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    /// <exception cref="ArgumentException">The address is not DWORD aligned.</exception>
    public void ProgramEntry(int index, MsiMessage message, bool unmask = true)
    {
        CheckIndex(index);
        if ((message.Address & 3) != 0)
        {
            throw new ArgumentException("An MSI-X message address is DWORD aligned (bits 1:0 are 0).", nameof(message));
        }

        nuint entry = EntryOffset(index);
        uint masked = _vectorControl[index] | MsixCapability.EntryMasked;
        _vectorControl[index] = masked;
        _table.Write32(entry + MsixCapability.EntryVectorControl, masked);
        _table.Write32(entry + MsixCapability.EntryAddressLow, (uint)message.Address);
        _table.Write32(entry + MsixCapability.EntryAddressHigh, (uint)(message.Address >> 32));
        _table.Write32(entry + MsixCapability.EntryData, message.Data);
        if (unmask)
        {
            uint unmasked = masked & ~MsixCapability.EntryMasked;
            _vectorControl[index] = unmasked;
            _table.Write32(entry + MsixCapability.EntryVectorControl, unmasked);
        }
    }

    /// <summary>Reads entry <paramref name="index"/>'s address and data back (diagnostics). Not interrupt-safe.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    public MsiMessage ReadEntry(int index)
    {
        CheckIndex(index);
        nuint entry = EntryOffset(index);
        ulong low = _table.Read32(entry + MsixCapability.EntryAddressLow);
        ulong high = _table.Read32(entry + MsixCapability.EntryAddressHigh);
        uint data = _table.Read32(entry + MsixCapability.EntryData);
        return new MsiMessage(low | (high << 32), data);
    }

    /// <summary>Sets entry <paramref name="index"/>'s Mask bit with one 32-bit write. Interrupt-safe.</summary>
    /// <returns>False (and nothing written) when the index is outside the table.</returns>
    public bool TryMaskEntry(int index) => TrySetMask(index, masked: true);

    /// <summary>Clears entry <paramref name="index"/>'s Mask bit with one 32-bit write. Interrupt-safe.</summary>
    /// <returns>False (and nothing written) when the index is outside the table.</returns>
    public bool TryUnmaskEntry(int index) => TrySetMask(index, masked: false);

    /// <summary>Whether the library last left entry <paramref name="index"/> masked (cached, no access).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside the table.</exception>
    public bool IsEntryMasked(int index)
    {
        CheckIndex(index);
        return (_vectorControl[index] & MsixCapability.EntryMasked) != 0;
    }

    /// <summary>Reads entry <paramref name="index"/>'s Pending bit (one 32-bit read of the PBA). Interrupt-safe.</summary>
    /// <param name="index">Table entry.</param>
    /// <param name="pending">The bit; false when false is returned.</param>
    /// <returns>False when the index is outside the table.</returns>
    public bool TryReadPending(int index, out bool pending)
    {
        if ((uint)index >= (uint)TableSize)
        {
            pending = false;
            return false;
        }

        nuint dword = _pbaOffset + ((nuint)(uint)(index / MsixPendingBitArray.BitsPerDword) * MsixPendingBitArray.DwordSize);
        pending = ((_pba.Read32(dword) >> (index % MsixPendingBitArray.BitsPerDword)) & 1) != 0;
        return true;
    }

    /// <summary>
    /// <see cref="IPendingSource"/>: the Pending bit of the entry named by <paramref name="cookie"/> (false for an
    /// index outside the table). Interrupt-safe.
    /// </summary>
    public bool IsPending(uint cookie) => cookie <= int.MaxValue && TryReadPending((int)cookie, out bool pending) && pending;

    /// <summary>Sets Function Mask (every vector held, pending bits still latch). Not interrupt-safe.</summary>
    public void SetFunctionMask() =>
        _config.Update16(Address, _messageControl, clear: 0, set: MsixCapability.FunctionMask);

    /// <summary>Clears Function Mask: entries whose own Mask bit is clear may now signal. Not interrupt-safe.</summary>
    public void ClearFunctionMask() =>
        _config.Update16(Address, _messageControl, clear: MsixCapability.FunctionMask, set: 0);

    /// <summary>
    /// Sets Function Mask, masks every entry, then clears MSI-X Enable (Function Mask stays set, so a later
    /// <see cref="Enable"/> starts from a silent function). Not interrupt-safe.
    /// </summary>
    public void Disable()
    {
        SetFunctionMask();
        for (int i = 0; i < TableSize; i++)
        {
            TrySetMask(i, masked: true);
        }

        _config.Update16(Address, _messageControl, clear: MsixCapability.Enable, set: 0);
    }

    /// <summary>Reads the capability's current state (three configuration reads). Not interrupt-safe.</summary>
    /// <param name="info">The capability; default when false is returned.</param>
    /// <param name="error">Why the read failed (all-ones: the function vanished).</param>
    public bool TryReadCapability(out MsixCapabilityInfo info, out VmdError error) =>
        MsixCapabilityInfo.TryRead(_config, Address, CapabilityOffset, out info, out error);

    private bool TrySetMask(int index, bool masked)
    {
        if ((uint)index >= (uint)TableSize)
        {
            return false;
        }

        uint value = masked ? _vectorControl[index] | MsixCapability.EntryMasked : _vectorControl[index] & ~MsixCapability.EntryMasked;
        _vectorControl[index] = value;
        _table.Write32(VectorControlOffset(index), value);
        return true;
    }

    private nuint EntryOffset(int index) => _tableOffset + ((nuint)(uint)index * MsixCapability.EntrySize);

    private nuint VectorControlOffset(int index) => EntryOffset(index) + MsixCapability.EntryVectorControl;

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)TableSize)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "The MSI-X table has no such entry.");
        }
    }

    private static void RequireInside(IMmioRegion region, nuint offset, nuint length, string parameter, string what)
    {
        if ((offset & (MsixPendingBitArray.QwordSize - 1)) != 0)
        {
            throw new ArgumentException("The MSI-X " + what + " offset must be QWORD aligned.", parameter);
        }

        if (offset > region.Length || region.Length - offset < length)
        {
            throw new ArgumentException("The region is too small to hold the MSI-X " + what + ".", parameter);
        }
    }
}
