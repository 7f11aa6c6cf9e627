using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Vmd.Core;
using Vmd.Enumeration.Errors;

namespace Vmd.Shell.Commands;

/// <summary>
/// The error records <c>vmd errors</c> found, grouped: records with the same function, register, severity, bits, first
/// error and (for root ports) error sources make one group with a count, in the order first seen.
/// </summary>
internal sealed class ErrorReport
{
    private readonly PciErrorRecord[] _buffer = new PciErrorRecord[VmdController.RecentErrorCapacity];
    private readonly Dictionary<Key, int> _index = [];
    private readonly List<Group> _groups = [];
    private readonly long[] _bySeverity = new long[3];
    private long _records;
    private long _missed;

    /// <summary>Takes the records of the error pass that just found <paramref name="found"/> of them on <paramref name="vmd"/>.</summary>
    public void Collect(VmdController vmd, int found)
    {
        if (found <= 0)
        {
            return;
        }

        int wanted = Math.Min(found, _buffer.Length);
        int copied = vmd.CopyRecentErrors(_buffer.AsSpan(0, wanted));
        _missed += found - copied;
        for (int i = 0; i < copied; i++)
        {
            Add(vmd.Endpoint.Domain, _buffer[i]);
        }
    }

    public void Write(TextWriter output, long suppressed, List<string> logLines, ErrorsCommand.Injection? injection)
    {
        if (injection is not null)
        {
            output.WriteLine($"injected {ErrorKinds.Name(injection.Kind)} x{injection.Count} at {injection.Address}: {ErrorKinds.SeverityName(injection.Result.Severity)}, message {ErrorKinds.OutcomeName(injection.Result.Message)}");
        }

        output.WriteLine(_groups.Count == 0 ? "errors: none" : "errors:");
        foreach (Group group in _groups)
        {
            PciErrorRecord r = group.First;
            string line = $"  {r.Address} {PciErrorNames.SourceName(r.Source)} {PciErrorNames.SeverityName(r.Severity)} {string.Join(",", PciErrorNames.Names(r))} x{group.Count}";
            if (r.Source == PciErrorSource.AerUncorrectable)
            {
                line += $"; first error {FirstError(r) ?? "-"}, header {r.Header0:x8} {r.Header1:x8} {r.Header2:x8} {r.Header3:x8}";
            }

            if (group.Key.CorrectableSource is { } cor)
            {
                line += $"; ERR_COR from {cor}";
            }

            if (group.Key.UncorrectableSource is { } uncor)
            {
                line += $"; ERR_FATAL/NONFATAL from {uncor}";
            }

            output.WriteLine(line);
        }

        output.WriteLine(logLines.Count == 0 ? "log: none" : "log:");
        foreach (string line in logLines)
        {
            output.WriteLine("  " + line);
        }

        string missed = _missed == 0 ? string.Empty : $"; {_missed} records not shown (more than {VmdController.RecentErrorCapacity} in one pass)";
        output.WriteLine($"summary: {_records} error records ({_bySeverity[0]} correctable, {_bySeverity[1]} non-fatal, {_bySeverity[2]} fatal); {logLines.Count} log lines, {suppressed} reports suppressed by the throttle{missed}");
    }

    public void WriteJson(Utf8JsonWriter json, long suppressed, List<string> logLines, ErrorsCommand.Injection? injection)
    {
        json.WriteStartObject();
        json.WriteStartArray("errors");
        foreach (Group group in _groups)
        {
            PciErrorRecord r = group.First;
            json.WriteStartObject();
            json.WriteString("address", r.Address.ToString());
            json.WriteString("kind", PciErrorNames.SourceName(r.Source));
            json.WriteString("severity", PciErrorNames.SeverityName(r.Severity));
            json.WriteStartArray("status");
            foreach (string name in PciErrorNames.Names(r))
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            if (FirstError(r) is { } first)
            {
                json.WriteString("firstError", first);
            }
            else
            {
                json.WriteNull("firstError");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("suppressed", suppressed);
        json.WriteStartArray("errorCounts");
        foreach (Group group in _groups)
        {
            json.WriteNumberValue(group.Count);
        }

        json.WriteEndArray();
        json.WriteStartArray("errorSources");
        foreach (Group group in _groups)
        {
            if (group.First.Source != PciErrorSource.RootError)
            {
                json.WriteNullValue();
                continue;
            }

            json.WriteStartObject();
            WriteAddressOrNull(json, "correctable", group.Key.CorrectableSource);
            WriteAddressOrNull(json, "uncorrectable", group.Key.UncorrectableSource);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("counts");
        json.WriteNumber("records", _records);
        json.WriteNumber("correctable", _bySeverity[0]);
        json.WriteNumber("nonFatal", _bySeverity[1]);
        json.WriteNumber("fatal", _bySeverity[2]);
        json.WriteNumber("notShown", _missed);
        json.WriteEndObject();
        json.WriteStartArray("logLines");
        foreach (string line in logLines)
        {
            json.WriteStringValue(line);
        }

        json.WriteEndArray();
        if (injection is null)
        {
            json.WriteNull("injected");
        }
        else
        {
            json.WriteStartObject("injected");
            json.WriteString("kind", ErrorKinds.Name(injection.Kind));
            json.WriteString("address", injection.Address.ToString());
            json.WriteNumber("count", injection.Count);
            json.WriteString("severity", ErrorKinds.SeverityName(injection.Result.Severity));
            json.WriteString("message", ErrorKinds.OutcomeName(injection.Result.Message));
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteAddressOrNull(Utf8JsonWriter json, string name, PciAddress? address)
    {
        if (address is { } a)
        {
            json.WriteString(name, a.ToString());
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string? FirstError(in PciErrorRecord r) =>
        r.Source == PciErrorSource.AerUncorrectable && r.FirstErrorPointer >= 0 ? PciErrorNames.BitName(PciErrorSource.AerUncorrectable, r.FirstErrorPointer) : null;

    private static PciAddress Requester(uint domain, ushort id) => new(domain, (byte)(id >> 8), (id >> 3) & 0x1F, id & 0x7);

    private void Add(uint domain, in PciErrorRecord record)
    {
        PciAddress? cor = null;
        PciAddress? uncor = null;
        if (record.Source == PciErrorSource.RootError)
        {
            // Error Source Identification is valid for ERR_COR with Root Error Status bit 0, for ERR_FATAL/NONFATAL with bit 2.
            cor = (record.Status & 1u) != 0 ? Requester(domain, record.CorrectableSourceId) : null;
            uncor = (record.Status & 4u) != 0 ? Requester(domain, record.UncorrectableSourceId) : null;
        }

        var key = new Key(record.Address, record.Source, record.Severity, record.Status, record.FirstErrorPointer, cor, uncor);
        if (_index.TryGetValue(key, out int i))
        {
            _groups[i].Count++;
        }
        else
        {
            _index[key] = _groups.Count;
            _groups.Add(new Group(key, record));
        }

        _records++;
        _bySeverity[(int)record.Severity]++;
    }

    private readonly record struct Key(PciAddress Address, PciErrorSource Source, PciErrorSeverity Severity, uint Status, int FirstErrorPointer,
        PciAddress? CorrectableSource, PciAddress? UncorrectableSource);

    private sealed class Group(Key key, PciErrorRecord first)
    {
        public Key Key { get; } = key;

        public PciErrorRecord First { get; } = first;

        public long Count { get; set; } = 1;
    }
}
