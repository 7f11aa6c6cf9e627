using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Vmd.Core.Diagnostics;
using Vmd.Core.Interrupts;
using static Vmd.Core.Reports.ReportFormat;

namespace Vmd.Core.Reports;

/// <summary>
/// The <c>vmd irq</c> report (roadmap step 4): per VMD its interrupt mode and vector table — index, host vector,
/// the child functions sharing it, dispatch counts — and, after <c>--test</c>, each NVMe Identify round trip.
/// </summary>
public static class IrqReport
{
    /// <summary>Writes the human-readable report.</summary>
    public static void Write(TextWriter writer, VmdHost host, IReadOnlyList<IdentifyResult> tests)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(tests);
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State < VmdState.InterruptsRouted)
            {
                writer.WriteLine($"VMD {vmd.Endpoint.Address} domain {Hex(vmd.Endpoint.Domain)}: not routed: {(vmd.LastFailure is { } f ? f.ToString() : "RouteInterrupts has not run")}");
                continue;
            }

            writer.WriteLine($"VMD {vmd.Endpoint.Address} domain {Hex(vmd.Endpoint.Domain)}: mode {ModeName(vmd.RoutingMode)}{(vmd.InterruptDegradedReason is { } why ? " (degraded: " + why + ")" : string.Empty)}");

            if (vmd.Vectors is { } table && vmd.Dispatcher is { } dispatcher)
            {
                writer.WriteLine($"  {table.ActiveCount} of {table.TableSize} VMD vectors have host vectors; first usable {table.FirstUsable}");
                writer.WriteLine("  index  host vector  users  dispatched  spurious  functions");
                for (int index = 0; index < table.ActiveCount; index++)
                {
                    string hostVector = table.TryGetHostVector(index, out HostVector vector) ? vector.Value.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : "-";
                    writer.WriteLine($"  {index,5}  {hostVector,11}  {table.GetUserCount(index),5}  {dispatcher.GetDispatchCount(index),10}  {dispatcher.GetSpuriousCount(index),8}  {Sharing(vmd, index)}");
                }
            }

            foreach (ChildInterrupt route in vmd.InterruptRoutes)
            {
                if (route.Mode != InterruptRoutingMode.Remapped)
                {
                    string how = route.HostVector is { } own ? "host vector " + own.Value.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : "polled";
                    writer.WriteLine($"  {route.Function} entry {route.ChildVector}: {how}");
                }
            }
        }

        foreach (IdentifyResult test in tests)
        {
            string verdict = test.Passed ? "ok" : "FAILED";
            string detail = test.Error ?? $"completion {(test.Completed ? "posted" : "missing")}, status {test.Status:x}, VID {test.VendorId:x4}, delivered {test.Deliveries}x";
            string vector = test.VmdVector >= 0 ? $" via VMD vector {test.VmdVector}" : string.Empty;
            writer.WriteLine($"identify {test.Function}{vector}: {verdict} ({detail})");
        }
    }

    /// <summary>
    /// Writes <c>{"vmds":[{"address","mode","degraded","vectors":[{"index","hostVector","users","dispatched","spurious",
    /// "functions":[...]}]}],"mode","vectors","tests":[{"address","vmdVector","delivered","completions","passed"}]}</c>;
    /// top-level "mode" and "vectors" describe the first VMD.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter json, VmdHost host, IReadOnlyList<IdentifyResult> tests)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(tests);
        json.WriteStartObject();
        json.WriteStartArray("vmds");
        foreach (VmdController vmd in host.Controllers)
        {
            json.WriteStartObject();
            json.WriteString("address", vmd.Endpoint.Address.ToString());
            WriteMode(json, vmd);
            json.WriteStartArray("routes");
            foreach (ChildInterrupt route in vmd.InterruptRoutes)
            {
                json.WriteStartObject();
                json.WriteString("function", route.Function.ToString());
                json.WriteNumber("entry", route.ChildVector);
                json.WriteString("mode", ModeName(route.Mode));
                json.WriteNumber("vmdVector", route.VmdVector);
                if (route.HostVector is { } own)
                {
                    json.WriteNumber("hostVector", own.Value);
                }
                else
                {
                    json.WriteNull("hostVector");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (vmd.State < VmdState.InterruptsRouted && vmd.LastFailure is { } failure)
            {
                json.WriteString("error", failure.ToString());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (host.Controllers.Count > 0)
        {
            WriteMode(json, host.Controllers[0]);
        }

        json.WriteStartArray("tests");
        foreach (IdentifyResult test in tests)
        {
            json.WriteStartObject();
            json.WriteString("address", test.Function.ToString());
            json.WriteNumber("vmdVector", test.VmdVector);
            json.WriteNumber("delivered", test.Deliveries);
            json.WriteNumber("completions", test.Completed ? 1 : 0);
            json.WriteBoolean("passed", test.Passed);
            if (test.Error is not null)
            {
                json.WriteString("error", test.Error);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMode(Utf8JsonWriter json, VmdController vmd)
    {
        json.WriteString("mode", vmd.State >= VmdState.InterruptsRouted ? ModeName(vmd.RoutingMode) : "none");
        json.WriteString("degraded", vmd.InterruptDegradedReason);
        json.WriteStartArray("vectors");
        if (vmd.Vectors is { } table && vmd.Dispatcher is { } dispatcher)
        {
            for (int index = 0; index < table.ActiveCount; index++)
            {
                json.WriteStartObject();
                json.WriteNumber("index", index);
                if (table.TryGetHostVector(index, out HostVector vector))
                {
                    json.WriteNumber("hostVector", vector.Value);
                }
                else
                {
                    json.WriteNull("hostVector");
                }

                json.WriteNumber("users", table.GetUserCount(index));
                json.WriteNumber("dispatched", dispatcher.GetDispatchCount(index));
                json.WriteNumber("spurious", dispatcher.GetSpuriousCount(index));
                json.WriteStartArray("functions");
                foreach (ChildInterrupt route in vmd.InterruptRoutes)
                {
                    if (route.VmdVector == index)
                    {
                        json.WriteStringValue(route.Function.ToString());
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
    }

    private static string Sharing(VmdController vmd, int index)
    {
        string text = string.Empty;
        foreach (ChildInterrupt route in vmd.InterruptRoutes)
        {
            if (route.VmdVector == index)
            {
                text += (text.Length == 0 ? string.Empty : ", ") + route.Function;
            }
        }

        return text.Length == 0 ? "-" : text;
    }

    /// <summary>"remapped", "bypass" or "polling".</summary>
    public static string ModeName(InterruptRoutingMode mode) => mode switch
    {
        InterruptRoutingMode.Bypass => "bypass",
        InterruptRoutingMode.Polling => "polling",
        _ => "remapped",
    };
}
