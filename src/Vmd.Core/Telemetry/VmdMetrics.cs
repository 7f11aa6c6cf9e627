using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using Vmd.Enumeration.Errors;

namespace Vmd.Core.Telemetry;

/// <summary>
/// The <c>Vmd</c> meter (<see cref="System.Diagnostics.Metrics"/>) over every controller of a <see cref="VmdHost"/>:
/// observable instruments that read the same counters as <see cref="VmdController.GetTelemetry"/> when a listener
/// collects, so the driver's own paths never call into the metrics API. Every measurement carries the VMD's address
/// as tag <c>vmd</c>.
/// </summary>
/// <remarks>
/// Instruments: <c>vmd.config.reads</c>, <c>vmd.config.writes</c>, <c>vmd.config.rejected</c>, <c>vmd.interrupts</c>
/// (tag <c>vector</c>), <c>vmd.interrupts.spurious</c> (tag <c>vector</c>), <c>vmd.errors</c> (tags <c>register</c>),
/// <c>vmd.errors.by_severity</c> (tag <c>severity</c>), <c>vmd.hotplug.events</c> (tag <c>kind</c>), <c>vmd.resets</c>,
/// <c>vmd.enumerations</c>, <c>vmd.enumeration.duration</c> (gauge, seconds, the last one).
/// </remarks>
public sealed class VmdMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Vmd";

    private readonly Meter _meter;
    private readonly VmdHost _host;

    /// <summary>Creates the meter (through <paramref name="factory"/> when the host has one) and its instruments.</summary>
    public VmdMetrics(VmdHost host, IMeterFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("vmd.config.reads", () => PerVmd(static t => t.ConfigReads), "{read}", "Config reads through CFGBAR");
        _meter.CreateObservableCounter("vmd.config.writes", () => PerVmd(static t => t.ConfigWrites), "{write}", "Config writes through CFGBAR");
        _meter.CreateObservableCounter("vmd.config.rejected", () => PerVmd(static t => t.ConfigRejected), "{access}", "Config accesses refused before CFGBAR");
        _meter.CreateObservableCounter("vmd.interrupts", () => PerVector(spurious: false), "{interrupt}", "Interrupts dispatched per VMD vector");
        _meter.CreateObservableCounter("vmd.interrupts.spurious", () => PerVector(spurious: true), "{interrupt}", "Interrupts no handler claimed, per VMD vector");
        _meter.CreateObservableCounter("vmd.errors", ErrorsByRegister, "{error}", "Error records by register");
        _meter.CreateObservableCounter("vmd.errors.by_severity", ErrorsBySeverity, "{error}", "Error records by severity");
        _meter.CreateObservableCounter("vmd.hotplug.events", HotPlugEvents, "{event}", "Hot-plug events by kind");
        _meter.CreateObservableCounter("vmd.resets", () => PerVmd(static t => t.Resets), "{reset}", "Domain resets");
        _meter.CreateObservableCounter("vmd.enumerations", () => PerVmd(static t => t.Enumerations), "{enumeration}", "Enumerations");
        _meter.CreateObservableGauge("vmd.enumeration.duration", EnumerationDuration, "s", "How long the last enumeration took");
    }

    /// <summary>The meter.</summary>
    public Meter Meter => _meter;

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> PerVmd(Func<VmdTelemetrySnapshot, long> value)
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            yield return new Measurement<long>(value(vmd.GetTelemetry()), new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString()));
        }
    }

    private IEnumerable<Measurement<long>> PerVector(bool spurious)
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            long[] dispatched = new long[vmd.Dispatcher?.VectorCount ?? 0];
            long[] unclaimed = new long[dispatched.Length];
            int count = vmd.CopyVectorCounts(dispatched, unclaimed);
            for (int vector = 0; vector < count; vector++)
            {
                yield return new Measurement<long>(spurious ? unclaimed[vector] : dispatched[vector],
                    new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString()), new KeyValuePair<string, object?>("vector", vector));
            }
        }
    }

    private IEnumerable<Measurement<long>> ErrorsByRegister()
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            for (var source = PciErrorSource.Status; source <= PciErrorSource.Containment; source++)
            {
                yield return new Measurement<long>(vmd.GetErrorCount(source),
                    new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString()), new KeyValuePair<string, object?>("register", PciErrorNames.SourceName(source)));
            }
        }
    }

    private IEnumerable<Measurement<long>> ErrorsBySeverity()
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            VmdTelemetrySnapshot t = vmd.GetTelemetry();
            var tag = new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString());
            yield return new Measurement<long>(t.CorrectableErrors, tag, new KeyValuePair<string, object?>("severity", "correctable"));
            yield return new Measurement<long>(t.NonFatalErrors, tag, new KeyValuePair<string, object?>("severity", "non-fatal"));
            yield return new Measurement<long>(t.FatalErrors, tag, new KeyValuePair<string, object?>("severity", "fatal"));
        }
    }

    private IEnumerable<Measurement<long>> HotPlugEvents()
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            VmdTelemetrySnapshot t = vmd.GetTelemetry();
            var tag = new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString());
            yield return new Measurement<long>(t.HotPlugInserted, tag, new KeyValuePair<string, object?>("kind", "inserted"));
            yield return new Measurement<long>(t.HotPlugRemoved, tag, new KeyValuePair<string, object?>("kind", "removed"));
            yield return new Measurement<long>(t.HotPlugSurpriseRemoved, tag, new KeyValuePair<string, object?>("kind", "surprise-removed"));
            yield return new Measurement<long>(t.HotPlugInsertionFailed, tag, new KeyValuePair<string, object?>("kind", "insertion-failed"));
        }
    }

    private IEnumerable<Measurement<double>> EnumerationDuration()
    {
        foreach (VmdController vmd in _host.Controllers)
        {
            yield return new Measurement<double>(vmd.GetTelemetry().LastEnumerationTime.TotalSeconds,
                new KeyValuePair<string, object?>("vmd", vmd.Endpoint.Address.ToString()));
        }
    }
}
