using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Vmd.Reliability.Tests.Fuzz;

/// <summary>
/// Seeded mutations of an lspci dump, at the byte level (flip, insert, delete, duplicate a range) and at the line level
/// (drop, duplicate, swap or splice lines, rewrite one hex byte of a register line, change a function's address line,
/// truncate). Hex-aware edits keep most of the dump parseable so the builder and the bring-up see hostile registers.
/// </summary>
internal static class DumpMutator
{
    public static string Mutate(int seed, IReadOnlyList<string> corpus)
    {
        var random = new Random(seed);
        string text = corpus[random.Next(corpus.Count)];
        int rounds = random.Next(1, 9);
        for (int i = 0; i < rounds; i++)
        {
            text = random.Next(10) switch
            {
                0 => FlipByte(random, text),
                1 => InsertBytes(random, text),
                2 => DeleteRange(random, text),
                3 => LineEdit(random, text, corpus),
                4 => AddressEdit(random, text),
                5 => Truncate(random, text),
                _ => HexEdit(random, text),
            };
        }

        return text;
    }

    private static string FlipByte(Random random, string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        char[] chars = text.ToCharArray();
        int at = random.Next(chars.Length);
        chars[at] = (char)(random.Next(2) == 0 ? chars[at] ^ (1 << random.Next(7)) : random.Next(0x20, 0x7F));
        return new string(chars);
    }

    private static string InsertBytes(Random random, string text)
    {
        int at = random.Next(text.Length + 1);
        string[] pieces = ["\n", " ", ":", "ff", "00", "\t", "0000:", "\0", "zz", "10000:e0:00.0 ", "Region 0: Memory at ", "[size=", "\u00e9"];
        return text.Insert(at, pieces[random.Next(pieces.Length)]);
    }

    private static string DeleteRange(Random random, string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        int at = random.Next(text.Length);
        return text.Remove(at, Math.Min(text.Length - at, random.Next(1, 64)));
    }

    private static string Truncate(Random random, string text) => text.Length == 0 ? text : text[..random.Next(text.Length)];

    private static string LineEdit(Random random, string text, IReadOnlyList<string> corpus)
    {
        var lines = new List<string>(text.Split('\n'));
        if (lines.Count == 0)
        {
            return text;
        }

        int at = random.Next(lines.Count);
        switch (random.Next(4))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(at, lines[random.Next(lines.Count)]);
                break;
            case 2:
                int other = random.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            default:
                string[] donor = corpus[random.Next(corpus.Count)].Split('\n');
                int from = random.Next(donor.Length);
                lines.InsertRange(at, donor[from..Math.Min(donor.Length, from + random.Next(1, 20))]);
                break;
        }

        return string.Join('\n', lines);
    }

    // Rewrites one byte of a "xx: .. .. .." register line: the most productive edit, it keeps the dump parseable.
    private static string HexEdit(Random random, string text)
    {
        string[] lines = text.Split('\n');
        for (int attempt = 0; attempt < 8; attempt++)
        {
            int at = random.Next(lines.Length);
            string line = lines[at];
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 2 || colon > 3 || line.Length < colon + 4)
            {
                continue;
            }

            int bytes = (line.Length - colon - 1) / 3;
            if (bytes == 0)
            {
                continue;
            }

            int index = colon + 2 + (3 * random.Next(bytes));
            if (index + 2 > line.Length)
            {
                continue;
            }

            byte value = random.Next(4) switch { 0 => 0xFF, 1 => 0x00, _ => (byte)random.Next(256) };
            var builder = new StringBuilder(line);
            builder.Remove(index, 2).Insert(index, value.ToString("x2", CultureInfo.InvariantCulture));
            lines[at] = builder.ToString();
            return string.Join('\n', lines);
        }

        return text;
    }

    // Moves a function to another bus, device or function number (or a domain) by editing its address line.
    private static string AddressEdit(Random random, string text)
    {
        string[] lines = text.Split('\n');
        for (int attempt = 0; attempt < 8; attempt++)
        {
            int at = random.Next(lines.Length);
            string line = lines[at];
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 7 || line[space - 3] != ':' || line[space - 5] != ':' && line[space - 2] != '.')
            {
                continue;
            }

            string replacement = random.Next(3) switch
            {
                0 => $"{random.Next(0x10002):x4}:{random.Next(256):x2}:{random.Next(32):x2}.{random.Next(8)}",
                1 => $"10000:{random.Next(256):x2}:{random.Next(32):x2}.{random.Next(8)}",
                _ => $"0000:00:{random.Next(32):x2}.{random.Next(8)}",
            };
            lines[at] = replacement + line[space..];
            return string.Join('\n', lines);
        }

        return text;
    }
}
