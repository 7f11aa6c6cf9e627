using System;
using System.Threading;

namespace Vmd.Simulation.Diagnostics;

/// <summary>
/// What the simulated hardware has seen: configuration accesses through the host port and through each
/// VMD's CFGBAR (by width), MMIO accesses, and mappings. Tests use it to measure a driver's cost
/// ("absent slot costs one read") and to detect leaked mappings.
/// </summary>
/// <remarks>
/// Counting is a plain <see cref="Interlocked"/> increment; reads may run on any thread. Every
/// counter is cumulative since construction or the last <see cref="Reset"/>, except
/// <see cref="ActiveMappings"/>, which is live state and survives a reset.
/// </remarks>
public sealed class HardwareCounters
{
    private const int HostRead = 0;
    private const int HostWrite = 3;
    private const int DomainRead = 6;
    private const int DomainWrite = 9;
    private const int MmioRead = 12;
    private const int MmioWrite = 13;
    private const int Map = 14;
    private const int Unmap = 15;
    private const int MapFailure = 16;
    private const int Count = 17;

    private readonly long[] _counts = new long[Count];
    private long _activeMappings;

    /// <summary>Byte reads through the host configuration port.</summary>
    public long HostConfigReads8 => Get(HostRead);

    /// <summary>Word reads through the host configuration port.</summary>
    public long HostConfigReads16 => Get(HostRead + 1);

    /// <summary>Dword reads through the host configuration port.</summary>
    public long HostConfigReads32 => Get(HostRead + 2);

    /// <summary>Reads of any width through the host configuration port.</summary>
    public long HostConfigReads => HostConfigReads8 + HostConfigReads16 + HostConfigReads32;

    /// <summary>Byte writes through the host configuration port.</summary>
    public long HostConfigWrites8 => Get(HostWrite);

    /// <summary>Word writes through the host configuration port.</summary>
    public long HostConfigWrites16 => Get(HostWrite + 1);

    /// <summary>Dword writes through the host configuration port.</summary>
    public long HostConfigWrites32 => Get(HostWrite + 2);

    /// <summary>Writes of any width through the host configuration port.</summary>
    public long HostConfigWrites => HostConfigWrites8 + HostConfigWrites16 + HostConfigWrites32;

    /// <summary>Byte configuration reads through any VMD's CFGBAR (one per ECAM access).</summary>
    public long DomainConfigReads8 => Get(DomainRead);

    /// <summary>Word configuration reads through CFGBAR.</summary>
    public long DomainConfigReads16 => Get(DomainRead + 1);

    /// <summary>Dword configuration reads through CFGBAR (a 64-bit MMIO read of CFGBAR counts as two).</summary>
    public long DomainConfigReads32 => Get(DomainRead + 2);

    /// <summary>Configuration reads of any width through CFGBAR.</summary>
    public long DomainConfigReads => DomainConfigReads8 + DomainConfigReads16 + DomainConfigReads32;

    /// <summary>Byte configuration writes through CFGBAR.</summary>
    public long DomainConfigWrites8 => Get(DomainWrite);

    /// <summary>Word configuration writes through CFGBAR.</summary>
    public long DomainConfigWrites16 => Get(DomainWrite + 1);

    /// <summary>Dword configuration writes through CFGBAR (a 64-bit MMIO write of CFGBAR counts as two).</summary>
    public long DomainConfigWrites32 => Get(DomainWrite + 2);

    /// <summary>Configuration writes of any width through CFGBAR.</summary>
    public long DomainConfigWrites => DomainConfigWrites8 + DomainConfigWrites16 + DomainConfigWrites32;

    /// <summary>MMIO reads of any width through mapped regions (CFGBAR accesses included).</summary>
    public long MmioReads => Get(MmioRead);

    /// <summary>MMIO writes of any width through mapped regions (CFGBAR accesses included).</summary>
    public long MmioWrites => Get(MmioWrite);

    /// <summary>Successful <c>TryMap</c> calls.</summary>
    public long Maps => Get(Map);

    /// <summary>Successful <c>Unmap</c> calls.</summary>
    public long Unmaps => Get(Unmap);

    /// <summary><c>TryMap</c> calls refused (by failure injection or an invalid range).</summary>
    public long MapFailures => Get(MapFailure);

    /// <summary>Regions mapped and not yet unmapped: non-zero after a driver has released everything is a leak.</summary>
    public long ActiveMappings => Interlocked.Read(ref _activeMappings);

    /// <summary>Zeroes every cumulative counter; <see cref="ActiveMappings"/> keeps its live value.</summary>
    public void Reset()
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }

    internal void CountHostConfig(bool write, int width) => Interlocked.Increment(ref _counts[(write ? HostWrite : HostRead) + WidthIndex(width)]);

    internal void CountDomainConfig(bool write, int width) => Interlocked.Increment(ref _counts[(write ? DomainWrite : DomainRead) + WidthIndex(width)]);

    internal void CountMmio(bool write) => Interlocked.Increment(ref _counts[write ? MmioWrite : MmioRead]);

    internal void CountMap(bool success)
    {
        if (success)
        {
            Interlocked.Increment(ref _counts[Map]);
            Interlocked.Increment(ref _activeMappings);
        }
        else
        {
            Interlocked.Increment(ref _counts[MapFailure]);
        }
    }

    internal void CountUnmap()
    {
        Interlocked.Increment(ref _counts[Unmap]);
        Interlocked.Decrement(ref _activeMappings);
    }

    private long Get(int index) => Interlocked.Read(ref _counts[index]);

    // Widths 1, 2, 4 map to 0, 1, 2; callers have validated the width already.
    private static int WidthIndex(int width) => width >> 1;
}
