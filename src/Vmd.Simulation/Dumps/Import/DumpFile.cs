using System;
using System.Collections.Generic;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>What <see cref="LspciDumpReader"/> read: the dumped functions in the order they appeared.</summary>
public sealed class DumpFile
{
    /// <summary>Wraps <paramref name="functions"/> (addresses are unique; the reader checks).</summary>
    public DumpFile(IReadOnlyList<DumpFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Functions = functions;
    }

    /// <summary>The functions in file order.</summary>
    public IReadOnlyList<DumpFunction> Functions { get; }

    /// <summary>The function dumped at <paramref name="address"/>, or null.</summary>
    public DumpFunction? Find(PciAddress address)
    {
        for (int i = 0; i < Functions.Count; i++)
        {
            if (Functions[i].Address == address)
            {
                return Functions[i];
            }
        }

        return null;
    }
}

/// <summary>
/// One dumped function: its address, the configuration bytes lspci printed (64, 256 or 4096 of them; the rest of
/// the 4 KiB reads 0, as absent capabilities do) and the BAR sizes the <c>-vv</c> decode lines gave.
/// </summary>
public sealed class DumpFunction
{
    /// <summary>Number of BAR slots a type 0 header has.</summary>
    public const int RegionCount = 6;

    private readonly byte[] _bytes;
    private readonly ulong?[] _regionSizes;

    /// <summary>Creates a function record; <paramref name="bytes"/> is copied (at least 64 bytes, at most 4096).</summary>
    public DumpFunction(PciAddress address, string description, ReadOnlySpan<byte> bytes, int lineNumber = 0, IReadOnlyList<ulong?>? regionSizes = null, ulong? expansionRomSize = null)
    {
        if (bytes.Length < 64 || bytes.Length > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes.Length, "A dumped function has 64 to 4096 bytes.");
        }

        Address = address;
        Description = description ?? string.Empty;
        _bytes = bytes.ToArray();
        LineNumber = lineNumber;
        _regionSizes = new ulong?[RegionCount];
        if (regionSizes is not null)
        {
            for (int i = 0; i < RegionCount && i < regionSizes.Count; i++)
            {
                _regionSizes[i] = regionSizes[i];
            }
        }

        ExpansionRomSize = expansionRomSize;
    }

    /// <summary>The function's address (segment 0 for lines without a domain).</summary>
    public PciAddress Address { get; }

    /// <summary>The text after the address on the header line (e.g. "Non-Volatile memory controller: ...").</summary>
    public string Description { get; }

    /// <summary>1-based line number of the header line (0 when not read from text).</summary>
    public int LineNumber { get; }

    /// <summary>The dumped bytes, from offset 0; everything past <see cref="Length"/> was not dumped.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Number of dumped bytes (64 for -x, 256 for -xxx, 4096 for -xxxx).</summary>
    public int Length => _bytes.Length;

    /// <summary>Size of the expansion ROM from an "Expansion ROM at ... [size=...]" line, or null.</summary>
    public ulong? ExpansionRomSize { get; }

    /// <summary>Vendor ID (offset 0x00).</summary>
    public ushort VendorId => Read16(0x00);

    /// <summary>Device ID (offset 0x02).</summary>
    public ushort DeviceId => Read16(0x02);

    /// <summary>24-bit class code (offsets 0x09–0x0B).</summary>
    public uint ClassCode => Read32(0x08) >> 8;

    /// <summary>Header layout (Header Type bits 6:0).</summary>
    public byte HeaderLayout => (byte)(Read8(0x0E) & 0x7F);

    /// <summary>Size of BAR <paramref name="index"/> from a "Region N: ... [size=...]" line, or null.</summary>
    public ulong? GetRegionSize(int index) => (uint)index < RegionCount ? _regionSizes[index] : null;

    /// <summary>A byte of the dump; 0 past <see cref="Length"/>.</summary>
    public byte Read8(int offset) => offset >= 0 && offset < _bytes.Length ? _bytes[offset] : (byte)0;

    /// <summary>A little-endian word of the dump; missing bytes read 0.</summary>
    public ushort Read16(int offset) => (ushort)(Read8(offset) | (Read8(offset + 1) << 8));

    /// <summary>A little-endian dword of the dump; missing bytes read 0.</summary>
    public uint Read32(int offset) => Read16(offset) | ((uint)Read16(offset + 2) << 16);

    /// <summary>True when the dump contains bytes <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="length"/> − 1.</summary>
    public bool Covers(int offset, int length) => offset >= 0 && offset + length <= _bytes.Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Address} {Description}";
}
