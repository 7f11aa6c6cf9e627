using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class IrqCommandTests
{
    private const string NotBypassCapable = "bypass refused for 0000:00:0e.0: 8086:9a0b cannot bypass MSI remapping";

    private static readonly string[] RootKeys = ["vmds", "mode", "degraded", "vectors", "tests"];
    private static readonly string[] VmdKeys = ["address", "mode", "degraded", "vectors", "routes"];
    private static readonly string[] VectorKeys = ["index", "hostVector", "users", "dispatched", "spurious", "functions"];
    private static readonly string[] TestKeys = ["address", "vmdVector", "delivered", "completions", "passed"];

    /// <summary>Machine, extra arguments after <c>irq --test</c>, and the mode every VMD must report.</summary>
    public static IEnumerable<object[]> PassingRuns() =>
    [
        ["tigerlake", Array.Empty<string>(), "remapped"],
        ["tigerlake-dummy", Array.Empty<string>(), "remapped"],
        ["alderlake", Array.Empty<string>(), "remapped"],
        ["meteorlake", Array.Empty<string>(), "remapped"],
        ["skylake-sp", Array.Empty<string>(), "remapped"],
        ["icelake-sp", Array.Empty<string>(), "remapped"],
        ["guest", Array.Empty<string>(), "remapped"],
        ["two-vmd", Array.Empty<string>(), "remapped"],
        ["arrowlake-s", Array.Empty<string>(), "remapped"],
        ["tigerlake", new[] { "--mode", "remapped" }, "remapped"],
        ["icelake-sp", new[] { "--mode", "bypass" }, "bypass"],
        ["tigerlake", new[] { "--mode", "polling" }, "polling"],
        ["skylake-sp", new[] { "--mode", "polling" }, "polling"],
    ];

    private static ShellResult Irq(string machine, bool json, params string[] arguments)
    {
        var args = new List<string> { "--machine", machine };
        if (json)
        {
            args.Add("--json");
        }

        args.Add("irq");
        args.AddRange(arguments);
        return Shell.Run([.. args]);
    }

    private static JsonElement[] Tests(JsonDocument json) => json.RootElement.GetProperty("tests").EnumerateArray().ToArray();

    private static JsonElement[] Vectors(JsonElement vmd) => vmd.GetProperty("vectors").EnumerateArray().ToArray();

    private static string[] Functions(JsonElement vector) =>
        vector.GetProperty("functions").EnumerateArray().Select(f => f.GetString()!).ToArray();

    [Theory]
    [MemberData(nameof(PassingRuns))]
    public void Irq_test_exits_0_and_every_identify_completion_is_delivered_exactly_once(string machine, string[] extra, string mode)
    {
        ShellResult result = Irq(machine, json: true, ["--test", .. extra]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        Assert.All(json.RootElement.GetProperty("vmds").EnumerateArray(), v => Assert.Equal(mode, v.GetProperty("mode").GetString()));
        JsonElement[] tests = Tests(json);
        Assert.Equal(LspciCommandTests.NvmeDrives[machine], tests.Length);
        Assert.All(tests, t =>
        {
            Assert.Equal(1, t.GetProperty("delivered").GetInt32());
            Assert.Equal(1, t.GetProperty("completions").GetInt32());
            Assert.True(t.GetProperty("passed").GetBoolean());
            Assert.False(t.TryGetProperty("error", out _));
        });
    }

    [Theory]
    [MemberData(nameof(PassingRuns))]
    public void Irq_test_text_reports_one_ok_identify_line_per_drive(string machine, string[] extra, string mode)
    {
        ShellResult result = Irq(machine, json: false, ["--test", .. extra]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] headers = result.OutputLines.Where(l => l.StartsWith("VMD ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(headers);
        Assert.All(headers, l => Assert.EndsWith(": mode " + mode, l, StringComparison.Ordinal));
        string[] identify = result.OutputLines.Where(l => l.StartsWith("identify ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(LspciCommandTests.NvmeDrives[machine], identify.Length);
        Assert.All(identify, l => Assert.Matches(@"^identify 1000[0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]( via VMD vector \d+)?: ok \(completion posted, status 0, VID [0-9a-f]{4}, delivered 1x\)$", l));
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("FAILED", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tigerlake")]
    [InlineData("tigerlake-dummy")]
    [InlineData("alderlake")]
    [InlineData("meteorlake")]
    [InlineData("guest")]
    [InlineData("arrowlake-s")]
    public void Remapped_nvme_tests_on_client_machines_name_a_vmd_vector_from_2(string machine)
    {
        ShellResult result = Irq(machine, json: true, "--test");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement[] tests = Tests(json);
        Assert.NotEmpty(tests);
        Assert.All(tests, t => Assert.InRange(t.GetProperty("vmdVector").GetInt32(), 2, 18));
        Assert.All(
            json.RootElement.GetProperty("vmds").EnumerateArray().SelectMany(Vectors).Where(v => v.GetProperty("index").GetInt32() == 0),
            v =>
            {
                Assert.Equal(0, v.GetProperty("users").GetInt32());
                Assert.Empty(Functions(v));
            });
        Assert.All(
            Irq(machine, json: false, "--test").OutputLines.Where(l => l.StartsWith("identify ", StringComparison.Ordinal)),
            l => Assert.Matches(@" via VMD vector ([2-9]|1[0-8]): ok ", l));
    }

    [Theory]
    [InlineData("skylake-sp")]
    [InlineData("icelake-sp")]
    [InlineData("two-vmd")]
    public void Remapped_nvme_tests_on_servers_name_a_vmd_vector_from_1(string machine)
    {
        using JsonDocument json = Irq(machine, json: true, "--test").Json();

        Assert.All(Tests(json), t => Assert.InRange(t.GetProperty("vmdVector").GetInt32(), 1, 18));
    }

    [Fact]
    public void Alderlake_vector_table_shows_root_ports_and_sata_sharing_vector_1_and_each_nvme_on_its_own()
    {
        ShellResult result = Irq("alderlake", json: true);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("remapped", vmd.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, vmd.GetProperty("degraded").ValueKind);
        JsonElement[] vectors = Vectors(vmd);
        Assert.Equal(19, vectors.Length);
        Assert.Equal(Enumerable.Range(0, 19), vectors.Select(v => v.GetProperty("index").GetInt32()));
        Assert.Empty(Functions(vectors[0]));
        Assert.Equal(["10000:e0:06.0", "10000:e0:17.0", "10000:e0:1d.0"], Functions(vectors[1]));
        Assert.Equal(3, vectors[1].GetProperty("users").GetInt32());
        Assert.Equal(["10000:e1:00.0"], Functions(vectors[2]));
        Assert.Equal(["10000:e2:00.0"], Functions(vectors[3]));
        Assert.All(vectors[4..], v => Assert.Empty(Functions(v)));
        Assert.All(vectors, v => Assert.Equal(Functions(v).Length, v.GetProperty("users").GetInt32()));
        Assert.Equal(19, vectors.Select(v => v.GetProperty("hostVector").GetInt32()).Distinct().Count());
    }

    [Fact]
    public void Alderlake_text_vector_table_lists_the_sharing_on_vector_1()
    {
        ShellResult result = Irq("alderlake", json: false);

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.OutputLines;
        Assert.Equal("VMD 0000:00:0e.0 domain 10000: mode remapped", lines[0]);
        Assert.Equal("  19 of 19 VMD vectors have host vectors; first usable 1", lines[1]);
        Assert.Equal("  index  host vector  users  dispatched  spurious  functions", lines[2]);
        Assert.Matches(@"^      0 +[0-9a-f]+      0           0         0  -$", lines[3]);
        Assert.Matches(@"^      1 +[0-9a-f]+      3           0         0  10000:e0:06\.0, 10000:e0:17\.0, 10000:e0:1d\.0$", lines[4]);
        Assert.Matches(@"^      2 +[0-9a-f]+      1           0         0  10000:e1:00\.0$", lines[5]);
        Assert.Matches(@"^      3 +[0-9a-f]+      1           0         0  10000:e2:00\.0$", lines[6]);
        Assert.Equal(3 + 19, lines.Length);
    }

    [Fact]
    public void Skylake_sp_shares_vector_0_among_the_ports_and_spreads_the_drives()
    {
        using JsonDocument json = Irq("skylake-sp", json: true).Json();

        JsonElement[] vectors = Vectors(json.RootElement.GetProperty("vmds")[0]);
        Assert.Equal(
            ["10000:00:00.0", "10000:00:01.0", "10000:00:02.0", "10000:00:03.0", "10000:03:00.0", "10000:04:08.0", "10000:04:09.0"],
            Functions(vectors[0]));
        Assert.Equal(["10000:05:00.0"], Functions(vectors[1]));
        Assert.Equal(["10000:07:00.0"], Functions(vectors[2]));
        Assert.Equal(["10000:0a:00.0"], Functions(vectors[3]));
    }

    [Theory]
    [InlineData("tigerlake")]
    [InlineData("alderlake")]
    [InlineData("skylake-sp")]
    [InlineData("icelake-sp")]
    [InlineData("two-vmd")]
    [InlineData("arrowlake-s")]
    public void Dispatch_counts_match_the_deliveries_and_nothing_is_spurious(string machine)
    {
        using JsonDocument json = Irq(machine, json: true, "--test").Json();

        JsonElement[] vectors = json.RootElement.GetProperty("vmds").EnumerateArray().SelectMany(Vectors).ToArray();
        Assert.Equal(Tests(json).Sum(t => t.GetProperty("delivered").GetInt32()), vectors.Sum(v => v.GetProperty("dispatched").GetInt32()));
        Assert.All(vectors, v => Assert.Equal(0, v.GetProperty("spurious").GetInt32()));
    }

    [Fact]
    public void Irq_without_test_runs_no_identify_and_dispatches_nothing()
    {
        ShellResult text = Irq("tigerlake", json: false);
        ShellResult jsonResult = Irq("tigerlake", json: true);

        Assert.Equal(0, text.ExitCode);
        Assert.DoesNotContain(text.OutputLines, l => l.StartsWith("identify ", StringComparison.Ordinal));
        using JsonDocument json = jsonResult.Json();
        Assert.Empty(Tests(json));
        Assert.All(Vectors(json.RootElement.GetProperty("vmds")[0]), v => Assert.Equal(0, v.GetProperty("dispatched").GetInt32()));
    }

    [Fact]
    public void Bypass_on_tigerlake_exits_4_because_9a0b_cannot_bypass()
    {
        ShellResult result = Irq("tigerlake", json: false, "--test", "--mode", "bypass");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal(
            $"vmd: 0000:00:0e.0: RouteInterrupts failed (Unsupported): {NotBypassCapable}",
            result.Error.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Contains($"VMD 0000:00:0e.0 domain 10000: not routed: RouteInterrupts failed (Unsupported): {NotBypassCapable}", result.OutputLines);
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("mode remapped", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.StartsWith("identify ", StringComparison.Ordinal));
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("host vector", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_bypass_on_tigerlake_exits_4_with_mode_none_and_no_vectors()
    {
        ShellResult result = Irq("tigerlake", json: true, "--mode", "bypass");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains(NotBypassCapable, result.Error, StringComparison.Ordinal);
        using JsonDocument json = result.Json();
        JsonElement vmd = Assert.Single(json.RootElement.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal("none", vmd.GetProperty("mode").GetString());
        Assert.Empty(Vectors(vmd));
        Assert.Equal("none", json.RootElement.GetProperty("mode").GetString());
        Assert.Empty(Tests(json));
    }

    [Theory]
    [InlineData("skylake-sp", "0000:5d:05.5", "201d")]
    [InlineData("guest", "0000:00:05.0", "9a0b")]
    public void Bypass_is_refused_on_ids_that_cannot_bypass(string machine, string address, string deviceId)
    {
        ShellResult result = Irq(machine, json: false, "--mode", "bypass");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains($"bypass refused for {address}: 8086:{deviceId} cannot bypass MSI remapping", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bypass_on_icelake_sp_gives_every_function_its_own_host_vector()
    {
        ShellResult result = Irq("icelake-sp", json: false, "--test", "--mode", "bypass");
        using JsonDocument json = Irq("icelake-sp", json: true, "--test", "--mode", "bypass").Json();

        Assert.Equal(0, result.ExitCode);
        string[] routes = result.OutputLines.Where(l => l.Contains(" entry 0: host vector ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(7, routes.Length);
        Assert.Equal(7, routes.Select(l => l[(l.LastIndexOf(' ') + 1)..]).Distinct().Count());
        Assert.DoesNotContain(result.OutputLines, l => l.Contains("via VMD vector", StringComparison.Ordinal));
        Assert.All(json.RootElement.GetProperty("vmds").EnumerateArray(), v => Assert.Empty(Vectors(v)));
        Assert.All(Tests(json), t => Assert.Equal(-1, t.GetProperty("vmdVector").GetInt32()));
    }

    [Fact]
    public void Polling_on_tigerlake_passes_with_vmd_vector_minus_1()
    {
        ShellResult result = Irq("tigerlake", json: false, "--mode", "polling", "--test");
        using JsonDocument json = Irq("tigerlake", json: true, "--mode", "polling", "--test").Json();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "VMD 0000:00:0e.0 domain 10000: mode polling",
                "  10000:e0:06.0 entry 0: polled",
                "  10000:e1:00.0 entry 0: polled",
                "identify 10000:e1:00.0: ok (completion posted, status 0, VID 144d, delivered 1x)",
            ],
            result.OutputLines);
        Assert.Equal("polling", json.RootElement.GetProperty("mode").GetString());
        Assert.Empty(json.RootElement.GetProperty("vectors").EnumerateArray());
        JsonElement test = Assert.Single(Tests(json));
        Assert.Equal("10000:e1:00.0", test.GetProperty("address").GetString());
        Assert.Equal(-1, test.GetProperty("vmdVector").GetInt32());
        Assert.Equal(1, test.GetProperty("delivered").GetInt32());
        Assert.Equal(1, test.GetProperty("completions").GetInt32());
        Assert.True(test.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void Unknown_mode_exits_2_naming_it_and_prints_nothing()
    {
        ShellResult result = Shell.Run("irq", "--mode", "nonsense");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal(
            "vmd: unknown interrupt mode 'nonsense'; the modes are remapped, bypass and polling",
            result.Error.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("extra")]
    [InlineData("-v")]
    public void Unknown_argument_exits_2_and_prints_nothing(string argument)
    {
        ShellResult result = Shell.Run("irq", "--test", argument);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal(
            $"vmd: unknown argument '{argument}' for 'irq'; it takes --test and --mode remapped|bypass|polling",
            result.Error.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public void Mode_without_a_value_exits_2_naming_the_modes()
    {
        ShellResult result = Shell.Run("irq", "--test", "--mode");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal("vmd: --mode needs a mode: remapped, bypass or polling", result.Error.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public void Json_irq_has_the_documented_shape()
    {
        ShellResult result = Shell.Run("--json", "irq", "--test");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(RootKeys, root.EnumerateObject().Select(p => p.Name));
        JsonElement vmd = Assert.Single(root.GetProperty("vmds").EnumerateArray().ToArray());
        Assert.Equal(VmdKeys, vmd.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0000:00:0e.0", vmd.GetProperty("address").GetString());
        Assert.Equal("remapped", vmd.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, vmd.GetProperty("degraded").ValueKind);
        JsonElement[] vectors = Vectors(vmd);
        Assert.Equal(19, vectors.Length);
        Assert.All(vectors, v =>
        {
            Assert.Equal(VectorKeys, v.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.Number, v.GetProperty("index").ValueKind);
            Assert.Equal(JsonValueKind.Number, v.GetProperty("hostVector").ValueKind);
            Assert.Equal(JsonValueKind.Number, v.GetProperty("users").ValueKind);
            Assert.Equal(JsonValueKind.Number, v.GetProperty("dispatched").ValueKind);
            Assert.Equal(JsonValueKind.Number, v.GetProperty("spurious").ValueKind);
            Assert.Equal(JsonValueKind.Array, v.GetProperty("functions").ValueKind);
        });
        Assert.Equal(["10000:e0:06.0"], Functions(vectors[1]));
        Assert.Equal(["10000:e1:00.0"], Functions(vectors[2]));

        // The top-level mode, degraded and vectors repeat the first VMD's.
        Assert.Equal("remapped", root.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("degraded").ValueKind);
        Assert.Equal(JsonSerializer.Serialize(vmd.GetProperty("vectors")), JsonSerializer.Serialize(root.GetProperty("vectors")));

        JsonElement test = Assert.Single(Tests(json));
        Assert.Equal(TestKeys, test.EnumerateObject().Select(p => p.Name));
        Assert.Equal("10000:e1:00.0", test.GetProperty("address").GetString());
        Assert.Equal(2, test.GetProperty("vmdVector").GetInt32());
        Assert.Equal(1, test.GetProperty("delivered").GetInt32());
        Assert.Equal(1, test.GetProperty("completions").GetInt32());
        Assert.True(test.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void Json_irq_vectors_match_the_text_table()
    {
        ShellResult text = Irq("alderlake", json: false, "--test");
        using JsonDocument json = Irq("alderlake", json: true, "--test").Json();

        string[] lines = text.OutputLines;
        int header = Array.IndexOf(lines, "  index  host vector  users  dispatched  spurious  functions");
        Assert.True(header > 0);
        string[] rows = lines[(header + 1)..].TakeWhile(l => !l.StartsWith("identify ", StringComparison.Ordinal)).ToArray();
        JsonElement[] vectors = Vectors(json.RootElement.GetProperty("vmds")[0]);
        Assert.Equal(vectors.Length, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            string[] cells = rows[i].Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(vectors[i].GetProperty("index").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(vectors[i].GetProperty("hostVector").GetInt32(), Convert.ToInt32(cells[1], 16));
            Assert.Equal(vectors[i].GetProperty("users").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[2]);
            Assert.Equal(vectors[i].GetProperty("dispatched").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[3]);
            Assert.Equal(vectors[i].GetProperty("spurious").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[4]);
            string functions = Functions(vectors[i]).Length == 0 ? "-" : string.Join(", ", Functions(vectors[i]));
            Assert.Equal(functions, cells[5]);
        }
    }

    [Fact]
    public void Irq_on_empty_exits_3()
    {
        ShellResult text = Irq("empty", json: false, "--test");
        ShellResult jsonResult = Irq("empty", json: true, "--test");

        Assert.Equal(3, text.ExitCode);
        Assert.Equal(string.Empty, text.Output);
        Assert.Contains("vmd: no VMD found on this machine", text.Error, StringComparison.Ordinal);
        Assert.Equal(3, jsonResult.ExitCode);
        using JsonDocument json = jsonResult.Json();
        Assert.Empty(json.RootElement.GetProperty("vmds").EnumerateArray());
        Assert.Empty(Tests(json));
    }

    [Fact]
    public void Verbose_irq_logs_event_1040_on_stderr_only()
    {
        ShellResult verbose = Shell.Run("--verbose", "irq", "--test");
        ShellResult quiet = Shell.Run("irq", "--test");

        Assert.Equal(0, verbose.ExitCode);
        Assert.Contains("info [1040] VMD 0000:00:0e.0: interrupts routed, mode Remapped, 19 VMD vectors; degraded: none", verbose.Error, StringComparison.Ordinal);
        Assert.Equal(quiet.Output, verbose.Output);
    }

    [Fact]
    public void Irq_appears_in_the_usage_text()
    {
        ShellResult result = Shell.Run("--help");

        Assert.Contains("  irq        steps 0-4: ", result.Output, StringComparison.Ordinal);
        Assert.Contains("[--mode remapped|bypass|polling]", result.Output, StringComparison.Ordinal);
    }
}
