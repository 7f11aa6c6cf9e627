using System;
using System.Collections.Concurrent;
using Vmd.Core;
using Vmd.Core.Domain;
using Vmd.Enumeration.Walk;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Benchmarks;

/// <summary>
/// One simulated domain ready for walking, three ways over the same functions:
/// <list type="bullet">
/// <item><see cref="Enumerator"/> over <see cref="Port"/>: the library's <see cref="VmdConfigSpace"/> on the simulator's CFGBAR
/// (what a test or the shell uses; on hardware the CFGBAR region is a mapped MMIO window);</item>
/// <item><see cref="TableEnumerator"/> over <see cref="TablePort"/>: the same library port over <see cref="TableConfigRegion"/>
/// (the library's share without the simulator's);</item>
/// <item><see cref="RawEnumerator"/> over <see cref="Raw"/>: the raw baseline, no port at all.</item>
/// </list>
/// Each enumerator ran one full <see cref="DomainEnumerator.Enumerate"/> in setup (the library's first, which numbers
/// the bridges; the other two then number them identically), so a <see cref="DomainEnumerator.Rescan"/> on any of
/// them walks the same topology with the same records and must issue the same reads.
/// </summary>
internal sealed class DomainWorkload : IDisposable
{
    private static readonly ConcurrentDictionary<string, AccessCounts> CountsCache = new(StringComparer.Ordinal);

    private DomainWorkload(string name)
    {
        Name = name;
        Machine = SyntheticDomains.TryCreate(name) ?? MachineCatalog.Create(name);
        Host = VmdHost.Detect(Machine.HostConfig, Machine.Memory);
        if (Host.Controllers.Count == 0)
        {
            throw new InvalidOperationException($"No VMD detected on '{name}'.");
        }

        VmdController controller = Host.Controllers[0];
        if (!controller.TryMap())
        {
            throw new InvalidOperationException($"TryMap failed on '{name}': {controller.LastFailure}");
        }

        Vmd = Machine.Vmds[0];
        uint domain = controller.Endpoint.Domain;
        byte first = controller.BusRange!.Start;
        byte last = controller.BusRange.End;
        Port = new VmdConfigSpace(controller.CfgBar!.Region, domain, first, last);
        Enumerator = new DomainEnumerator(Port, domain, first, last);
        Enumerator.Enumerate();

        Table = FunctionTable.Capture(Vmd, first, last);
        Raw = new RawConfigSpace(Table);
        RawEnumerator = new DomainEnumerator(Raw, domain, first, last);
        RawEnumerator.Enumerate();
        TablePort = new VmdConfigSpace(new TableConfigRegion(Table, controller.CfgBar.Region.Length), domain, first, last);
        TableEnumerator = new DomainEnumerator(TablePort, domain, first, last);
        TableEnumerator.Enumerate();

        // Fill each re-scan's second record pool, then check the three walks agree on everything.
        for (int i = 0; i < 2; i++)
        {
            Enumerator.Rescan();
            RawEnumerator.Rescan();
            TableEnumerator.Rescan();
        }

        long portReads = Port.Reads;
        long rawReads = Raw.Reads;
        long tableReads = TablePort.Reads;
        bool unchanged = Enumerator.Rescan() & RawEnumerator.Rescan() & TableEnumerator.Rescan();
        long perWalk = Port.Reads - portReads;
        if (!unchanged || Raw.Reads - rawReads != perWalk || TablePort.Reads - tableReads != perWalk
            || Enumerator.Fingerprint != RawEnumerator.Fingerprint || Enumerator.Fingerprint != TableEnumerator.Fingerprint
            || Enumerator.Functions.Length != RawEnumerator.Functions.Length || Port.RejectedAccesses != 0)
        {
            throw new InvalidOperationException(
                $"'{name}': the walks disagree: unchanged {unchanged}, reads {perWalk}/{Raw.Reads - rawReads}/{TablePort.Reads - tableReads}, " +
                $"fingerprints {Enumerator.Fingerprint:x16}/{RawEnumerator.Fingerprint:x16}/{TableEnumerator.Fingerprint:x16}, rejected {Port.RejectedAccesses}.");
        }

        FirstBus = first;
        LastBus = last;
    }

    public string Name { get; }

    public SimulatedMachine Machine { get; }

    public VmdHost Host { get; }

    public SimulatedVmd Vmd { get; }

    public byte FirstBus { get; }

    public byte LastBus { get; }

    public VmdConfigSpace Port { get; }

    public DomainEnumerator Enumerator { get; }

    public FunctionTable Table { get; }

    public RawConfigSpace Raw { get; }

    public DomainEnumerator RawEnumerator { get; }

    public VmdConfigSpace TablePort { get; }

    public DomainEnumerator TableEnumerator { get; }

    public static DomainWorkload Create(string name) => new(name);

    /// <summary>Access counts of one walk of <paramref name="name"/> (computed once per process, for the summary columns).</summary>
    public static AccessCounts GetCounts(string name) => CountsCache.GetOrAdd(name, static n =>
    {
        using DomainWorkload workload = Create(n);
        return workload.MeasureCounts();
    });

    /// <summary>Runs one full enumeration and one re-scan through <see cref="Port"/> and counts what each issued.</summary>
    public AccessCounts MeasureCounts()
    {
        long reads = Port.Reads;
        long writes = Port.Writes;
        long readBacks = Port.ReadBacks;
        Enumerator.Enumerate();
        long enumerateReads = Port.Reads - reads;
        long enumerateWrites = Port.Writes - writes;
        long enumerateReadBacks = Port.ReadBacks - readBacks;
        Enumerator.Rescan();
        reads = Port.Reads;
        writes = Port.Writes;
        if (!Enumerator.Rescan() || Port.Writes != writes)
        {
            throw new InvalidOperationException($"'{Name}': a re-scan after a re-enumeration changed something or wrote.");
        }

        long rescanReads = Port.Reads - reads;
        LeastAccesses least = LeastAccesses.Count(Table, FirstBus);
        if (least.Functions != Enumerator.Functions.Length)
        {
            throw new InvalidOperationException($"'{Name}': the least-access count found {least.Functions} functions, the enumerator {Enumerator.Functions.Length}.");
        }

        return new AccessCounts(Enumerator.Functions.Length, least.BusesScanned, LastBus - FirstBus + 1, enumerateReads, enumerateWrites, enumerateReadBacks, rescanReads, least);
    }

    public void Dispose() => Host.Dispose();
}

/// <summary>What one walk of a domain issued through the library's port, and the least possible.</summary>
internal sealed record AccessCounts(
    int Functions,
    int BusesScanned,
    int BusesInRange,
    long EnumerateReads,
    long EnumerateWrites,
    long EnumerateReadBacks,
    long RescanReads,
    LeastAccesses Least);
