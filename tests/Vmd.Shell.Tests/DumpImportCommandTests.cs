using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

/// <summary>
/// The global option <c>--dump FILE</c>: a machine written with <c>vmd dump</c> comes back through the importer with the same
/// functions, fingerprint and drives; what the dump cannot tell is listed on standard error; malformed files are usage
/// errors naming the line; and the real <c>lspci -F</c> still reads an exported <c>--sizes</c> dump.
/// </summary>
public sealed class DumpImportCommandTests
{
    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void A_sizes_dump_before_bringup_imports_with_the_same_functions_and_fingerprint(string machine)
    {
        AssertRoundTrip(machine, "dump", "--sizes");
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void A_sizes_dump_after_enumerate_imports_with_the_same_functions_and_fingerprint(string machine)
    {
        AssertRoundTrip(machine, "dump", "--sizes", "--after", "enumerate");
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Bringup_on_an_imported_dump_finds_every_drive(string machine)
    {
        using var file = new TempDump(Shell.RunCommand(machine, false, "dump", "--sizes").Output);
        ShellResult original = Shell.RunCommand(machine, false, "bringup");

        ShellResult imported = Shell.Run("--dump", file.Path, "bringup");

        Assert.Equal(0, original.ExitCode);
        Assert.Equal(0, imported.ExitCode);
        using JsonDocument lspci = Shell.RunCommand(machine, true, "lspci").Json();
        int drives = lspci.RootElement.GetProperty("functions").EnumerateArray().Count(f => f.GetProperty("classCode").GetString() == "010802");
        Assert.True(drives > 0, "the machine has no NVMe drive");
        string[] driveLines = imported.OutputLines.Where(l => l.StartsWith("[drive", StringComparison.Ordinal)).ToArray();
        Assert.Equal(drives, driveLines.Length);
        Assert.Equal(original.OutputLines.Where(l => l.StartsWith("[drive", StringComparison.Ordinal)), driveLines);

        // The machine line names the file; every other progress line is the built-in machine's.
        Assert.Contains($"vmd: simulated machine '{Path.GetFileName(file.Path)}': imported from an lspci dump", imported.Output, StringComparison.Ordinal);
        Assert.Equal(original.OutputLines.Where(l => l.StartsWith('[')), imported.OutputLines.Where(l => l.StartsWith('[')));
    }

    [Fact]
    public void Without_sizes_the_import_works_and_lists_the_bar_sizes_it_assumed()
    {
        using var file = new TempDump(Shell.RunCommand("tigerlake", false, "dump").Output);
        string name = Path.GetFileName(file.Path);

        ShellResult imported = Shell.Run("--dump", file.Path, "--json", "lspci");

        Assert.Equal(0, imported.ExitCode);
        Assert.Equal(FunctionList(Shell.RunCommand("tigerlake", true, "lspci")), FunctionList(imported));
        string[] errors = imported.Error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.All(errors, l => Assert.StartsWith($"vmd: {name}: ", l, StringComparison.Ordinal));
        Assert.Contains($"vmd: {name}: assumed 0000:00:0e.0: CFGBAR (BAR0) size = 32 MiB", imported.Error, StringComparison.Ordinal);
        Assert.Contains($"vmd: {name}: assumed 0000:00:0e.0: MEMBAR1 (BAR2) size = 32 MiB", imported.Error, StringComparison.Ordinal);
        Assert.Contains($"vmd: {name}: assumed 0000:00:0e.0: MEMBAR2 (BAR4) size = 1 MiB", imported.Error, StringComparison.Ordinal);
        Assert.Contains($"vmd: {name}: assumed 10000:e1:00.0: BAR0 size = 16 KiB", imported.Error, StringComparison.Ordinal);

        // With --sizes none of those is assumed any more.
        using var sized = new TempDump(Shell.RunCommand("tigerlake", false, "dump", "--sizes").Output);
        ShellResult withSizes = Shell.Run("--dump", sized.Path, "--json", "lspci");
        Assert.Equal(0, withSizes.ExitCode);
        Assert.DoesNotContain("size =", withSizes.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tigerlake")]
    [InlineData("skylake-sp")]
    [InlineData("guest")]
    public void A_64_byte_dump_imports_and_assumes_the_bus_start(string machine)
    {
        using var file = new TempDump(Shell.RunCommand(machine, false, "dump", "--bytes", "64").Output);
        string name = Path.GetFileName(file.Path);

        ShellResult info = Shell.Run("--dump", file.Path, "info");

        Assert.Equal(0, info.ExitCode);
        Assert.StartsWith("VMD ", info.Output, StringComparison.Ordinal);
        Assert.Contains($"vmd: {name}: assumed ", info.Error, StringComparison.Ordinal);
        Assert.Contains("VMCAP, VMCONFIG, VMLOCK = 0 (only 64 bytes were dumped (use lspci -xxx); the domain's bus start is 0)", info.Error, StringComparison.Ordinal);
        Assert.Contains("buses     00-", info.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_64_byte_dump_of_a_domain_on_bus_e0_leaves_its_functions_out()
    {
        // Tiger Lake's firmware starts the domain at bus e0 (VMCONFIG, beyond 64 bytes): the importer takes bus 0.
        using var file = new TempDump(Shell.RunCommand("tigerlake", false, "dump", "--bytes", "64").Output);
        string name = Path.GetFileName(file.Path);

        ShellResult result = Shell.Run("--dump", file.Path, "info");

        Assert.Contains($"vmd: {name}: left out 10000:e0:06.0: bus e0 is not reached through the VMD's root bus (bus start 00)", result.Error, StringComparison.Ordinal);
        Assert.Contains($"vmd: {name}: left out 10000:e1:00.0: ", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tigerlake")]
    [InlineData("skylake-sp")]
    [InlineData("arrowlake-s")]
    public void A_256_byte_dump_imports_with_its_bus_start(string machine)
    {
        using var file = new TempDump(Shell.RunCommand(machine, false, "dump", "--bytes", "256", "--sizes").Output);

        ShellResult info = Shell.Run("--dump", file.Path, "info");
        ShellResult lspci = Shell.Run("--dump", file.Path, "--json", "lspci");

        Assert.Equal(0, info.ExitCode);
        Assert.Equal(Shell.RunCommand(machine, false, "info").Output, info.Output);
        Assert.DoesNotContain("VMCAP, VMCONFIG, VMLOCK = 0", info.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("left out", info.Error, StringComparison.Ordinal);
        Assert.Equal(0, lspci.ExitCode);
        Assert.Equal(Addresses(Shell.RunCommand(machine, true, "lspci")), Addresses(lspci));
    }

    [Fact]
    public void A_non_hex_byte_is_refused_naming_its_line()
    {
        string[] lines = Dump64("tigerlake");
        lines[2] = "10: zz" + lines[2][6..];

        AssertBadFile(lines, "line 3: '10: zz 00", "has 'zz' where byte 0 should be", "two hex digits each");
    }

    [Fact]
    public void A_hex_line_before_any_header_is_refused()
    {
        string[] lines = ["00: 86 80 14 9a 06 00 00 00 00 00 00 06 00 00 00 00", .. Dump64("tigerlake")];

        AssertBadFile(lines, "line 1: '00: 86 80", "before any function header", "expected 'DDDD:BB:DD.F text' or 'BB:DD.F text' first");
    }

    [Fact]
    public void A_repeated_address_is_refused_naming_both_lines()
    {
        string[] dump = Dump64("tigerlake");
        string[] lines = [.. dump, .. dump.Take(6)];

        AssertBadFile(lines, $"line {dump.Length + 1}: '0000:00:00.0 Class 0600", "repeats function 0000:00:00.0 (first dumped on line 1)", "expected each address once");
    }

    [Fact]
    public void Offsets_out_of_order_are_refused()
    {
        List<string> lines = [.. Dump64("tigerlake")];
        lines.RemoveAt(2); // 10: gone, 20: follows 00:

        AssertBadFile([.. lines], "line 3: '20: ", "has offset 20 out of order; expected offset 10 next for 0000:00:00.0");
    }

    [Fact]
    public void A_function_with_fewer_than_64_bytes_is_refused()
    {
        List<string> lines = [.. Dump64("tigerlake")];
        lines.RemoveAt(4); // 30: gone

        AssertBadFile([.. lines], "line 1: '0000:00:00.0 Class 0600: Device 8086:9a14 (rev 00)' has only 48 bytes", "expected at least 64 bytes");
    }

    [Fact]
    public void A_missing_file_is_a_usage_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vmd-no-such-dump-{Guid.NewGuid():N}.txt");

        Shell.AssertUsageError(Shell.Run("--dump", path, "info"), $"vmd: cannot read the dump '{path}': ");
    }

    [Fact]
    public void Dump_and_machine_together_are_a_usage_error()
    {
        using var file = new TempDump(Shell.RunCommand("tigerlake", false, "dump").Output);

        Shell.AssertUsageError(Shell.Run("--dump", file.Path, "--machine", "tigerlake", "info"), "--dump and --machine both name the machine; give one of them");
        Shell.AssertUsageError(Shell.Run("--machine", "tigerlake", "--dump=" + file.Path, "info"), "--dump and --machine both name the machine");
    }

    [Fact]
    public void Dump_without_a_file_is_a_usage_error()
    {
        Shell.AssertUsageError(Shell.Run("--dump"), "--dump needs a file");
        Shell.AssertUsageError(Shell.Run("--dump=", "info"), "--dump needs a file");
    }

    [Fact]
    public void The_equals_form_reads_the_file_too()
    {
        using var file = new TempDump(Shell.RunCommand("two-vmd", false, "dump", "--sizes").Output);

        ShellResult result = Shell.Run("--dump=" + file.Path, "--json", "lspci");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(FunctionList(Shell.RunCommand("two-vmd", true, "lspci")), FunctionList(result));
    }

    [LspciFact]
    public void Real_lspci_reads_an_exported_sizes_dump()
    {
        string dump = Shell.RunCommand("skylake-sp", false, "dump", "--sizes").Output;
        List<DumpedFunction> written = DumpText.Parse(dump, strict: true);
        Assert.Contains(written, f => f.Regions.Count > 0);

        // lspci -F skips the -vv Region lines: it lists every function and prints the same bytes back.
        string listed = LspciTool.Run(dump, "-D", "-n");
        Assert.Equal(written.Select(f => f.Address), listed.TrimEnd('\n').Split('\n').Select(l => l.Split(' ')[0]));
        string hex = LspciTool.Run(dump, "-D", "-xxxx");
        Assert.Equal(HexLines(dump), HexLines(hex));
    }

    private static string[] HexLines(string text) =>
        text.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[0-9a-f]{2,3}: ")).ToArray();

    private static void AssertRoundTrip(string machine, params string[] dumpArguments)
    {
        ShellResult dump = Shell.RunCommand(machine, false, dumpArguments[0], dumpArguments[1..]);
        Assert.Equal(0, dump.ExitCode);
        using var file = new TempDump(dump.Output);

        ShellResult original = Shell.RunCommand(machine, true, "lspci");
        ShellResult imported = Shell.Run("--dump", file.Path, "--json", "lspci");

        Assert.Equal(original.ExitCode, imported.ExitCode);
        Assert.Equal(0, imported.ExitCode);
        Assert.DoesNotContain("left out", imported.Error, StringComparison.Ordinal);
        Assert.Equal(FunctionList(original), FunctionList(imported));
        using JsonDocument a = original.Json();
        using JsonDocument b = imported.Json();
        Assert.Equal(a.RootElement.GetProperty("fingerprint").GetString(), b.RootElement.GetProperty("fingerprint").GetString());
        Assert.Equal(a.RootElement.GetProperty("fingerprints").GetRawText(), b.RootElement.GetProperty("fingerprints").GetRawText());
        Assert.NotEmpty(b.RootElement.GetProperty("fingerprints").EnumerateArray());
    }

    /// <summary>Per function: address, IDs, class, BARs and bridge windows as <c>--json lspci</c> reports them.</summary>
    private static List<string> FunctionList(ShellResult result)
    {
        using JsonDocument json = result.Json();
        return json.RootElement.GetProperty("functions").EnumerateArray()
            .Select(f => string.Join(
                " ",
                f.GetProperty("address").GetString(),
                f.GetProperty("vendorId").GetString(),
                f.GetProperty("deviceId").GetString(),
                f.GetProperty("classCode").GetString(),
                f.GetProperty("bars").GetRawText(),
                f.GetProperty("bridge").GetRawText()))
            .ToList();
    }

    private static List<string> Addresses(ShellResult result)
    {
        using JsonDocument json = result.Json();
        return json.RootElement.GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("address").GetString()!).ToList();
    }

    private static string[] Dump64(string machine) =>
        Shell.RunCommand(machine, false, "dump", "--bytes", "64").Output.TrimEnd('\n').Split('\n');

    private static void AssertBadFile(string[] lines, params string[] fragments)
    {
        using var file = new TempDump(string.Join('\n', lines) + "\n");

        ShellResult result = Shell.Run("--dump", file.Path, "info");

        Shell.AssertUsageError(result, [$"vmd: {file.Path}: line ", .. fragments]);
        Assert.Contains("vmd: a dump is the text of 'lspci -D -xxxx'", result.Error, StringComparison.Ordinal);
    }

    /// <summary>A dump in a temporary file, deleted on dispose.</summary>
    private sealed class TempDump : IDisposable
    {
        public TempDump(string text)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
