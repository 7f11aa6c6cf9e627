using System;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Vmd.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet's switcher; or, with <c>counts</c> as the only argument, prints each benchmark domain's config
    /// access counts against the least possible (no timing, a second or two); with <c>trace &lt;domain&gt;</c>, every access
    /// of one enumeration and one re-scan.
    /// </summary>
    /// <returns>0, or 1 when a benchmark failed (setup threw, the process crashed, validation failed), so CI can tell.</returns>
    public static int Main(string[] args)
    {
        if (args is ["counts"])
        {
            PrintCounts();
            return 0;
        }

        if (args is ["trace", string domain])
        {
            // Every access of one full enumeration and one re-scan of the domain, one per line.
            using DomainWorkload workload = DomainWorkload.Create(domain);
            var enumerator = new Vmd.Enumeration.Walk.DomainEnumerator(new TracingConfigSpace(workload.Port, Console.Out), workload.Port.Domain, workload.FirstBus, workload.LastBus);
            Console.WriteLine("# Enumerate");
            enumerator.Enumerate();
            Console.WriteLine("# Rescan");
            enumerator.Rescan();
            return 0;
        }

        int failed = 0;
        foreach (Summary summary in BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, CreateConfig(args)))
        {
            if (summary.HasCriticalValidationErrors)
            {
                failed++;
            }

            foreach (BenchmarkReport report in summary.Reports)
            {
                if (!report.Success)
                {
                    Console.Error.WriteLine($"Benchmark failed: {report.BenchmarkCase.DisplayInfo}");
                    failed++;
                }
            }

            failed += summary.BenchmarksCases.Length - summary.Reports.Length;
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// The measured job — one launch, 2 warm-up and 5 measured iterations — unless a job is named on the command line
    /// (<c>--job dry</c> for CI): a job given in an attribute would run in addition to the command line's, so the classes
    /// carry none and it is chosen here.
    /// </summary>
    private static IConfig CreateConfig(string[] args)
    {
        foreach (string arg in args)
        {
            if (arg is "--job" or "-j" || arg.StartsWith("--job=", StringComparison.Ordinal))
            {
                return DefaultConfig.Instance;
            }
        }

        return DefaultConfig.Instance.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithId("Short"));
    }

    private static void PrintCounts()
    {
        string[] domains = ["tigerlake", "alderlake", "skylake-sp", SyntheticDomains.Dense, "scale-25", "scale-50", "scale-100", "scale-200", "scale-400"];
        Console.WriteLine("| Domain | Functions | Buses scanned/in range | Enumerate reads | least | ratio | writes | least | read-backs | Rescan reads | least | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string domain in domains)
        {
            AccessCounts c = DomainWorkload.GetCounts(domain);
            LeastAccesses l = c.Least;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {domain} | {c.Functions} | {c.BusesScanned}/{c.BusesInRange} | {c.EnumerateReads} | {l.EnumerateReads} | {(double)c.EnumerateReads / l.EnumerateReads:0.00} | {c.EnumerateWrites} | {l.EnumerateWrites} | {c.EnumerateReadBacks} | {c.RescanReads} | {l.RescanReads} | {(double)c.RescanReads / l.RescanReads:0.00} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Least-possible breakdown (reads): discovery, header, capabilities, PCIe registers, BAR sizing, bridge probes | re-scan BARs, re-scan windows | writes: sizing, numbering");
        foreach (string domain in domains)
        {
            LeastAccesses l = DomainWorkload.GetCounts(domain).Least;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{domain}: {l.DiscoveryReads}, {l.HeaderReads}, {l.CapabilityReads}, {l.ExpressReads}, {l.SizingReads}, {l.BridgeProbeReads} | {l.RescanBarReads}, {l.RescanWindowReads} | {l.SizingWrites}, {l.NumberingWrites}"));
        }
    }
}
