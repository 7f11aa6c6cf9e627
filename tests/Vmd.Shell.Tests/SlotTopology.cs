using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace Vmd.Shell.Tests;

/// <summary>One memory BAR of a function as <c>vmd --json lspci</c> lists it.</summary>
internal sealed record LspciBar(int Index, ulong Cpu, ulong Bus, ulong Size);

/// <summary>One function as <c>vmd --json lspci</c> lists it, with its bridge numbers and memory window if it is a bridge.</summary>
internal sealed record LspciFunction(
    string Address,
    string VendorDevice,
    string ClassCode,
    int? Secondary,
    int? Subordinate,
    ulong? MemoryBase,
    ulong? MemoryLimit,
    LspciBar[] Bars)
{
    public string Domain => Address.Split(':')[0];

    public int Bus => int.Parse(Address.Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>
/// The machine as <c>vmd --json lspci</c> sees it before any hot-plug action: the reference the hot-plug and LED tests
/// compare the commands' output with (which functions a slot holds, the slot's window, the domain's function count).
/// </summary>
internal sealed class SlotTopology
{
    private SlotTopology(LspciFunction[] functions, Dictionary<string, string> fingerprints)
    {
        Functions = functions;
        Fingerprints = fingerprints;
    }

    public LspciFunction[] Functions { get; }

    /// <summary>Each VMD domain's fingerprint ("10000" → 16 hex digits).</summary>
    public Dictionary<string, string> Fingerprints { get; }

    public static SlotTopology Of(string machine)
    {
        ShellResult result = Shell.Run("--machine", machine, "--json", "lspci");
        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = result.Json();
        var functions = new List<LspciFunction>();
        foreach (JsonElement f in json.RootElement.GetProperty("functions").EnumerateArray())
        {
            JsonElement bridge = f.GetProperty("bridge");
            bool isBridge = bridge.ValueKind == JsonValueKind.Object;
            LspciBar[] bars = f.GetProperty("bars").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "memory")
                .Select(b => new LspciBar(
                    b.GetProperty("index").GetInt32(),
                    b.GetProperty("address").GetUInt64(),
                    b.GetProperty("busAddress").GetUInt64(),
                    b.GetProperty("size").GetUInt64()))
                .ToArray();
            functions.Add(new LspciFunction(
                f.GetProperty("address").GetString()!,
                f.GetProperty("vendorId").GetString() + ":" + f.GetProperty("deviceId").GetString(),
                f.GetProperty("classCode").GetString()!,
                isBridge ? bridge.GetProperty("secondary").GetInt32() : null,
                isBridge ? bridge.GetProperty("subordinate").GetInt32() : null,
                isBridge && bridge.GetProperty("memoryBase").ValueKind == JsonValueKind.Number ? bridge.GetProperty("memoryBase").GetUInt64() : null,
                isBridge && bridge.GetProperty("memoryLimit").ValueKind == JsonValueKind.Number ? bridge.GetProperty("memoryLimit").GetUInt64() : null,
                bars));
        }

        var fingerprints = json.RootElement.GetProperty("fingerprints").EnumerateArray()
            .ToDictionary(d => d.GetProperty("domain").GetString()!, d => d.GetProperty("fingerprint").GetString()!);
        return new SlotTopology([.. functions], fingerprints);
    }

    public LspciFunction Function(string address) => Functions.Single(f => f.Address == address);

    /// <summary>The functions of a VMD domain ("10000").</summary>
    public LspciFunction[] InDomain(string domain) => Functions.Where(f => f.Domain == domain).ToArray();

    /// <summary>Every function below the bridge <paramref name="port"/> (its secondary to subordinate buses, same domain).</summary>
    public LspciFunction[] Below(string port)
    {
        LspciFunction bridge = Function(port);
        Assert.NotNull(bridge.Secondary);
        return InDomain(bridge.Domain).Where(f => f.Bus >= bridge.Secondary && f.Bus <= bridge.Subordinate).ToArray();
    }

    /// <summary>
    /// CPU address minus bus address of the memory BARs of <paramref name="domain"/> (the same for every BAR of the
    /// domain; 0 when the domain has no BAR): bridge windows are bus addresses, the hot-plug text prints CPU addresses.
    /// </summary>
    public ulong CpuMinusBus(string domain)
    {
        ulong[] offsets = InDomain(domain).SelectMany(f => f.Bars).Where(b => b.Size > 0).Select(b => b.Cpu - b.Bus).Distinct().ToArray();
        Assert.True(offsets.Length <= 1, $"domain {domain} has BARs with different CPU-bus offsets");
        return offsets.Length == 0 ? 0 : offsets[0];
    }

    public static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static string[] Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Every function behind a VMD of <paramref name="machine"/> (the address of each, for the "no slots" errors).</summary>
    public static IEnumerable<string> VmdFunctionAddresses(string machine) =>
        Of(machine).Functions.Where(f => !f.Address.StartsWith("0000:", StringComparison.Ordinal)).Select(f => f.Address);
}
