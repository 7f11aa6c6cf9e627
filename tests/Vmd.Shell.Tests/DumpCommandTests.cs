using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

/// <summary>
/// <c>vmd dump [--after map|enable|enumerate] [--bytes 64|256|4096] [--sizes]</c>: the exact lspci -D -xxxx text, the same
/// functions as <c>vmd --json lspci</c> after enumeration, firmware's bus numbers before bring-up, the Region size lines,
/// BAR registers holding the bus addresses, and the usage errors.
/// </summary>
public sealed class DumpCommandTests
{
    public static IEnumerable<object[]> AllMachineNames() => Shell.AllMachines.Select(m => new object[] { m });

    public static IEnumerable<object[]> SizesAndMachines() =>
        from bytes in new[] { 64, 256, 4096 }
        from machine in new[] { "tigerlake", "skylake-sp", "icelake-sp", "guest", "arrowlake-s" }
        select new object[] { machine, bytes };

    [Fact]
    public void The_dump_starts_with_the_host_bridge_exactly_as_lspci_x_prints_it()
    {
        ShellResult result = Shell.RunCommand("tigerlake", false, "dump", "--bytes", "64");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.StartsWith(
            "0000:00:00.0 Class 0600: Device 8086:9a14 (rev 00)\n"
            + "00: 86 80 14 9a 06 00 00 00 00 00 00 06 00 00 00 00\n"
            + "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
            + "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n"
            + "30: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
            + "\n"
            + "0000:00:02.0 ",
            result.Output,
            StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SizesAndMachines))]
    public void Every_function_is_a_header_then_its_hex_lines_then_a_blank_line(string machine, int bytes)
    {
        ShellResult result = Shell.RunCommand(machine, false, "dump", "--bytes", bytes.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(0, result.ExitCode);
        List<DumpedFunction> functions = DumpText.Parse(result.Output, strict: true);
        Assert.NotEmpty(functions);
        Assert.Contains(functions, f => f.Segment != 0);
        foreach (DumpedFunction function in functions)
        {
            // Host functions of a machine without extended config space stop at 256 bytes, as lspci -xxxx would show them.
            int expected = function.Segment == 0 && bytes == 4096 && function.Bytes.Length == 256 ? 256 : bytes;
            Assert.True(function.Bytes.Length == expected, $"{function.Address}: {function.Bytes.Length} bytes, expected {expected}");
            Assert.Empty(function.Regions);

            // The header repeats the class, IDs and revision of the bytes below it.
            Assert.Equal(
                string.Create(CultureInfo.InvariantCulture, $"Class {function.Bytes[0x0B]:x2}{function.Bytes[0x0A]:x2}: Device {function.Bytes[1]:x2}{function.Bytes[0]:x2}:{function.Bytes[3]:x2}{function.Bytes[2]:x2} (rev {function.Bytes[0x08]:x2})"),
                function.Description);
        }

        if (bytes == 4096)
        {
            Assert.All(functions.Where(f => f.Segment != 0), f => Assert.Equal(4096, f.Bytes.Length));
        }

        // Functions come in lspci's order: domain, bus, device, function.
        Assert.Equal(functions.OrderBy(f => f.Segment).ThenBy(f => f.Bus).ThenBy(f => f.Device).ThenBy(f => f.Function).Select(f => f.Address), functions.Select(f => f.Address));
    }

    [Fact]
    public void Extended_offsets_run_from_100_to_ff0_with_three_digits()
    {
        ShellResult result = Shell.RunCommand("skylake-sp", false, "dump");

        string[] block = result.Output.ReplaceLineEndings("\n").Split("\n\n")[0].Split('\n');
        Assert.Equal(1 + 256, block.Length);
        for (int line = 0; line < 256; line++)
        {
            int offset = line * 16;
            string prefix = offset < 0x100 ? offset.ToString("x2", CultureInfo.InvariantCulture) : offset.ToString("x3", CultureInfo.InvariantCulture);
            Assert.Matches("^" + prefix + ":( [0-9a-f]{2}){16}$", block[1 + line]);
        }

        Assert.StartsWith("f0: ", block[16], StringComparison.Ordinal);
        Assert.StartsWith("100: ", block[17], StringComparison.Ordinal);
        Assert.StartsWith("ff0: ", block[256], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllMachineNames))]
    public void After_enumerate_the_dump_has_the_functions_of_json_lspci(string machine)
    {
        ShellResult dump = Shell.RunCommand(machine, false, "dump", "--after", "enumerate");
        ShellResult lspci = Shell.RunCommand(machine, true, "lspci");

        Assert.Equal(lspci.ExitCode, dump.ExitCode);
        List<DumpedFunction> dumped = DumpText.Parse(dump.Output, strict: true);
        using JsonDocument json = lspci.Json();
        List<JsonElement> reported = json.RootElement.GetProperty("functions").EnumerateArray().ToList();
        HashSet<uint> reportedSegments = reported.Select(f => DumpText.SegmentOf(f.GetProperty("address").GetString()!)).ToHashSet();

        if (Shell.RefusedMachines.Contains(machine))
        {
            // The library refused the VMD, so lspci lists the host only; the dump still shows what the hardware answers.
            Assert.Equal(new HashSet<uint> { 0 }, reportedSegments);
            Assert.Contains(dumped, f => f.Segment == 0x10000);
            Assert.Equal(DumpText.Parse(Shell.RunCommand(machine, false, "dump").Output, strict: true).Select(f => f.Address), dumped.Select(f => f.Address));
        }
        else
        {
            Assert.Equal(dumped.Select(f => f.Segment).Distinct().Order(), reportedSegments.Order());
        }

        List<DumpedFunction> comparable = dumped.Where(f => reportedSegments.Contains(f.Segment)).ToList();
        Assert.Equal(reported.Select(f => f.GetProperty("address").GetString()), comparable.Select(f => f.Address));
        foreach ((JsonElement function, DumpedFunction seen) in reported.Zip(comparable))
        {
            Assert.Equal($"{function.GetProperty("vendorId").GetString()}:{function.GetProperty("deviceId").GetString()}", $"{seen.Bytes[1]:x2}{seen.Bytes[0]:x2}:{seen.Bytes[3]:x2}{seen.Bytes[2]:x2}");
            Assert.Equal(function.GetProperty("classCode").GetString(), $"{seen.Bytes[0x0B]:x2}{seen.Bytes[0x0A]:x2}{seen.Bytes[0x09]:x2}");
        }
    }

    [Theory]
    [MemberData(nameof(AllMachineNames))]
    public void After_enumerate_each_bar_register_holds_the_bus_address_json_lspci_reports(string machine)
    {
        List<DumpedFunction> dumped = DumpText.Parse(Shell.RunCommand(machine, false, "dump", "--after", "enumerate").Output, strict: true);
        using JsonDocument json = Shell.RunCommand(machine, true, "lspci").Json();

        int compared = 0;
        foreach (JsonElement function in json.RootElement.GetProperty("functions").EnumerateArray())
        {
            DumpedFunction seen = dumped.Single(f => f.Address == function.GetProperty("address").GetString());
            foreach (JsonElement bar in function.GetProperty("bars").EnumerateArray())
            {
                int index = bar.GetProperty("index").GetInt32();
                ulong register = BitConverter.ToUInt32(seen.Bytes, 0x10 + (4 * index));
                ulong value = bar.GetProperty("type").GetString() == "io"
                    ? register & ~0x3UL
                    : (bar.GetProperty("is64Bit").GetBoolean() ? register | ((ulong)BitConverter.ToUInt32(seen.Bytes, 0x14 + (4 * index)) << 32) : register) & ~0xFUL;
                Assert.True(
                    bar.GetProperty("busAddress").GetUInt64() == value,
                    $"{seen.Address} BAR{index}: the dump holds {value:x}, lspci reports bus address {bar.GetProperty("busAddress").GetUInt64():x}");
                compared++;
            }
        }

        if (Shell.MachinesWithVmd.Contains(machine) || Shell.RefusedMachines.Contains(machine))
        {
            Assert.True(compared > 0, "no BAR was compared");
        }
    }

    [Fact]
    public void On_guest_the_nvme_bar_holds_the_bus_address_not_the_cpu_address()
    {
        // guest is the machine whose MEMBAR1 is translated: CPU c0000000 is bus 50000000 behind the VMD.
        DumpedFunction nvme = DumpText.Parse(Shell.RunCommand("guest", false, "dump", "--after", "enumerate", "--sizes").Output, strict: true)
            .Single(f => f.Address == "10000:e1:00.0");

        Assert.Equal(0x50000000u, BitConverter.ToUInt32(nvme.Bytes, 0x10) & ~0xFu);
        Assert.Equal("Region 0: Memory at 50000000 (64-bit, non-prefetchable) [size=16K]", Assert.Single(nvme.Regions));
    }

    [Theory]
    [MemberData(nameof(AllMachineNames))]
    public void Before_bringup_domain_functions_are_reached_through_firmware_bus_numbers_only(string machine)
    {
        List<DumpedFunction> dumped = DumpText.Parse(Shell.RunCommand(machine, false, "dump").Output, strict: true);
        using JsonDocument info = Shell.RunCommand(machine, true, "info").Json();

        foreach (JsonElement vmd in info.RootElement.GetProperty("vmds").EnumerateArray())
        {
            uint segment = uint.Parse(vmd.GetProperty("domain").GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            List<DumpedFunction> domain = dumped.Where(f => f.Segment == segment).ToList();
            if (vmd.GetProperty("busStart").ValueKind == JsonValueKind.Null)
            {
                // The refused VMD: the map step gives no buses to compare with, but the hardware still answers.
                Assert.Contains(machine, Shell.RefusedMachines);
                Assert.NotEmpty(domain);
                continue;
            }

            var rootBuses = new HashSet<int> { vmd.GetProperty("busStart").GetInt32() };
            if (vmd.TryGetProperty("rootBuses", out JsonElement roots) && roots.ValueKind == JsonValueKind.Array)
            {
                rootBuses.UnionWith(roots.EnumerateArray().Select(r => r.GetProperty("busStart").GetInt32()));
            }

            // A function is on a root bus or on the secondary bus a dumped bridge of its domain holds now.
            var secondaries = domain.Where(f => (f.Bytes[0x0E] & 0x7F) == 1).Select(f => (int)f.Bytes[0x19]).ToHashSet();
            Assert.Contains(domain, f => rootBuses.Contains(f.Bus));
            foreach (DumpedFunction function in domain)
            {
                Assert.True(
                    rootBuses.Contains(function.Bus) || secondaries.Contains(function.Bus),
                    $"{function.Address} is on bus {function.Bus:x2}, neither a root bus ({string.Join(", ", rootBuses.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))}) nor a dumped bridge's secondary bus");
            }
        }
    }

    [Fact]
    public void Skylake_sp_before_bringup_shows_firmware_bus_numbers_and_after_enumerate_the_library_s()
    {
        List<string> before = DumpText.Parse(Shell.RunCommand("skylake-sp", false, "dump").Output, strict: true).Select(f => f.Address).ToList();
        List<string> after = DumpText.Parse(Shell.RunCommand("skylake-sp", false, "dump", "--after", "enumerate").Output, strict: true).Select(f => f.Address).ToList();

        // Firmware numbered the switch below root port B 02-06; the library renumbers it 03-09.
        Assert.Contains("10000:02:00.0", before);
        Assert.Contains("10000:04:00.0", before);
        Assert.DoesNotContain("10000:03:00.0", before);
        Assert.Contains("10000:03:00.0", after);
        Assert.Contains("10000:0a:00.0", after);
        Assert.DoesNotContain("10000:02:00.0", after);
        Assert.Equal(before.Count, after.Count);
    }

    [Theory]
    [InlineData("map")]
    [InlineData("enable")]
    public void The_earlier_steps_leave_the_domain_as_firmware_left_it(string step)
    {
        ShellResult result = Shell.RunCommand("skylake-sp", false, "dump", "--after", step);

        Assert.Equal(0, result.ExitCode);
        List<DumpedFunction> before = DumpText.Parse(Shell.RunCommand("skylake-sp", false, "dump").Output, strict: true);
        Assert.Equal(before.Select(f => f.Address), DumpText.Parse(result.Output, strict: true).Select(f => f.Address));
    }

    [Theory]
    [MemberData(nameof(AllMachineNames))]
    public void The_size_lines_match_lspci_v_and_info(string machine)
    {
        ShellResult dump = Shell.RunCommand(machine, false, "dump", "--after", "enumerate", "--sizes");
        List<DumpedFunction> dumped = DumpText.Parse(dump.Output, strict: true);
        Dictionary<string, Dictionary<int, ulong>> verbose = LspciVerboseSizes(Shell.RunCommand(machine, false, "lspci", "-v").Output);

        foreach (DumpedFunction function in dumped)
        {
            Assert.All(function.Regions, r => Assert.Matches(@"^Region [0-5]: (Memory at [0-9a-f]+ \((32|64)-bit, (non-)?prefetchable\)|I/O ports at [0-9a-f]+) \[size=[0-9]+[KMGT]?\]$", r));
        }

        // Domain functions: the sizes lspci -v prints after the library sized the BARs.
        int compared = 0;
        foreach ((string address, Dictionary<int, ulong> sizes) in verbose)
        {
            DumpedFunction seen = dumped.Single(f => f.Address == address);
            Assert.Equal(sizes.OrderBy(s => s.Key), seen.RegionSizes().OrderBy(s => s.Key));
            compared += sizes.Count;
        }

        // And the converse: a domain function the library enumerated has Region lines only where lspci -v shows a size.
        if (!Shell.RefusedMachines.Contains(machine))
        {
            foreach (DumpedFunction function in dumped.Where(f => f.Segment != 0))
            {
                Assert.Equal(
                    verbose.GetValueOrDefault(function.Address, []).OrderBy(s => s.Key),
                    function.RegionSizes().OrderBy(s => s.Key));
            }
        }

        // The VMD endpoints: the sizes info reports for CFGBAR, MEMBAR1 and MEMBAR2.
        using JsonDocument info = Shell.RunCommand(machine, true, "info").Json();
        foreach (JsonElement vmd in info.RootElement.GetProperty("vmds").EnumerateArray())
        {
            DumpedFunction seen = dumped.Single(f => f.Address == vmd.GetProperty("address").GetString());
            Dictionary<int, ulong> regions = seen.RegionSizes();
            foreach (JsonElement bar in vmd.GetProperty("bars").EnumerateArray())
            {
                Assert.Equal(bar.GetProperty("size").GetUInt64(), regions[bar.GetProperty("index").GetInt32()]);
                compared++;
            }
        }

        if (Shell.MachinesWithVmd.Contains(machine))
        {
            Assert.True(compared >= 4, $"only {compared} sizes compared");
        }

        // Without --sizes the same dump has no Region lines, and otherwise the same text.
        string plain = Shell.RunCommand(machine, false, "dump", "--after", "enumerate").Output;
        Assert.Equal(plain, string.Join('\n', dump.Output.Split('\n').Where(l => !l.StartsWith("\tRegion ", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData(new[] { "--after", "boot" }, new[] { "unknown step 'boot' for --after", "map, enable or enumerate" })]
    [InlineData(new[] { "--after" }, new[] { "--after needs a step" })]
    [InlineData(new[] { "--bytes", "128" }, new[] { "--bytes '128' is not a dump size", "64", "256", "4096" })]
    [InlineData(new[] { "--bytes", "x" }, new[] { "--bytes 'x' is not a dump size" })]
    [InlineData(new[] { "--bytes" }, new[] { "--bytes needs 64, 256 or 4096" })]
    [InlineData(new[] { "--frob" }, new[] { "unknown argument '--frob' for 'dump'" })]
    [InlineData(new[] { "extra" }, new[] { "unknown argument 'extra' for 'dump'" })]
    [InlineData(new[] { "--sizes", "--after", "enumerate", "--bytes", "512" }, new[] { "--bytes '512'" })]
    public void Bad_arguments_are_usage_errors(string[] arguments, string[] fragments)
    {
        Shell.AssertUsageError(Shell.RunCommand("skylake-sp", false, "dump", arguments), fragments);
    }

    [Fact]
    public void Json_is_refused_because_the_dump_is_lspci_text()
    {
        Shell.AssertUsageError(Shell.RunCommand("tigerlake", true, "dump"), "'dump' writes lspci's text format; --json does not apply");
        Shell.AssertUsageError(Shell.Run("--machine", "tigerlake", "dump", "--json"), "--json does not apply");
    }

    [Fact]
    public void The_refused_machine_exits_4_and_still_dumps_what_the_hardware_answers()
    {
        ShellResult result = Shell.RunCommand("arrowlake-s-nofeature", false, "dump", "--after", "enumerate");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("Map failed", result.Error, StringComparison.Ordinal);
        Assert.Contains(DumpText.Parse(result.Output, strict: true), f => f.Address == "10000:e1:00.0");
    }

    [Fact]
    public void The_empty_machine_dumps_its_host_functions()
    {
        ShellResult result = Shell.RunCommand("empty", false, "dump");

        Assert.Equal(0, result.ExitCode);
        List<DumpedFunction> functions = DumpText.Parse(result.Output, strict: true);
        Assert.NotEmpty(functions);
        Assert.All(functions, f => Assert.Equal(0u, f.Segment));
    }

    /// <summary>"Region N: ... [size=16 KiB]" of <c>vmd lspci -v</c>, per function address.</summary>
    private static Dictionary<string, Dictionary<int, ulong>> LspciVerboseSizes(string text)
    {
        var result = new Dictionary<string, Dictionary<int, ulong>>();
        string? current = null;
        foreach (string line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                current = line.Split(' ')[0];
                continue;
            }

            Match match = Regex.Match(line, @"^\tRegion ([0-5]): .*\[size=([0-9]+) (bytes|KiB|MiB|GiB)\]");
            if (match.Success && current is not null)
            {
                int shift = match.Groups[3].Value switch { "KiB" => 10, "MiB" => 20, "GiB" => 30, _ => 0 };
                if (!result.TryGetValue(current, out Dictionary<int, ulong>? sizes))
                {
                    result[current] = sizes = [];
                }

                sizes[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = ulong.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) << shift;
            }
        }

        return result;
    }
}

/// <summary>One function of an lspci -xxxx text: its address, header description, -vv Region lines and bytes.</summary>
internal sealed record DumpedFunction(string Address, uint Segment, int Bus, int Device, int Function, string Description, List<string> Regions, byte[] Bytes)
{
    /// <summary>The sizes of the Region lines, by BAR index ("[size=16K]" → 16384).</summary>
    public Dictionary<int, ulong> RegionSizes()
    {
        var sizes = new Dictionary<int, ulong>();
        foreach (string region in Regions)
        {
            Match match = Regex.Match(region, @"^Region ([0-5]): .*\[size=([0-9]+)([KMGT]?)\]$");
            Assert.True(match.Success, $"not a Region line: {region}");
            int shift = match.Groups[3].Value switch { "K" => 10, "M" => 20, "G" => 30, "T" => 40, _ => 0 };
            sizes[int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)] = ulong.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) << shift;
        }

        return sizes;
    }
}

/// <summary>A strict reader of what <c>vmd dump</c> writes, independent of the simulator's own reader.</summary>
internal static class DumpText
{
    private static readonly Regex Header = new(@"^([0-9a-f]{4,8}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7]) (Class [0-9a-f]{4}: Device [0-9a-f]{4}:[0-9a-f]{4} \(rev [0-9a-f]{2}\))$", RegexOptions.CultureInvariant);
    private static readonly Regex HexLine = new(@"^([0-9a-f]{2,3}):((?: [0-9a-f]{2}){16})$", RegexOptions.CultureInvariant);

    public static uint SegmentOf(string address) => uint.Parse(address[..address.IndexOf(':', StringComparison.Ordinal)], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses the text; with <paramref name="strict"/> every line must be where the format puts it: a header, Region lines,
    /// hex lines with offsets 00, 10, … (two digits below 0x100, three from there), then exactly one blank line.
    /// </summary>
    public static List<DumpedFunction> Parse(string text, bool strict)
    {
        var functions = new List<DumpedFunction>();
        string[] lines = text.Split('\n');
        Assert.True(text.Length == 0 || text.EndsWith("\n\n", StringComparison.Ordinal), "the dump does not end with a blank line");
        int at = 0;
        while (at < lines.Length && !(at == lines.Length - 1 && lines[at].Length == 0))
        {
            string headerLine = lines[at];
            Match header = Header.Match(headerLine);
            Assert.True(header.Success, $"line {at + 1}: '{lines[at]}' is not a function header");
            at++;
            var regions = new List<string>();
            while (at < lines.Length && lines[at].StartsWith('\t'))
            {
                regions.Add(lines[at][1..]);
                at++;
            }

            var bytes = new List<byte>();
            while (at < lines.Length && lines[at].Length > 0)
            {
                Match hex = HexLine.Match(lines[at]);
                Assert.True(hex.Success, $"line {at + 1}: '{lines[at]}' is not a hex line");
                int offset = int.Parse(hex.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (strict)
                {
                    Assert.Equal(bytes.Count, offset);
                    Assert.Equal(offset < 0x100 ? 2 : 3, hex.Groups[1].Value.Length);
                }

                bytes.AddRange(hex.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                at++;
            }

            Assert.True(at < lines.Length && lines[at].Length == 0, $"line {at + 1}: no blank line after the function");
            at++;
            string address = headerLine[..headerLine.IndexOf(' ', StringComparison.Ordinal)];
            functions.Add(new DumpedFunction(
                address,
                uint.Parse(header.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(header.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(header.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                int.Parse(header.Groups[4].Value, CultureInfo.InvariantCulture),
                header.Groups[5].Value,
                regions,
                [.. bytes]));
        }

        return functions;
    }
}
