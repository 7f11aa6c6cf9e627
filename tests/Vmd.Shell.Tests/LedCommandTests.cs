using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

public sealed class LedCommandTests
{
    private static readonly string[] Keys = ["slot", "physicalSlot", "occupied", "before", "led"];

    private static readonly string[] States = ["off", "identify", "fault", "rebuild"];

    /// <summary>Every hot-plug slot of the built-in machines: machine, port, physical slot number.</summary>
    public static IEnumerable<object[]> AllSlots() =>
    [
        ["skylake-sp", "10000:00:00.0", 1],
        ["skylake-sp", "10000:00:01.0", 2],
        ["skylake-sp", "10000:00:02.0", 3],
        ["skylake-sp", "10000:00:03.0", 4],
        ["skylake-sp", "10000:04:08.0", 10],
        ["skylake-sp", "10000:04:09.0", 11],
        ["icelake-sp", "10000:00:00.0", 1],
        ["icelake-sp", "10000:00:01.0", 2],
        ["icelake-sp", "10001:80:02.0", 3],
        ["icelake-sp", "10001:80:03.0", 4],
        ["two-vmd", "10000:00:00.0", 1],
        ["two-vmd", "10001:00:00.0", 1],
    ];

    /// <summary>Each settable state on an occupied slot, an empty slot, a switch slot and one of the second Ice Lake VMD.</summary>
    public static IEnumerable<object[]> StatesOnSlots()
    {
        foreach (string state in States)
        {
            yield return [state, "skylake-sp", "10000:00:02.0", "10000:00:02.0"];
            yield return [state, "skylake-sp", "10000:00:00.0", "10000:00:00.0"];
            yield return [state, "skylake-sp", "10000:04:09.0", "10000:04:09.0"];
            yield return [state, "skylake-sp", "10000:05:00.0", "10000:04:08.0"];
            yield return [state, "icelake-sp", "10001:80:03.0", "10001:80:03.0"];
        }
    }

    private static ShellResult Led(string machine, bool json, params string[] arguments) => Shell.RunCommand(machine, json, "led", arguments);

    private static void AssertUsageError(ShellResult result, params string[] fragments) => Shell.AssertUsageError(result, fragments);

    [Theory]
    [MemberData(nameof(AllSlots))]
    public void Get_reads_a_state_of_every_slot_and_its_occupancy_matches_lspci(string machine, string port, int physicalSlot)
    {
        bool occupied = SlotTopology.Of(machine).Below(port).Length > 0;

        ShellResult text = Led(machine, json: false, "--slot", port);
        ShellResult json = Led(machine, json: true, "--slot", port);

        Assert.Equal(0, text.ExitCode);
        Assert.Equal(string.Empty, text.Error);
        string line = Assert.Single(text.OutputLines);
        Assert.Matches($@"^slot {physicalSlot} \({port}, {(occupied ? "occupied" : "empty")}\): led (off|identify|fault|rebuild)$", line);

        Assert.Equal(0, json.ExitCode);
        using JsonDocument document = json.Json();
        JsonElement root = document.RootElement;
        Assert.Equal(Keys, SlotTopology.Keys(root));
        Assert.Equal(port, root.GetProperty("slot").GetString());
        Assert.Equal(physicalSlot, root.GetProperty("physicalSlot").GetInt32());
        Assert.Equal(occupied, root.GetProperty("occupied").GetBoolean());
        string led = root.GetProperty("led").GetString()!;
        Assert.Contains(led, States);
        Assert.Equal(led, root.GetProperty("before").GetString());
        Assert.EndsWith(": led " + led, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Slots_start_off_as_firmware_leaves_them()
    {
        foreach (object[] slot in AllSlots())
        {
            ShellResult result = Led((string)slot[0], json: true, "--slot", (string)slot[1]);
            using JsonDocument json = result.Json();
            Assert.Equal("off", json.RootElement.GetProperty("led").GetString());
        }
    }

    [Theory]
    [InlineData("10000:0a:00.0", 3, "10000:00:02.0")]
    [InlineData("10000:03:00.0", 2, "10000:00:01.0")]
    [InlineData("10000:04:08.0", 10, "10000:04:08.0")]
    [InlineData("10000:07:00.0", 11, "10000:04:09.0")]
    public void A_function_in_a_slot_selects_the_nearest_slot_above_it(string address, int physicalSlot, string port)
    {
        ShellResult result = Led("skylake-sp", json: false, "--slot", address);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"slot {physicalSlot} ({port}, occupied): led off", Assert.Single(result.OutputLines));
    }

    [Theory]
    [MemberData(nameof(StatesOnSlots))]
    public void Set_then_reads_back_the_state(string state, string machine, string address, string port)
    {
        ShellResult result = Led(machine, json: true, "--slot", address, "--set", state);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using JsonDocument json = result.Json();
        JsonElement root = json.RootElement;
        Assert.Equal(Keys, SlotTopology.Keys(root));
        Assert.Equal(port, root.GetProperty("slot").GetString());
        Assert.Equal("off", root.GetProperty("before").GetString());
        Assert.Equal(state, root.GetProperty("led").GetString());
    }

    [Theory]
    [MemberData(nameof(StatesOnSlots))]
    public void Text_set_prints_the_new_state_and_the_old_one(string state, string machine, string address, string port)
    {
        ShellResult result = Led(machine, json: false, "--slot", address, "--set", state);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Matches($@"^slot \d+ \({port}, (occupied|empty)\): led {state} \(was off\)$", Assert.Single(result.OutputLines));
    }

    [Theory]
    [InlineData("10000:00:00.0", 1)]
    [InlineData("10000:00:03.0", 4)]
    public void Identify_works_on_an_empty_slot(string port, int physicalSlot)
    {
        ShellResult result = Led("skylake-sp", json: false, "--slot", port, "--set", "identify");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        Assert.Equal($"slot {physicalSlot} ({port}, empty): led identify (was off)", Assert.Single(result.OutputLines));
    }

    [Theory]
    [InlineData("IDENTIFY", "identify")]
    [InlineData("Fault", "fault")]
    public void State_names_are_case_insensitive(string given, string state)
    {
        ShellResult result = Led("skylake-sp", json: true, "--slot", "10000:00:02.0", "--set", given);

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        Assert.Equal(state, json.RootElement.GetProperty("led").GetString());
    }

    [Theory]
    [InlineData("blink")]
    [InlineData("unknown")]
    [InlineData("on")]
    [InlineData("")]
    public void An_unknown_state_is_a_usage_error_listing_the_states(string state)
    {
        AssertUsageError(
            Led("skylake-sp", json: false, "--slot", "10000:00:02.0", "--set", state),
            $"unknown LED state '{state}'; the states are off, identify, fault or rebuild");
    }

    [Fact]
    public void Set_without_a_state_is_a_usage_error_listing_the_states()
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot", "10000:00:02.0", "--set"), "--set needs a state: off, identify, fault or rebuild");
    }

    [Fact]
    public void Slot_without_an_address_is_a_usage_error()
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot"), "--slot needs an address");
    }

    [Theory]
    [InlineData]
    [InlineData("--set", "fault")]
    public void No_slot_is_a_usage_error(params string[] arguments)
    {
        AssertUsageError(Led("skylake-sp", json: false, arguments), "'led' needs --slot ADDR");
    }

    [Theory]
    [InlineData("extra")]
    [InlineData("--frob")]
    [InlineData("-v")]
    public void An_unknown_argument_is_a_usage_error_naming_it(string word)
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot", "10000:00:02.0", word), $"unknown argument '{word}' for 'led'", "--slot ADDR");
    }

    [Theory]
    [InlineData("x")]
    [InlineData("10000:00:02")]
    public void A_malformed_address_is_a_usage_error_naming_it(string address)
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot", address), $"--slot '{address}' is not a PCI address");
    }

    [Theory]
    [InlineData("skylake-sp", "10000:00:05.0", false, "slot 1 10000:00:00.0 (empty), slot 2 10000:00:01.0 (occupied), slot 3 10000:00:02.0 (occupied), slot 4 10000:00:03.0 (empty), slot 10 10000:04:08.0 (occupied), slot 11 10000:04:09.0 (occupied)")]
    [InlineData("tigerlake", "10000:e1:00.0", true, "none")]
    [InlineData("alderlake", "10000:e0:17.0", true, "none")]
    public void An_address_not_in_a_slot_is_a_usage_error_listing_the_slots(string machine, string address, bool isFunction, string slots)
    {
        Assert.Equal(isFunction, SlotTopology.VmdFunctionAddresses(machine).Contains(address));

        AssertUsageError(
            Led(machine, json: false, "--slot", address, "--set", "fault"),
            $"{address} is neither a hot-plug slot nor in one; the slots of domain 10000 are {slots}");
    }

    [Fact]
    public void An_address_outside_every_vmd_domain_is_a_usage_error()
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot", "0000:00:1f.0"), "0000:00:1f.0 is not in a VMD domain of this machine");
    }

    [Fact]
    public void Without_a_vmd_it_exits_3()
    {
        ShellResult result = Led("empty", json: false, "--slot", "10000:00:00.0");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no VMD found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_slots_are_a_usage_error()
    {
        AssertUsageError(Led("skylake-sp", json: false, "--slot", "10000:00:03.0", "--slot", "10000:00:00.0"), "--slot was given twice");
    }
}
