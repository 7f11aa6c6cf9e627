using System;
using System.Threading;

namespace Vmd.Simulation.Diagnostics;

/// <summary>
/// What the simulated hardware has seen: configuration accesses through the host port and through each
/// VMD's CFGBAR (by width), MMIO accesses, mappings, DMA, interrupt messages by path, and injected errors with their messages. Tests use it to measure a driver's cost
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
    private const int DmaRead = 17;
    private const int DmaWrite = 18;
    private const int DmaUnclaimedIndex = 19;
    private const int BusMasterDrop = 20;
    private const int Unroutable = 21;
    private const int Remapped = 22;
    private const int Bypassed = 23;
    private const int Direct = 24;
    private const int ToHost = 25;
    private const int RemapOutOfRange = 26;
    private const int LatchedPending = 27;
    private const int NotEnabled = 28;
    private const int ErrorInjected = 29;
    private const int ErrorMessageSent = 30;
    private const int ErrorMessageToRootPort = 31;
    private const int RootErrorInterrupt = 32;
    private const int DpcTrigger = 33;
    private const int MmioUnclaimedIndex = 34;
    private const int Count = 35;

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

    /// <summary>DMA reads devices made from host RAM (one per request: a command fetch, a PRP page).</summary>
    public long DmaReads => Get(DmaRead);

    /// <summary>DMA writes devices made to host RAM (data, completion entries, and message writes whose address was not an interrupt address).</summary>
    public long DmaWrites => Get(DmaWrite);

    /// <summary>DMA requests that reached the host but no RAM backed their address range (dropped, as an Unsupported Request).</summary>
    public long DmaUnclaimed => Get(DmaUnclaimedIndex);

    /// <summary>
    /// DMA requests and interrupt messages dropped because Bus Master Enable was clear on the requesting function,
    /// on a bridge above it, or on the VMD endpoint that carries the domain's requests.
    /// </summary>
    public long BusMasterDrops => Get(BusMasterDrop);

    /// <summary>Upstream requests that found no way to the host: a function no longer attached, or an address inside a bridge's own window (peer-to-peer, not modelled).</summary>
    public long UpstreamUnroutable => Get(Unroutable);

    /// <summary>Child messages a VMD in remap mode (VMCONFIG bit 1 = 0) turned into a signal of one of its own MSI-X entries.</summary>
    public long MessagesRemapped => Get(Remapped);

    /// <summary>Child messages a VMD in bypass mode (VMCONFIG bit 1 = 1) passed to the host unchanged.</summary>
    public long MessagesBypassed => Get(Bypassed);

    /// <summary>Messages from functions not behind a VMD (host segment) that reached the host.</summary>
    public long MessagesDirect => Get(Direct);

    /// <summary>Interrupt messages handed to the host interrupt controller, by any path (the controller may still find the vector masked or unhandled).</summary>
    public long MessagesToHost => Get(ToHost);

    /// <summary>Remapped child messages whose entry index ((address &gt;&gt; 12) &amp; 0xFF) lay beyond the VMD's MSI-X table (dropped).</summary>
    public long RemapIndexOutOfRange => Get(RemapOutOfRange);

    /// <summary>Vectors that found their MSI-X entry, function or MSI vector masked and set a pending bit instead (in a child or a VMD).</summary>
    public long VectorsLatchedPending => Get(LatchedPending);

    /// <summary>Vectors signalled while neither MSI-X nor MSI was enabled for them (in a child, or in the VMD for a remapped message); no INTx exists behind a VMD.</summary>
    public long VectorsNotEnabled => Get(NotEnabled);

    /// <summary>Errors injected into any function of the machine (<c>SimulatedFunction.InjectError</c>), masked or not.</summary>
    public long ErrorsInjected => Get(ErrorInjected);

    /// <summary>ERR_COR, ERR_NONFATAL and ERR_FATAL messages functions sent (unmasked, reporting enabled), whether or not a root port got them.</summary>
    public long ErrorMessagesSent => Get(ErrorMessageSent);

    /// <summary>Error messages a root port received and logged (a root port's own errors included).</summary>
    public long ErrorMessagesToRootPorts => Get(ErrorMessageToRootPort);

    /// <summary>Error interrupts root ports signalled on a rising edge of their Root Error Command / Root Error Status condition (whatever became of the MSI).</summary>
    public long RootErrorInterrupts => Get(RootErrorInterrupt);

    /// <summary>Times a root port's Downstream Port Containment triggered.</summary>
    public long DpcTriggers => Get(DpcTrigger);

    /// <summary>
    /// MMIO accesses through a mapped region (or the direct physical accessors) that neither host RAM nor any host BAR
    /// claimed: they read all-ones and were dropped. Non-zero means a driver touched memory outside every decoding BAR.
    /// </summary>
    public long MmioUnclaimed => Get(MmioUnclaimedIndex);

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

    internal void CountMmioUnclaimed() => Interlocked.Increment(ref _counts[MmioUnclaimedIndex]);

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

    internal void CountDma(bool write) => Interlocked.Increment(ref _counts[write ? DmaWrite : DmaRead]);

    internal void CountDmaUnclaimed() => Interlocked.Increment(ref _counts[DmaUnclaimedIndex]);

    internal void CountBusMasterDrop() => Interlocked.Increment(ref _counts[BusMasterDrop]);

    internal void CountUnroutable() => Interlocked.Increment(ref _counts[Unroutable]);

    internal void CountRemapped() => Interlocked.Increment(ref _counts[Remapped]);

    internal void CountBypassed() => Interlocked.Increment(ref _counts[Bypassed]);

    internal void CountDirect() => Interlocked.Increment(ref _counts[Direct]);

    internal void CountToHost() => Interlocked.Increment(ref _counts[ToHost]);

    internal void CountRemapOutOfRange() => Interlocked.Increment(ref _counts[RemapOutOfRange]);

    internal void CountLatchedPending() => Interlocked.Increment(ref _counts[LatchedPending]);

    internal void CountNotEnabled() => Interlocked.Increment(ref _counts[NotEnabled]);

    internal void CountErrorInjected() => Interlocked.Increment(ref _counts[ErrorInjected]);

    internal void CountErrorMessageSent() => Interlocked.Increment(ref _counts[ErrorMessageSent]);

    internal void CountErrorMessageToRootPort() => Interlocked.Increment(ref _counts[ErrorMessageToRootPort]);

    internal void CountRootErrorInterrupt() => Interlocked.Increment(ref _counts[RootErrorInterrupt]);

    internal void CountDpcTrigger() => Interlocked.Increment(ref _counts[DpcTrigger]);

    private long Get(int index) => Interlocked.Read(ref _counts[index]);

    // Widths 1, 2, 4 map to 0, 1, 2; callers have validated the width already.
    private static int WidthIndex(int width) => width >> 1;
}
