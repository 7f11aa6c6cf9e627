using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Vmd.Benchmarks;

/// <summary>
/// A summary column computed in the host process from <see cref="DomainWorkload.GetCounts"/> (the walk is deterministic,
/// so counting it once outside the measured process gives the per-operation counts of the measured one) and, for rates,
/// from the measured mean.
/// </summary>
internal sealed class CountColumn : IColumn
{
    private readonly Func<Summary, BenchmarkCase, string> _value;

    public CountColumn(string columnName, string legend, Func<Summary, BenchmarkCase, string> value)
    {
        ColumnName = columnName;
        Legend = legend;
        _value = value;
    }

    public string Id => nameof(CountColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    /// <summary>The value, or "-" for a case that walks no domain (another class in a joined summary).</summary>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => DomainOf(benchmarkCase) is null ? "-" : _value(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <summary>The domain a case walks: its Domain parameter, "scale-N" for a Functions parameter, or null.</summary>
    public static string? DomainOf(BenchmarkCase benchmarkCase)
    {
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            if (parameter.Name == "Domain")
            {
                return (string)parameter.Value;
            }

            if (parameter.Name == "Functions")
            {
                return SyntheticDomains.ScalePrefix + ((int)parameter.Value).ToString(CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>True for the cases that time a re-scan (method name contains "Rescan", or a scan-throughput method).</summary>
    public static bool IsRescan(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type == typeof(ScanBenchmarks) || benchmarkCase.Descriptor.WorkloadMethod.Name.Contains("Rescan", StringComparison.Ordinal);

    /// <summary>Mean in nanoseconds, or NaN when the case has no result (yet).</summary>
    public static double MeanNanoseconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Mean ?? double.NaN;

    public static string Format(double value, string format) =>
        double.IsNaN(value) ? "?" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The count columns of the scan, enumeration and scaling benchmarks.</summary>
internal sealed class CountColumnsConfig : ManualConfig
{
    public CountColumnsConfig()
    {
        AddColumn(
            new CountColumn("Present", "Functions present in the domain", (_, c) => CountColumn.Format(DomainWorkload.GetCounts(CountColumn.DomainOf(c)!).Functions)),
            new CountColumn("Buses", "Buses the walk scans / buses in the domain's range", (_, c) =>
            {
                AccessCounts counts = DomainWorkload.GetCounts(CountColumn.DomainOf(c)!);
                return $"{counts.BusesScanned}/{counts.BusesInRange}";
            }),
            new CountColumn("Reads", "Config reads per operation, counted by the library port (VmdConfigSpace.Reads; write read-backs excluded)", (_, c) =>
                CountColumn.Format(ReadsOf(c))),
            new CountColumn("Least", "Least possible reads for the same walk (LeastAccesses)", (_, c) =>
            {
                AccessCounts counts = DomainWorkload.GetCounts(CountColumn.DomainOf(c)!);
                return CountColumn.Format(CountColumn.IsRescan(c) ? counts.Least.RescanReads : counts.Least.EnumerateReads);
            }),
            new CountColumn("Reads/Least", "Reads divided by the least possible", (_, c) =>
            {
                AccessCounts counts = DomainWorkload.GetCounts(CountColumn.DomainOf(c)!);
                double least = CountColumn.IsRescan(c) ? counts.Least.RescanReads : counts.Least.EnumerateReads;
                return CountColumn.Format(ReadsOf(c) / least, "0.00");
            }),
            new CountColumn("Writes", "Config writes per operation (ours/least); each of ours is followed by one VMD read-back", (_, c) =>
            {
                AccessCounts counts = DomainWorkload.GetCounts(CountColumn.DomainOf(c)!);
                return CountColumn.IsRescan(c) ? "0/0" : $"{counts.EnumerateWrites}/{counts.Least.EnumerateWrites}";
            }),
            new CountColumn("ns/read", "Mean divided by Reads", (s, c) => CountColumn.Format(CountColumn.MeanNanoseconds(s, c) / ReadsOf(c), "0.0")),
            new CountColumn("Mreads/s", "Config reads per second, in millions: Reads / Mean", (s, c) => CountColumn.Format(ReadsOf(c) / CountColumn.MeanNanoseconds(s, c) * 1000.0, "0.0")));
    }

    private static long ReadsOf(BenchmarkCase benchmarkCase)
    {
        AccessCounts counts = DomainWorkload.GetCounts(CountColumn.DomainOf(benchmarkCase)!);
        return CountColumn.IsRescan(benchmarkCase) ? counts.RescanReads : counts.EnumerateReads;
    }
}
