using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vmd.Shell.Tests;

public sealed class HotPlugCommandTests
{
    private const string NvmeClass = "010802";

    private static readonly string[] Keys = ["event", "slot", "added", "removed", "functions", "physicalSlot", "events"];

    private const string SkylakeSlots =
        "slot 1 10000:00:00.0 (empty), slot 2 10000:00:01.0 (occupied), slot 3 10000:00:02.0 (occupied), slot 4 10000:00:03.0 (empty), slot 10 10000:04:08.0 (occupied), slot 11 10000:04:09.0 (occupied)";

    private const string SkylakeEmptySlots = "slot 1 10000:00:00.0, slot 4 10000:00:03.0";

    private const string SkylakeOccupiedSlots =
        "slot 2 10000:00:01.0, slot 3 10000:00:02.0, slot 10 10000:04:08.0, slot 11 10000:04:09.0";

    /// <summary>Every empty hot-plug slot of the built-in machines: machine, port, physical slot number.</summary>
    public static IEnumerable<object[]> EmptySlots() =>
    [
        ["skylake-sp", "10000:00:00.0", 1],
        ["skylake-sp", "10000:00:03.0", 4],
        ["icelake-sp", "10000:00:01.0", 2],
    ];

    /// <summary>Occupied slots holding one drive: machine, --slot argument, the slot's port, physical slot number, the drive.</summary>
    public static IEnumerable<object[]> OneDriveSlots() =>
    [
        ["skylake-sp", "10000:00:02.0", "10000:00:02.0", 3, "10000:0a:00.0"],
        ["skylake-sp", "10000:0a:00.0", "10000:00:02.0", 3, "10000:0a:00.0"],
        ["skylake-sp", "10000:04:08.0", "10000:04:08.0", 10, "10000:05:00.0"],
        ["skylake-sp", "10000:07:00.0", "10000:04:09.0", 11, "10000:07:00.0"],
        ["icelake-sp", "10000:00:00.0", "10000:00:00.0", 1, "10000:01:00.0"],
        ["icelake-sp", "10000:01:00.0", "10000:00:00.0", 1, "10000:01:00.0"],
        ["icelake-sp", "10001:80:02.0", "10001:80:02.0", 3, "10001:81:00.0"],
        ["icelake-sp", "10001:83:00.0", "10001:80:03.0", 4, "10001:83:00.0"],
        ["two-vmd", "10001:00:00.0", "10001:00:00.0", 1, "10001:01:00.0"],
    ];

    /// <summary>The machines with a VMD but no hot-plug slot.</summary>
    public static IEnumerable<object[]> MachinesWithoutSlots() =>
    [
        ["tigerlake"], ["tigerlake-dummy"], ["alderlake"], ["meteorlake"], ["guest"], ["arrowlake-s"],
    ];

    private static ShellResult HotPlug(string machine, bool json, params string[] arguments) => Shell.RunCommand(machine, json, "hotplug", arguments);

    private static void AssertUsageError(ShellResult result, params string[] fragments) => Shell.AssertUsageError(result, fragments);

    [Theory]
    [MemberData(nameof(EmptySlots))]
    public void Json_insert_adds_one_nvme_below_the_port_and_one_function(string machine, string port, int physicalSlot)
    {
        SlotTopology before = SlotTopology.Of(machine);
        string domain = port.Split(':')[0];
        Assert.Empty(before.Below(port));

        ShellResult result = HotPlug(machine, json: true, "insert", "--slot", port);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal("insert", root.GetProperty("event").GetString());
        Assert.Equal(port, root.GetProperty("slot").GetString());
        Assert.Equal(physicalSlot, root.GetProperty("physicalSlot").GetInt32());
        Assert.Equal(["inserted"], SlotTopology.Strings(root.GetProperty("events")));
        Assert.Empty(SlotTopology.Strings(root.GetProperty("removed")));
        string added = Assert.Single(SlotTopology.Strings(root.GetProperty("added")));
        Assert.StartsWith(domain + ":", added, StringComparison.Ordinal);
        Assert.Equal($"{before.Function(port).Secondary:x2}", added.Split(':')[1]);
        Assert.EndsWith(":00.0", added, StringComparison.Ordinal);
        Assert.DoesNotContain(before.Functions, f => f.Address == added);
        Assert.Equal(before.InDomain(domain).Length + 1, root.GetProperty("functions").GetInt32());
    }

    [Theory]
    [MemberData(nameof(EmptySlots))]
    public void Text_insert_prints_the_nvme_with_bar0_inside_the_ports_window_and_the_count_up_by_one(string machine, string port, int physicalSlot)
    {
        SlotTopology before = SlotTopology.Of(machine);
        string domain = port.Split(':')[0];
        LspciFunction bridge = before.Function(port);
        Assert.NotNull(bridge.MemoryBase);
        Assert.NotNull(bridge.MemoryLimit);
        ulong windowBase = bridge.MemoryBase.Value + before.CpuMinusBus(domain);
        ulong windowLimit = bridge.MemoryLimit.Value + before.CpuMinusBus(domain);
        int count = before.InDomain(domain).Length;

        ShellResult result = HotPlug(machine, json: false, "insert", "--slot", port);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] lines = result.OutputLines;
        Assert.Equal($"hotplug insert: slot {physicalSlot} ({port}), domain {domain}", lines[0]);
        Assert.Equal(["  event   inserted"], lines.Where(l => l.StartsWith("  event ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("  - ", StringComparison.Ordinal));
        string plus = Assert.Single(lines, l => l.StartsWith("  + ", StringComparison.Ordinal));
        Match m = Regex.Match(plus, @"^  \+ (?<address>[0-9a-f]+:(?<bus>[0-9a-f]{2}):00\.0) Non-Volatile memory controller \[0108\]: .* \[8086:0a54\]; BAR0 at (?<bar>[0-9a-f]+)$");
        Assert.True(m.Success, plus);
        Assert.StartsWith(domain + ":", m.Groups["address"].Value, StringComparison.Ordinal);
        Assert.Equal($"{bridge.Secondary:x2}", m.Groups["bus"].Value);
        ulong bar0 = SlotTopology.Hex(m.Groups["bar"].Value);
        const ulong NvmeBar0Size = 16 * 1024;
        Assert.True(bar0 >= windowBase && bar0 + NvmeBar0Size - 1 <= windowLimit, $"BAR0 {bar0:x} is outside {port}'s window {windowBase:x}-{windowLimit:x}");
        Assert.Equal(0UL, bar0 % NvmeBar0Size);
        Assert.DoesNotContain(before.InDomain(domain).SelectMany(f => f.Bars), b => b.Size > 0 && bar0 < b.Cpu + b.Size && b.Cpu < bar0 + NvmeBar0Size);

        Match counts = Regex.Match(lines[^1], @"^  functions (?<before>\d+) -> (?<after>\d+); fingerprint (?<fp>[0-9a-f]{16})$");
        Assert.True(counts.Success, lines[^1]);
        Assert.Equal(count, int.Parse(counts.Groups["before"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(count + 1, int.Parse(counts.Groups["after"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(before.Fingerprints[domain], counts.Groups["fp"].Value);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void Inserting_into_the_two_empty_skylake_slots_gives_different_drives_and_fingerprints()
    {
        ShellResult first = HotPlug("skylake-sp", json: false, "insert", "--slot", "10000:00:00.0");
        ShellResult second = HotPlug("skylake-sp", json: false, "insert", "--slot", "10000:00:03.0");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.StartsWith("  + 10000:01:00.0 ", first.OutputLines[2], StringComparison.Ordinal);
        Assert.StartsWith("  + 10000:0c:00.0 ", second.OutputLines[2], StringComparison.Ordinal);
        Assert.NotEqual(first.OutputLines[^1], second.OutputLines[^1]);
    }

    [Theory]
    [MemberData(nameof(OneDriveSlots))]
    public void Json_remove_reports_removing_then_removed_and_the_drive_gone(string machine, string slotArgument, string port, int physicalSlot, string drive)
    {
        SlotTopology before = SlotTopology.Of(machine);
        Assert.Equal([drive], before.Below(port).Select(f => f.Address));
        Assert.Equal(NvmeClass, before.Function(drive).ClassCode);

        ShellResult result = HotPlug(machine, json: true, "remove", "--slot", slotArgument);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(Keys, SlotTopology.Keys(root));
        Assert.Equal("remove", root.GetProperty("event").GetString());
        Assert.Equal(port, root.GetProperty("slot").GetString());
        Assert.Equal(physicalSlot, root.GetProperty("physicalSlot").GetInt32());
        Assert.Equal(["removing", "removed"], SlotTopology.Strings(root.GetProperty("events")));
        Assert.Equal([drive], SlotTopology.Strings(root.GetProperty("removed")));
        Assert.Empty(SlotTopology.Strings(root.GetProperty("added")));
        Assert.Equal(before.InDomain(port.Split(':')[0]).Length - 1, root.GetProperty("functions").GetInt32());
    }

    [Theory]
    [MemberData(nameof(OneDriveSlots))]
    public void Text_remove_prints_both_events_the_drive_with_a_minus_and_the_count_down_by_one(string machine, string slotArgument, string port, int physicalSlot, string drive)
    {
        string domain = port.Split(':')[0];
        int count = SlotTopology.Of(machine).InDomain(domain).Length;

        ShellResult result = HotPlug(machine, json: false, "remove", "--slot", slotArgument);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        string[] lines = result.OutputLines;
        Assert.Equal($"hotplug remove: slot {physicalSlot} ({port}), domain {domain}", lines[0]);
        Assert.Equal("  event   removing", lines[1]);
        Assert.Equal("  event   removed", lines[2]);
        Assert.Matches($@"^  - {Regex.Escape(drive)} Non-Volatile memory controller \[0108\]: .* \[8086:0a54\]$", lines[3]);
        Assert.Matches($@"^  functions {count} -> {count - 1}; fingerprint [0-9a-f]{{16}}$", lines[4]);
        Assert.Equal(5, lines.Length);
        Assert.DoesNotContain(lines, l => l.StartsWith("  + ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OneDriveSlots))]
    public void Surprise_remove_reports_surprise_removed_and_the_drive_gone(string machine, string slotArgument, string port, int physicalSlot, string drive)
    {
        int count = SlotTopology.Of(machine).InDomain(port.Split(':')[0]).Length;

        ShellResult result = HotPlug(machine, json: true, "surprise-remove", "--slot", slotArgument);
        ShellResult text = HotPlug(machine, json: false, "surprise-remove", "--slot", slotArgument);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(Keys, SlotTopology.Keys(root));
        Assert.Equal("surprise-remove", root.GetProperty("event").GetString());
        Assert.Equal(port, root.GetProperty("slot").GetString());
        Assert.Equal(physicalSlot, root.GetProperty("physicalSlot").GetInt32());
        Assert.Equal(["surprise-removed"], SlotTopology.Strings(root.GetProperty("events")));
        Assert.Equal([drive], SlotTopology.Strings(root.GetProperty("removed")));
        Assert.Empty(SlotTopology.Strings(root.GetProperty("added")));
        Assert.Equal(count - 1, root.GetProperty("functions").GetInt32());

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(
            ["  event   surprise-removed"],
            text.OutputLines.Where(l => l.StartsWith("  event ", StringComparison.Ordinal)));
        Assert.StartsWith($"  - {drive} ", Assert.Single(text.OutputLines, l => l.StartsWith("  - ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith($"  functions {count} -> {count - 1}; ", text.OutputLines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove", "removing,removed")]
    [InlineData("surprise-remove", "surprise-removed")]
    public void Removing_the_switch_slot_takes_away_the_whole_switch_and_its_drives(string action, string events)
    {
        SlotTopology before = SlotTopology.Of("skylake-sp");
        string[] below = before.Below("10000:00:01.0").Select(f => f.Address).ToArray();
        Assert.Equal(5, below.Length); // the switch's upstream port, its two downstream ports and two drives

        ShellResult result = HotPlug("skylake-sp", json: true, action, "--slot", "10000:00:01.0");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(2, root.GetProperty("physicalSlot").GetInt32());
        Assert.Equal(events.Split(','), SlotTopology.Strings(root.GetProperty("events")));
        Assert.Equal(below.Order(StringComparer.Ordinal), SlotTopology.Strings(root.GetProperty("removed")).Order(StringComparer.Ordinal));
        Assert.Equal(before.InDomain("10000").Length - below.Length, root.GetProperty("functions").GetInt32());
    }

    [Fact]
    public void Json_insert_has_exactly_the_documented_keys_in_order()
    {
        ShellResult result = HotPlug("skylake-sp", json: true, "insert", "--slot", "10000:00:03.0");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(Keys, SlotTopology.Keys(root));
        Assert.Equal(JsonValueKind.String, root.GetProperty("event").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("slot").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("physicalSlot").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("added").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("removed").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("functions").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("events").ValueKind);
    }

    [Fact]
    public void Json_flag_after_the_command_is_the_global_json()
    {
        ShellResult after = Shell.Run("--machine", "skylake-sp", "hotplug", "insert", "--slot", "10000:00:03.0", "--json");
        ShellResult before = HotPlug("skylake-sp", json: true, "insert", "--slot", "10000:00:03.0");

        Assert.Equal(0, after.ExitCode);
        Assert.Equal(before.Output, after.Output);
    }

    [Fact]
    public void No_arguments_is_a_usage_error_naming_the_actions_and_slot()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false), "'hotplug' needs an action: insert, remove or surprise-remove");
    }

    [Fact]
    public void An_action_without_a_slot_is_a_usage_error_naming_the_action()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "insert"), "'hotplug insert' needs --slot ADDR");
    }

    [Fact]
    public void Two_slots_are_a_usage_error()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "insert", "--slot", "10000:00:03.0", "--slot", "10000:00:00.0"), "--slot was given twice");
    }

    [Fact]
    public void A_slot_without_an_action_is_a_usage_error()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "--slot", "10000:00:03.0"), "needs an action: insert, remove or surprise-remove");
    }

    [Theory]
    [InlineData("insert")]
    [InlineData("remove")]
    [InlineData("surprise-remove")]
    public void An_action_without_a_slot_is_a_usage_error(string action)
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, action), "--slot ADDR");
        AssertUsageError(HotPlug("skylake-sp", json: true, action), "--slot ADDR");
    }

    [Fact]
    public void Slot_without_an_address_is_a_usage_error()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "insert", "--slot"), "--slot needs an address");
    }

    [Theory]
    [InlineData("yank")]
    [InlineData("--force")]
    [InlineData("-v")]
    public void An_unknown_action_or_option_is_a_usage_error_naming_it_and_the_actions(string word)
    {
        AssertUsageError(
            HotPlug("skylake-sp", json: false, word, "--slot", "10000:00:03.0"),
            $"unknown argument '{word}' for 'hotplug'",
            "insert, remove or surprise-remove");
    }

    [Fact]
    public void Two_actions_are_a_usage_error_naming_the_second()
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "insert", "remove", "--slot", "10000:00:03.0"), "unknown argument 'remove' for 'hotplug'");
    }

    [Theory]
    [InlineData("10000:zz:00.0")]
    [InlineData("1:2:3")]
    [InlineData("slot4")]
    [InlineData("10000:00:20.0")]
    public void A_malformed_address_is_a_usage_error_naming_it(string address)
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "insert", "--slot", address), $"--slot '{address}' is not a PCI address");
    }

    [Theory]
    [InlineData("10000:00:05.0")]
    [InlineData("10000:1f:00.0")]
    [InlineData("10000:00:00.1")]
    public void An_address_that_is_neither_a_slot_nor_in_one_is_a_usage_error_listing_the_slots(string address)
    {
        AssertUsageError(
            HotPlug("skylake-sp", json: false, "insert", "--slot", address),
            $"{address} is neither a hot-plug slot nor in one; the slots of domain 10000 are {SkylakeSlots}");
    }

    [Theory]
    [InlineData("0000:00:1f.0")]
    [InlineData("0000:5d:05.5")]
    [InlineData("10001:00:00.0")]
    public void An_address_outside_every_vmd_domain_is_a_usage_error(string address)
    {
        AssertUsageError(HotPlug("skylake-sp", json: false, "remove", "--slot", address), $"{address} is not in a VMD domain of this machine");
    }

    [Theory]
    [InlineData("10000:00:02.0", 3, "10000:00:02.0")]
    [InlineData("10000:0a:00.0", 3, "10000:00:02.0")]
    [InlineData("10000:00:01.0", 2, "10000:00:01.0")]
    [InlineData("10000:03:00.0", 2, "10000:00:01.0")]
    [InlineData("10000:04:09.0", 11, "10000:04:09.0")]
    public void Inserting_into_an_occupied_slot_is_a_usage_error_listing_the_empty_slots(string address, int physicalSlot, string port)
    {
        AssertUsageError(
            HotPlug("skylake-sp", json: false, "insert", "--slot", address),
            $"slot {physicalSlot} ({port}) already holds a card",
            $"({SkylakeEmptySlots})");
    }

    [Fact]
    public void Inserting_into_an_occupied_slot_with_no_empty_one_says_none()
    {
        AssertUsageError(HotPlug("icelake-sp", json: true, "insert", "--slot", "10001:80:02.0"), "slot 3 (10001:80:02.0) already holds a card", "(none)");
    }

    [Theory]
    [InlineData("remove", "10000:00:00.0", 1)]
    [InlineData("remove", "10000:00:03.0", 4)]
    [InlineData("surprise-remove", "10000:00:00.0", 1)]
    [InlineData("surprise-remove", "10000:00:03.0", 4)]
    public void Removing_from_an_empty_slot_is_a_usage_error_listing_the_occupied_slots(string action, string port, int physicalSlot)
    {
        AssertUsageError(
            HotPlug("skylake-sp", json: false, action, "--slot", port),
            $"slot {physicalSlot} ({port}) is empty; the occupied slots are {SkylakeOccupiedSlots}");
    }

    [Fact]
    public void Removing_from_the_empty_icelake_slot_lists_the_occupied_slot_of_its_domain()
    {
        AssertUsageError(
            HotPlug("icelake-sp", json: false, "remove", "--slot", "10000:00:01.0"),
            "slot 2 (10000:00:01.0) is empty; the occupied slots are slot 1 10000:00:00.0");
    }

    [Theory]
    [MemberData(nameof(MachinesWithoutSlots))]
    public void On_a_machine_without_slots_every_vmd_function_is_a_usage_error_saying_there_are_none(string machine)
    {
        string[] addresses = SlotTopology.VmdFunctionAddresses(machine).ToArray();
        Assert.NotEmpty(addresses);
        foreach (string address in addresses)
        {
            string domain = address.Split(':')[0];
            foreach (string action in new[] { "insert", "remove", "surprise-remove" })
            {
                AssertUsageError(
                    HotPlug(machine, json: false, action, "--slot", address),
                    $"{address} is neither a hot-plug slot nor in one; the slots of domain {domain} are none");
            }
        }
    }

    [Fact]
    public void On_tigerlake_the_message_names_that_there_are_no_slots()
    {
        ShellResult result = HotPlug("tigerlake", json: false, "insert", "--slot", "10000:e0:06.0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Equal("vmd: 10000:e0:06.0 is neither a hot-plug slot nor in one; the slots of domain 10000 are none\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Without_a_vmd_it_exits_3()
    {
        ShellResult result = HotPlug("empty", json: false, "insert", "--slot", "10000:00:00.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_map_step_fails_it_exits_4()
    {
        ShellResult result = HotPlug("arrowlake-s-nofeature", json: false, "insert", "--slot", "10000:e0:06.0");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("Map failed", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
    }
}
