using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

public sealed class ErrorsCommandTests
{
    private const string TigerLakeDrive = "10000:e1:00.0";

    private const string TigerLakeRootPort = "10000:e0:06.0";

    private const string Kinds =
        "correctable, non-fatal, fatal, receiver-error, bad-tlp, bad-dllp, replay-number-rollover, replay-timer-timeout, "
        + "advisory-non-fatal, corrected-internal, data-link-protocol, surprise-down, poisoned-tlp, flow-control-protocol, "
        + "completion-timeout, completer-abort, unexpected-completion, receiver-overflow, malformed-tlp, ecrc, "
        + "unsupported-request, uncorrectable-internal, master-data-parity-error, signaled-target-abort, "
        + "received-target-abort, received-master-abort, detected-parity-error";

    /// <summary>How many log lines the 100,000-error storm on tigerlake gives with the test clock (100 µs per clock read; the simulator reads it on every config access).</summary>
    private const int StormLogLines = 123;

    private static readonly string[] RootKeys = ["errors", "suppressed", "errorCounts", "errorSources", "counts", "logLines", "injected"];

    private static readonly string[] EntryKeys = ["address", "kind", "severity", "status", "firstError"];

    private static readonly string[] CountKeys = ["records", "correctable", "nonFatal", "fatal", "notShown"];

    private static readonly string[] InjectedKeys = ["kind", "address", "count", "severity", "message"];

    /// <summary>Machine, drive, the root port above it, severity shorthand.</summary>
    public static IEnumerable<object[]> DrivesAndSeverities()
    {
        foreach (string severity in new[] { "correctable", "non-fatal", "fatal" })
        {
            yield return ["tigerlake", TigerLakeDrive, TigerLakeRootPort, severity];
            yield return ["skylake-sp", "10000:0a:00.0", "10000:00:02.0", severity];
            yield return ["skylake-sp", "10000:05:00.0", "10000:00:01.0", severity]; // behind the PLX switch
            yield return ["two-vmd", "10001:01:00.0", "10001:00:00.0", severity]; // the second VMD's domain
        }
    }

    /// <summary>Every named kind, the register it lands in at the drive, the bit name and the severity.</summary>
    public static IEnumerable<object[]> NamedKinds() =>
    [
        ["receiver-error", "aer-correctable", "ReceiverError", "correctable"],
        ["bad-tlp", "aer-correctable", "BadTlp", "correctable"],
        ["bad-dllp", "aer-correctable", "BadDllp", "correctable"],
        ["replay-number-rollover", "aer-correctable", "ReplayNumRollover", "correctable"],
        ["replay-timer-timeout", "aer-correctable", "ReplayTimerTimeout", "correctable"],
        ["advisory-non-fatal", "aer-correctable", "AdvisoryNonFatal", "correctable"],
        ["corrected-internal", "aer-correctable", "CorrectedInternal", "correctable"],
        ["data-link-protocol", "aer-uncorrectable", "DataLinkProtocol", "fatal"],
        ["surprise-down", "aer-uncorrectable", "SurpriseDown", "fatal"],
        ["poisoned-tlp", "aer-uncorrectable", "PoisonedTlp", "non-fatal"],
        ["flow-control-protocol", "aer-uncorrectable", "FlowControlProtocol", "fatal"],
        ["completion-timeout", "aer-uncorrectable", "CompletionTimeout", "non-fatal"],
        ["completer-abort", "aer-uncorrectable", "CompleterAbort", "non-fatal"],
        ["unexpected-completion", "aer-uncorrectable", "UnexpectedCompletion", "non-fatal"],
        ["receiver-overflow", "aer-uncorrectable", "ReceiverOverflow", "fatal"],
        ["malformed-tlp", "aer-uncorrectable", "MalformedTlp", "fatal"],
        ["ecrc", "aer-uncorrectable", "Ecrc", "non-fatal"],
        ["unsupported-request", "aer-uncorrectable", "UnsupportedRequest", "non-fatal"],
        ["uncorrectable-internal", "aer-uncorrectable", "UncorrectableInternal", "fatal"],
        ["master-data-parity-error", "status", "MasterDataParityError", "non-fatal"],
        ["signaled-target-abort", "status", "SignaledTargetAbort", "non-fatal"],
        ["received-target-abort", "status", "ReceivedTargetAbort", "non-fatal"],
        ["received-master-abort", "status", "ReceivedMasterAbort", "non-fatal"],
        ["detected-parity-error", "status", "DetectedParityError", "non-fatal"],
    ];

    private static ShellResult Errors(string machine, bool json, params string[] arguments) => Shell.RunCommand(machine, json, "errors", arguments);

    private static void AssertUsageError(ShellResult result, params string[] fragments) => Shell.AssertUsageError(result, fragments);

    private sealed record Entry(string Address, string Kind, string Severity, string Status, string? FirstError, long Count, string? CorrectableSource, string? UncorrectableSource);

    /// <summary>The "errors" entries with their counts and sources; checks the document's shape on the way.</summary>
    private static List<Entry> Entries(JsonElement root)
    {
        Assert.Equal(RootKeys, SlotTopology.Keys(root));
        Assert.Equal(CountKeys, SlotTopology.Keys(root.GetProperty("counts")));
        JsonElement[] errors = [.. root.GetProperty("errors").EnumerateArray()];
        JsonElement[] counts = [.. root.GetProperty("errorCounts").EnumerateArray()];
        JsonElement[] sources = [.. root.GetProperty("errorSources").EnumerateArray()];
        Assert.Equal(errors.Length, counts.Length);
        Assert.Equal(errors.Length, sources.Length);
        var entries = new List<Entry>();
        for (int i = 0; i < errors.Length; i++)
        {
            JsonElement e = errors[i];
            Assert.Equal(EntryKeys, SlotTopology.Keys(e));
            string kind = e.GetProperty("kind").GetString()!;
            string? cor = null;
            string? uncor = null;
            if (kind == "root-error")
            {
                Assert.Equal(new[] { "correctable", "uncorrectable" }, SlotTopology.Keys(sources[i]));
                cor = sources[i].GetProperty("correctable").GetString();
                uncor = sources[i].GetProperty("uncorrectable").GetString();
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, sources[i].ValueKind);
            }

            entries.Add(new Entry(
                e.GetProperty("address").GetString()!,
                kind,
                e.GetProperty("severity").GetString()!,
                string.Join(",", e.GetProperty("status").EnumerateArray().Select(s => s.GetString())),
                e.GetProperty("firstError").GetString(),
                counts[i].GetInt64(),
                cor,
                uncor));
        }

        long records = entries.Sum(e => e.Count);
        JsonElement totals = root.GetProperty("counts");
        Assert.Equal(records, totals.GetProperty("records").GetInt64());
        Assert.Equal(entries.Where(e => e.Severity == "correctable").Sum(e => e.Count), totals.GetProperty("correctable").GetInt64());
        Assert.Equal(entries.Where(e => e.Severity == "non-fatal").Sum(e => e.Count), totals.GetProperty("nonFatal").GetInt64());
        Assert.Equal(entries.Where(e => e.Severity == "fatal").Sum(e => e.Count), totals.GetProperty("fatal").GetInt64());
        Assert.Equal(0, totals.GetProperty("notShown").GetInt64());
        return entries;
    }

    /// <summary>What one error of a severity shorthand leaves at the drive and the root port above it, in function order (port first).</summary>
    private static Entry[] Expected(string severity, string drive, string rootPort, long count = 1) => severity switch
    {
        "correctable" =>
        [
            new(rootPort, "root-error", "correctable", "ErrCorReceived", null, count, drive, null),
            new(drive, "device-status", "correctable", "CorrectableErrorDetected", null, count, null, null),
            new(drive, "aer-correctable", "correctable", "ReceiverError", null, count, null, null),
        ],
        "non-fatal" =>
        [
            new(rootPort, "root-error", "non-fatal", "ErrFatalNonFatalReceived,NonFatalErrorMessagesReceived", null, count, null, drive),
            new(drive, "device-status", "non-fatal", "NonFatalErrorDetected", null, count, null, null),
            new(drive, "aer-uncorrectable", "non-fatal", "CompletionTimeout", "CompletionTimeout", count, null, null),
        ],
        _ =>
        [
            new(rootPort, "root-error", "fatal", "ErrFatalNonFatalReceived,FirstUncorrectableFatal,FatalErrorMessagesReceived", null, count, null, drive),
            new(drive, "device-status", "fatal", "FatalErrorDetected", null, count, null, null),
            new(drive, "aer-uncorrectable", "fatal", "SurpriseDown", "SurpriseDown", count, null, null),
        ],
    };

    [Theory]
    [MemberData(nameof(DrivesAndSeverities))]
    public void Json_each_severity_at_a_drive_is_decoded_by_name_at_the_drive_and_its_root_port(string machine, string drive, string rootPort, string severity)
    {
        ShellResult baseline = Errors(machine, json: true);
        ShellResult result = Errors(machine, json: true, "--inject", severity, "--at", drive);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument before = baseline.Json();
        using JsonDocument json = result.Json();
        List<Entry> found = Entries(json.RootElement);
        List<Entry> left = Entries(before.RootElement);

        // What firmware left is reported first, then exactly the injected error's records.
        Assert.Equal(left, found.Take(left.Count));
        Assert.Equal(Expected(severity, drive, rootPort), found.Skip(left.Count));

        JsonElement injected = json.RootElement.GetProperty("injected");
        Assert.Equal(InjectedKeys, SlotTopology.Keys(injected));
        Assert.Equal(drive, injected.GetProperty("address").GetString());
        Assert.Equal(1, injected.GetProperty("count").GetInt32());
        Assert.Equal(severity, injected.GetProperty("severity").GetString());
        Assert.Equal("delivered-to-root-port", injected.GetProperty("message").GetString());
        Assert.Equal(severity switch { "correctable" => "receiver-error", "non-fatal" => "completion-timeout", _ => "surprise-down" }, injected.GetProperty("kind").GetString());

        // Nothing is throttled for one error: each record is one log line, 1070 for correctable, 1071 for the AER
        // uncorrectable record (it has a header log), 1073 for the other non-correctable registers.
        Assert.Equal(0, json.RootElement.GetProperty("suppressed").GetInt64());
        string[] log = [.. json.RootElement.GetProperty("logLines").EnumerateArray().Select(l => l.GetString()!)];
        Assert.Equal(found.Count, log.Length);
        string[] injectedLog = log[left.Count..];
        Assert.All(injectedLog, line => Assert.StartsWith(
            severity == "correctable" ? "warn [1070] " : line.Contains(" aer-uncorrectable: ", StringComparison.Ordinal) ? "fail [1071] " : "fail [1073] ",
            line,
            StringComparison.Ordinal));
        Assert.Contains(injectedLog, line => line.Contains($": {rootPort} root-error: {severity} ", StringComparison.Ordinal));
        Assert.Contains(injectedLog, line => line.Contains($": {drive} device-status: {severity} ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DrivesAndSeverities))]
    public void Text_each_severity_prints_one_line_per_register_with_the_root_port_source(string machine, string drive, string rootPort, string severity)
    {
        ShellResult result = Errors(machine, json: false, "--inject", severity, "--at", drive);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] lines = result.OutputLines;
        string kind = severity switch { "correctable" => "receiver-error", "non-fatal" => "completion-timeout", _ => "surprise-down" };
        Assert.Equal($"injected {kind} x1 at {drive}: {severity}, message delivered-to-root-port", lines[0]);
        Assert.Equal("errors:", lines[1]);
        foreach (Entry e in Expected(severity, drive, rootPort))
        {
            string line = $"  {e.Address} {e.Kind} {e.Severity} {e.Status} x1";
            if (e.FirstError is not null)
            {
                line += $"; first error {e.FirstError}, header 00000000 00000000 00000000 00000000";
            }

            if (e.CorrectableSource is not null)
            {
                line += $"; ERR_COR from {e.CorrectableSource}";
            }

            if (e.UncorrectableSource is not null)
            {
                line += $"; ERR_FATAL/NONFATAL from {e.UncorrectableSource}";
            }

            Assert.Contains(line, lines);
        }

        Assert.Contains("log:", lines);
        Assert.Matches(
            $@"^summary: \d+ error records \(\d+ correctable, \d+ non-fatal, \d+ fatal\); \d+ log lines, 0 reports suppressed by the throttle$",
            lines[^1]);
    }

    [Theory]
    [MemberData(nameof(NamedKinds))]
    public void Every_named_kind_is_decoded_at_the_drive_by_its_bit_name(string kind, string register, string bit, string severity)
    {
        ShellResult result = Errors("tigerlake", json: true, "--inject", kind, "--at", TigerLakeDrive);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        List<Entry> found = Entries(json.RootElement);
        Entry entry = Assert.Single(found, e => e.Address == TigerLakeDrive && e.Kind == register);
        Assert.Equal(bit, entry.Status);
        Assert.Equal(severity, entry.Severity);
        Assert.Equal(register == "aer-uncorrectable" ? bit : null, entry.FirstError);
        Assert.Equal(kind, json.RootElement.GetProperty("injected").GetProperty("kind").GetString());
        string message = json.RootElement.GetProperty("injected").GetProperty("message").GetString()!;
        Assert.Equal(
            register == "status" ? "not-applicable" : kind == "advisory-non-fatal" ? "masked" : "delivered-to-root-port",
            message);
        Assert.Equal(message == "delivered-to-root-port", found.Any(e => e.Kind == "root-error"));
    }

    [Theory]
    [InlineData("Fatal", "surprise-down")]
    [InlineData("RECEIVER-ERROR", "receiver-error")]
    [InlineData("non-fatal", "completion-timeout")]
    public void Kind_names_are_case_insensitive_and_shorthands_name_their_error(string given, string kind)
    {
        ShellResult result = Errors("tigerlake", json: true, "--inject", given, "--at", TigerLakeDrive);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        Assert.Equal(kind, json.RootElement.GetProperty("injected").GetProperty("kind").GetString());
    }

    [Fact]
    public void An_error_storm_is_counted_exactly_and_logged_within_the_throttle_bound()
    {
        var clock = Shell.NewClock();
        DateTimeOffset start = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        ShellResult result = Shell.Run(clock, "--json", "errors", "--inject", "correctable", "--at", TigerLakeDrive, "--count", "100000");
        watch.Stop();
        TimeSpan simulated = clock.GetUtcNow() - start;

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"100,000 injections took {watch.Elapsed}");
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(Expected("correctable", TigerLakeDrive, TigerLakeRootPort, 100_000), Entries(root));
        Assert.Equal(300_000, root.GetProperty("counts").GetProperty("correctable").GetInt64());
        Assert.Equal(100_000, root.GetProperty("injected").GetProperty("count").GetInt32());

        // The throttle: per source (3 here) at most one report and one summary per started 10 s window of simulated time.
        string[] log = [.. root.GetProperty("logLines").EnumerateArray().Select(l => l.GetString()!)];
        int windows = (int)(simulated.Ticks / TimeSpan.FromSeconds(10).Ticks) + 1;
        Assert.True(log.Length <= 2 * 3 * windows, $"{log.Length} log lines in {simulated} ({windows} windows)");
        Assert.Equal(StormLogLines, log.Length); // 210 s of simulated time (each config access reads the clock): 22 windows, bound 132

        // Every record was either logged (1070) or counted by the throttle; summaries (1072) give back what they hid.
        long suppressed = root.GetProperty("suppressed").GetInt64();
        int reports = log.Count(l => l.StartsWith("warn [1070] ", StringComparison.Ordinal));
        Assert.Equal(300_000, reports + suppressed);
        Assert.All(log, l => Assert.Matches(@"^warn \[107[02]\] VMD 0000:00:0e\.0: 10000:e[01]:\d\d\.0 (root-error|device-status|aer-correctable): ", l));
        long summarised = log.Where(l => l.StartsWith("warn [1072] ", StringComparison.Ordinal))
            .Sum(l => long.Parse(Regex.Match(l, @"…and (\d+) more in 10 s$").Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.InRange(summarised, 1, suppressed);
    }

    [Fact]
    public void Text_storm_prints_one_line_per_register_with_its_count()
    {
        ShellResult result = Errors("tigerlake", json: false, "--inject", "correctable", "--at", TigerLakeDrive, "--count", "100000");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.OutputLines;
        Assert.Equal("injected receiver-error x100000 at 10000:e1:00.0: correctable, message delivered-to-root-port", lines[0]);
        Assert.Equal(
            new[]
            {
                "errors:",
                "  10000:e0:06.0 root-error correctable ErrCorReceived x100000; ERR_COR from 10000:e1:00.0",
                "  10000:e1:00.0 device-status correctable CorrectableErrorDetected x100000",
                "  10000:e1:00.0 aer-correctable correctable ReceiverError x100000",
                "log:",
            },
            lines[1..6]);
        Assert.Equal(StormLogLines, lines.Length - 7);
        Assert.Matches(
            $@"^summary: 300000 error records \(300000 correctable, 0 non-fatal, 0 fatal\); {StormLogLines} log lines, \d+ reports suppressed by the throttle$",
            lines[^1]);
    }

    [Theory]
    [MemberData(nameof(VmdMachines))]
    public void Without_injection_it_reports_what_firmware_left_and_exits_0(string machine)
    {
        ShellResult result = Errors(machine, json: true);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        List<Entry> found = Entries(json.RootElement);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("injected").ValueKind);
        Assert.Equal(found.Count, json.RootElement.GetProperty("logLines").GetArrayLength());
        if (machine == "skylake-sp")
        {
            // Firmware left it: root port A of the real dump shows Received Master Abort in its Secondary Status.
            Assert.Equal(new[] { new Entry("10000:00:00.0", "secondary-status", "non-fatal", "ReceivedMasterAbort", null, 1, null, null) }, found);
        }
        else
        {
            Assert.Empty(found);
        }
    }

    public static IEnumerable<object[]> VmdMachines() => Shell.VmdMachineNames();

    [Fact]
    public void Text_without_errors_says_none()
    {
        ShellResult result = Errors("tigerlake", json: false);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            new[] { "errors: none", "log: none", "summary: 0 error records (0 correctable, 0 non-fatal, 0 fatal); 0 log lines, 0 reports suppressed by the throttle" },
            result.OutputLines);
    }

    [Fact]
    public void Verbose_still_prints_the_log_lines_on_standard_error()
    {
        ShellResult result = Shell.Run("--verbose", "errors", "--inject", "fatal", "--at", TigerLakeDrive);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"fail [1071] VMD 0000:00:0e.0: {TigerLakeDrive} aer-uncorrectable: fatal SurpriseDown; first error SurpriseDown", result.Error, StringComparison.Ordinal);
        Assert.Contains($"  fail [1071] VMD 0000:00:0e.0: {TigerLakeDrive} aer-uncorrectable: fatal SurpriseDown; first error SurpriseDown", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_vmd_it_exits_3()
    {
        ShellResult plain = Errors("empty", json: true);
        ShellResult injected = Errors("empty", json: true, "--inject", "fatal", "--at", TigerLakeDrive);

        foreach (ShellResult result in new[] { plain, injected })
        {
            Assert.Equal(3, result.ExitCode);
            Assert.Contains("vmd: no VMD found on this machine", result.Error, StringComparison.Ordinal);
            using JsonDocument json = result.Json();
            Assert.Empty(Entries(json.RootElement));
        }
    }

    [Fact]
    public void A_failed_step_exits_4()
    {
        ShellResult result = Errors("arrowlake-s-nofeature", json: false, "--inject", "fatal", "--at", "10000:e1:00.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("vmd: 0000:00:0e.0: Map failed", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--inject" }, "--inject needs a kind: " + Kinds)]
    [InlineData(new[] { "--inject", "bogus", "--at", TigerLakeDrive }, "unknown error kind 'bogus'; the kinds are " + Kinds + "\n")]
    [InlineData(new[] { "--inject", "", "--at", TigerLakeDrive }, "unknown error kind ''; the kinds are " + Kinds)]
    [InlineData(new[] { "--inject", "ReceiverError", "--at", TigerLakeDrive }, "unknown error kind 'ReceiverError'")]
    [InlineData(new[] { "--inject", "correctable" }, "--inject needs --at ADDR")]
    [InlineData(new[] { "--inject", "correctable", "--count", "3" }, "--inject needs --at ADDR")]
    [InlineData(new[] { "--at", TigerLakeDrive }, "--at needs --inject KIND")]
    [InlineData(new[] { "--count", "5" }, "--count needs --inject KIND")]
    [InlineData(new[] { "--at" }, "--at needs an address, e.g. --at 10000:e1:00.0")]
    [InlineData(new[] { "--inject", "fatal", "--count" }, "--count needs a number from 1 to 1000000")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "0" }, "--count '0' is not a positive integer; give a number from 1 to 1000000")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "-5" }, "--count '-5' is not a positive integer")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "many" }, "--count 'many' is not a positive integer")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "1.5" }, "--count '1.5' is not a positive integer")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "1000001" }, "--count 1000001 is above the limit of 1000000")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--count", "99999999999999999999" }, "--count 99999999999999999999 is above the limit of 1000000")]
    [InlineData(new[] { "--inject", "fatal", "--at", "x" }, "--at 'x' is not a PCI address")]
    [InlineData(new[] { "--inject", "fatal", "--at", "10000:e1:00" }, "--at '10000:e1:00' is not a PCI address")]
    [InlineData(new[] { "--inject", "fatal", "--at", "0000:00:0e.0" }, "0000:00:0e.0 is not in a VMD domain of this machine (its segment must be a VMD's domain, e.g. 10000)")]
    [InlineData(new[] { "--inject", "fatal", "--at", "10001:e1:00.0" }, "10001:e1:00.0 is not in a VMD domain of this machine")]
    [InlineData(new[] { "--inject", "fatal", "--at", "10000:e2:00.0" }, "10000:e2:00.0 is not a function of domain 10000; its functions are 10000:e0:06.0, 10000:e1:00.0")]
    [InlineData(new[] { "--inject", "fatal", "--inject", "fatal", "--at", TigerLakeDrive }, "--inject was given twice")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--at", TigerLakeDrive }, "--at was given twice")]
    [InlineData(new[] { "extra" }, "unknown argument 'extra' for 'errors'; it takes --inject KIND, --at ADDR and --count N")]
    [InlineData(new[] { "-v" }, "unknown argument '-v' for 'errors'")]
    [InlineData(new[] { "--inject", "fatal", "--at", TigerLakeDrive, "--slot", "x" }, "unknown argument '--slot' for 'errors'")]
    public void Usage_errors_exit_2_naming_what_was_wrong(string[] arguments, string message)
    {
        ShellResult result = Errors("tigerlake", json: true, arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.StartsWith("vmd: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_count_limit_itself_is_accepted_by_the_parser()
    {
        // 1,000,000 passes the checks; a machine without the address then refuses, so nothing is injected here.
        AssertUsageError(
            Errors("tigerlake", json: false, "--inject", "fatal", "--at", "10000:e2:00.0", "--count", "1000000"),
            "10000:e2:00.0 is not a function of domain 10000");
    }

    [Fact]
    public void The_usage_text_lists_errors()
    {
        ShellResult result = Shell.Run("--help");

        Assert.Contains("  errors     steps 0-4 with error reporting on", result.Output, StringComparison.Ordinal);
        Assert.Contains("[--inject KIND --at ADDR [--count N]]", result.Output, StringComparison.Ordinal);
    }
}
