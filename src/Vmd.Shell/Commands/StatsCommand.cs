using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vmd.Core;
using Vmd.Core.Telemetry;
using Vmd.Simulation;

namespace Vmd.Shell.Commands;

/// <summary>
/// <c>vmd stats</c>: the whole bring-up, then how many hardware accesses it took (measured after enumeration); then
/// interrupt routing, one error pass and each VMD's telemetry snapshot.
/// </summary>
internal static class StatsCommand
{
    public static int Run(ShellOptions options, SimulatedMachine machine, ILoggerFactory loggers, TextWriter output, TextWriter error)
    {
        using VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = machine.TimeProvider }, loggers);
        StepRunner.RunTo(host, VmdState.Enumerated);
        long reads = 0;
        long readBacks = 0;
        long writes = 0;
        long rejected = 0;
        int functions = 0;
        foreach (VmdController vmd in host.Controllers)
        {
            functions += vmd.Functions.Length;
            if (vmd.Domain is { } domain)
            {
                reads += domain.Reads;
                readBacks += domain.ReadBacks;
                writes += domain.Writes;
                rejected += domain.RejectedAccesses;
            }
        }

        // The access counts are those of the bring-up through enumeration: taken now, before the telemetry part goes on.
        long hostConfigReads = machine.Counters.HostConfigReads;
        long hostConfigWrites = machine.Counters.HostConfigWrites;
        long mmioReads = machine.Counters.MmioReads;
        long mmioWrites = machine.Counters.MmioWrites;

        StepRunner.RunTo(host, VmdState.InterruptsRouted, machine.Interrupts);
        var telemetry = new List<(VmdController Vmd, VmdTelemetrySnapshot Snapshot)>();
        foreach (VmdController vmd in host.Controllers)
        {
            if (vmd.State >= VmdState.Enumerated)
            {
                vmd.ProcessErrors();
            }

            telemetry.Add((vmd, vmd.GetTelemetry()));
        }

        if (options.Json)
        {
            JsonOutput.Write(output, json =>
            {
                json.WriteStartObject();
                json.WriteString("machine", machine.Name);
                json.WriteNumber("vmds", host.Controllers.Count);
                json.WriteNumber("functions", functions);
                json.WriteNumber("configReads", reads + readBacks);
                json.WriteNumber("configReadBacks", readBacks);
                json.WriteNumber("configWrites", writes);
                json.WriteNumber("rejectedAccesses", rejected);
                json.WriteNumber("hostConfigReads", hostConfigReads);
                json.WriteNumber("hostConfigWrites", hostConfigWrites);
                json.WriteNumber("mmioReads", mmioReads);
                json.WriteNumber("mmioWrites", mmioWrites);
                json.WriteStartArray("telemetry");
                foreach ((VmdController vmd, VmdTelemetrySnapshot t) in telemetry)
                {
                    WriteJson(json, vmd, t);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            });
        }
        else
        {
            output.WriteLine($"machine            {machine.Name}");
            output.WriteLine($"VMDs               {host.Controllers.Count}");
            output.WriteLine($"functions behind   {functions}");
            output.WriteLine($"CFGBAR reads       {reads + readBacks} ({readBacks} of them read-backs after writes)");
            output.WriteLine($"CFGBAR writes      {writes}");
            output.WriteLine($"refused accesses   {rejected} (outside the domain, never sent)");
            output.WriteLine($"host config reads  {hostConfigReads}, writes {hostConfigWrites}");
            output.WriteLine($"MMIO reads         {mmioReads}, writes {mmioWrites} (CFGBAR accesses included)");
            foreach ((VmdController vmd, VmdTelemetrySnapshot t) in telemetry)
            {
                Write(output, vmd, t);
            }
        }

        return CommandResult.Of(host, error);
    }

    /// <summary>The text block: a heading and seven lines.</summary>
    private static void Write(TextWriter output, VmdController vmd, VmdTelemetrySnapshot t)
    {
        output.WriteLine($"telemetry of VMD {vmd.Endpoint.Address} (after interrupt routing and one error pass):");
        output.WriteLine($"  config           {t.ConfigReads} reads, {t.ConfigWrites} writes, {t.ConfigRejected} refused");
        output.WriteLine($"  interrupts       {t.Interrupts} dispatched, {t.SpuriousInterrupts} spurious");
        output.WriteLine($"  errors           {t.CorrectableErrors} correctable, {t.NonFatalErrors} non-fatal, {t.FatalErrors} fatal");
        output.WriteLine($"  error log        {t.ErrorLogLines} lines, {t.ErrorLogSuppressed} reports suppressed");
        output.WriteLine($"  hot-plug         {t.HotPlugInserted} inserted, {t.HotPlugRemoved} removed, {t.HotPlugSurpriseRemoved} surprise-removed, {t.HotPlugInsertionFailed} insertions failed");
        output.WriteLine($"  resets           {t.Resets}");
        output.WriteLine($"  enumerations     {t.Enumerations}, last {Milliseconds(t.LastEnumerationTime.TotalMilliseconds)} ms, total {Milliseconds(t.TotalEnumerationTime.TotalMilliseconds)} ms");
    }

    private static void WriteJson(Utf8JsonWriter json, VmdController vmd, VmdTelemetrySnapshot t)
    {
        json.WriteStartObject();
        json.WriteString("address", vmd.Endpoint.Address.ToString());
        json.WriteNumber("configReads", t.ConfigReads);
        json.WriteNumber("configWrites", t.ConfigWrites);
        json.WriteNumber("configRejected", t.ConfigRejected);
        json.WriteNumber("interrupts", t.Interrupts);
        json.WriteNumber("spuriousInterrupts", t.SpuriousInterrupts);
        json.WriteNumber("correctableErrors", t.CorrectableErrors);
        json.WriteNumber("nonFatalErrors", t.NonFatalErrors);
        json.WriteNumber("fatalErrors", t.FatalErrors);
        json.WriteNumber("errorLogLines", t.ErrorLogLines);
        json.WriteNumber("errorLogSuppressed", t.ErrorLogSuppressed);
        json.WriteNumber("hotPlugInserted", t.HotPlugInserted);
        json.WriteNumber("hotPlugRemoved", t.HotPlugRemoved);
        json.WriteNumber("hotPlugSurpriseRemoved", t.HotPlugSurpriseRemoved);
        json.WriteNumber("hotPlugInsertionFailed", t.HotPlugInsertionFailed);
        json.WriteNumber("resets", t.Resets);
        json.WriteNumber("enumerations", t.Enumerations);
        json.WriteNumber("lastEnumerationTime", t.LastEnumerationTime.TotalMilliseconds);
        json.WriteNumber("totalEnumerationTime", t.TotalEnumerationTime.TotalMilliseconds);
        json.WriteEndObject();
    }

    private static string Milliseconds(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);
}
