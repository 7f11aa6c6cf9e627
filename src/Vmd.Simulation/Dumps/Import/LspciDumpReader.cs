using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>
/// Reads the text <c>lspci</c> prints with <c>-x</c>, <c>-xxx</c> or <c>-xxxx</c> (64, 256 or 4096 bytes per function),
/// with or without <c>-D</c> and with or without <c>-v</c>/<c>-vv</c> decode lines.
/// </summary>
/// <remarks>
/// <para>
/// A function starts with a header line <c>DDDD:BB:DD.F text</c> (domain of 4 to 8 hex digits) or <c>BB:DD.F text</c>
/// (domain 0), followed by hex lines <c>OO: b0 b1 … b15</c> whose offsets run 00, 10, 20, … without gaps (offsets from
/// 0x100 are printed with three digits). Indented lines between the header and the hex lines are <c>-vv</c> decode
/// lines; only BAR sizes are taken from them ("Region N: Memory at … [size=16K]", "Region N: I/O ports at … [size=64]",
/// "Expansion ROM at … [size=64K]", with or without <c>[virtual]</c>, <c>[disabled]</c>). Blank lines and lines
/// starting with <c>#</c> are skipped. Anything else is a <see cref="DumpFormatException"/> naming the line.
/// </para>
/// <para>Truncated dumps (64 or 256 bytes) are accepted; <see cref="DumpFunction"/> reads the rest as 0.</para>
/// </remarks>
public static class LspciDumpReader
{
    private const int BytesPerLine = 16;
    private const int MinimumBytes = 64;
    private const int MaximumBytes = 4096;
    private const string HexLineExpectation = "expected 'XX: ' followed by 16 hex bytes";

    /// <summary>Reads the dump in <paramref name="path"/>.</summary>
    /// <exception cref="DumpFormatException">The text is not an lspci hex dump.</exception>
    public static DumpFile ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path));
    }

    /// <summary>Reads a dump from <paramref name="reader"/> to its end.</summary>
    /// <exception cref="DumpFormatException">The text is not an lspci hex dump.</exception>
    public static DumpFile Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="DumpFormatException">The text is not an lspci hex dump; the message names the line.</exception>
    public static DumpFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var functions = new List<DumpFunction>();
        var lines = new Dictionary<PciAddress, int>();
        Pending? current = null;
        int lineNumber = 0;
        int position = 0;
        while (position <= text.Length)
        {
            int end = text.IndexOf('\n', position);
            if (end < 0)
            {
                end = text.Length;
            }

            string line = text[position..end].TrimEnd('\r');
            position = end + 1;
            lineNumber++;
            if (end == text.Length && line.Length == 0)
            {
                break;
            }

            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                // A -v/-vv decode line: only the BAR sizes matter.
                if (current is null)
                {
                    if (IsRegionLine(trimmed))
                    {
                        throw new DumpFormatException(lineNumber, line, "is a decode line before any function header; expected 'DDDD:BB:DD.F text' first");
                    }

                    continue;
                }

                ReadDecodeLine(current, trimmed, line, lineNumber);
                continue;
            }

            if (TryParseHeader(line, out PciAddress address, out string description))
            {
                Finish(current, functions);
                if (lines.TryGetValue(address, out int earlier))
                {
                    throw new DumpFormatException(lineNumber, line, $"repeats function {address} (first dumped on line {earlier}); expected each address once");
                }

                lines.Add(address, lineNumber);
                current = new Pending(address, description, lineNumber, line);
                continue;
            }

            if (current is null)
            {
                string problem = LooksLikeHexLine(line)
                    ? "is a hex dump line before any function header; expected 'DDDD:BB:DD.F text' or 'BB:DD.F text' first"
                    : "is not a function header; expected 'DDDD:BB:DD.F text' or 'BB:DD.F text'";
                throw new DumpFormatException(lineNumber, line, problem);
            }

            ReadHexLine(current, line, lineNumber);
        }

        Finish(current, functions);
        return new DumpFile(functions.ToArray());
    }

    /// <summary>Parses a size as lspci prints it ("64", "16K", "32M", "4G", "1T").</summary>
    public static bool TryParseSize(ReadOnlySpan<char> text, out ulong size)
    {
        size = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        int shift = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        ReadOnlySpan<char> digits = shift == 0 ? text : text[..^1];
        if (!ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) || value == 0 || value > (ulong.MaxValue >> shift))
        {
            return false;
        }

        size = value << shift;
        return true;
    }

    private static void Finish(Pending? pending, List<DumpFunction> functions)
    {
        if (pending is null)
        {
            return;
        }

        if (pending.Length < MinimumBytes)
        {
            string got = pending.Length == 0 ? "no hex lines" : $"only {pending.Length} bytes";
            throw new DumpFormatException(pending.HeaderLine, pending.HeaderText, $"has {got}; expected at least 64 bytes (lines 00 to 30, as 'lspci -x' prints them)");
        }

        functions.Add(new DumpFunction(pending.Address, pending.Description, pending.Bytes.AsSpan(0, pending.Length), pending.HeaderLine, pending.RegionSizes, pending.RomSize));
    }

    private static bool TryParseHeader(string line, out PciAddress address, out string description)
    {
        address = default;
        description = string.Empty;
        int space = 0;
        while (space < line.Length && !char.IsWhiteSpace(line[space]))
        {
            space++;
        }

        ReadOnlySpan<char> token = line.AsSpan(0, space);
        uint segment = 0;
        int firstColon = token.IndexOf(':');
        int lastColon = token.LastIndexOf(':');
        if (firstColon < 0)
        {
            return false;
        }

        ReadOnlySpan<char> busDeviceFunction = token;
        if (firstColon != lastColon)
        {
            ReadOnlySpan<char> domain = token[..firstColon];
            if (domain.Length < 4 || domain.Length > 8 || !IsHex(domain))
            {
                return false;
            }

            segment = uint.Parse(domain, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            busDeviceFunction = token[(firstColon + 1)..];
        }

        // BB:DD.F exactly.
        if (busDeviceFunction.Length != 7 || busDeviceFunction[2] != ':' || busDeviceFunction[5] != '.'
            || !IsHex(busDeviceFunction[..2]) || !IsHex(busDeviceFunction.Slice(3, 2)) || busDeviceFunction[6] < '0' || busDeviceFunction[6] > '7')
        {
            return false;
        }

        byte bus = byte.Parse(busDeviceFunction[..2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        int device = int.Parse(busDeviceFunction.Slice(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (device > PciAddress.MaxDevice)
        {
            return false;
        }

        address = new PciAddress(segment, bus, device, busDeviceFunction[6] - '0');
        description = line[space..].Trim();
        return true;
    }

    private static bool LooksLikeHexLine(string line)
    {
        int colon = line.IndexOf(':');
        return colon is >= 1 and <= 4 && colon + 1 < line.Length && line[colon + 1] == ' ';
    }

    private static void ReadHexLine(Pending pending, string line, int lineNumber)
    {
        int colon = line.IndexOf(':');
        if (colon < 2 || colon > 3 || !IsHex(line.AsSpan(0, colon)) || colon + 1 >= line.Length || line[colon + 1] != ' ')
        {
            throw new DumpFormatException(lineNumber, line, $"is not a hex dump line; {HexLineExpectation}");
        }

        int offset = int.Parse(line.AsSpan(0, colon), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (offset != pending.Length)
        {
            string problem = pending.Length >= MaximumBytes
                ? $"goes past the 4096 bytes of configuration space of {pending.Address}"
                : $"has offset {offset:x2} out of order; expected offset {pending.Length:x2} next for {pending.Address}";
            throw new DumpFormatException(lineNumber, line, problem);
        }

        ReadOnlySpan<char> rest = line.AsSpan(colon + 2).TrimEnd();
        int count = 0;
        int at = 0;
        while (at < rest.Length)
        {
            if (count == BytesPerLine)
            {
                throw new DumpFormatException(lineNumber, line, $"has more than 16 bytes; {HexLineExpectation}");
            }

            if (at + 2 > rest.Length || !IsHex(rest.Slice(at, 2)) || (at + 2 < rest.Length && rest[at + 2] != ' '))
            {
                int tokenEnd = rest[at..].IndexOf(' ');
                string token = (tokenEnd < 0 ? rest[at..] : rest.Slice(at, tokenEnd)).ToString();
                throw new DumpFormatException(lineNumber, line, $"has '{token}' where byte {count} should be; {HexLineExpectation} (two hex digits each)");
            }

            pending.Bytes[offset + count] = byte.Parse(rest.Slice(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            count++;
            at += 3;
        }

        if (count != BytesPerLine)
        {
            throw new DumpFormatException(lineNumber, line, $"has {count} bytes; {HexLineExpectation}");
        }

        pending.Length += BytesPerLine;
    }

    private static bool IsRegionLine(string trimmed) =>
        trimmed.StartsWith("Region ", StringComparison.Ordinal) || trimmed.StartsWith("Expansion ROM at ", StringComparison.Ordinal);

    private static void ReadDecodeLine(Pending pending, string trimmed, string line, int lineNumber)
    {
        if (!IsRegionLine(trimmed))
        {
            return;
        }

        if (pending.Length > 0)
        {
            throw new DumpFormatException(lineNumber, line, $"is a decode line after the hex lines of {pending.Address}; expected decode lines between the header and the hex lines");
        }

        int? index = null;
        if (trimmed.StartsWith("Region ", StringComparison.Ordinal))
        {
            int colon = trimmed.IndexOf(':');
            if (colon != 8 || trimmed[7] < '0' || trimmed[7] > '5')
            {
                throw new DumpFormatException(lineNumber, line, "is not a region line; expected 'Region N: Memory at ...' or 'Region N: I/O ports at ...' with N from 0 to 5");
            }

            index = trimmed[7] - '0';
        }

        int sizeAt = trimmed.IndexOf("[size=", StringComparison.Ordinal);
        if (sizeAt < 0)
        {
            return; // "[virtual]", "[disabled]" or unassigned without a size: nothing to learn.
        }

        int close = trimmed.IndexOf(']', sizeAt);
        if (close < 0 || !TryParseSize(trimmed.AsSpan(sizeAt + 6, close - sizeAt - 6), out ulong size))
        {
            throw new DumpFormatException(lineNumber, line, "has a malformed size; expected '[size=N]' with N a number optionally followed by K, M, G or T");
        }

        if (index is int region)
        {
            pending.RegionSizes[region] = size;
        }
        else
        {
            pending.RomSize = size;
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Pending(PciAddress address, string description, int headerLine, string headerText)
    {
        public PciAddress Address { get; } = address;

        public string Description { get; } = description;

        public int HeaderLine { get; } = headerLine;

        public string HeaderText { get; } = headerText;

        public byte[] Bytes { get; } = new byte[MaximumBytes];

        public int Length { get; set; }

        public ulong?[] RegionSizes { get; } = new ulong?[DumpFunction.RegionCount];

        public ulong? RomSize { get; set; }
    }
}
