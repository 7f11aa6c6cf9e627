using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Memory;

/// <summary>
/// The host's physical address space behind the mapping port. Mapping always succeeds unless failure
/// injection refuses it; every access through a region is decoded at access time: first host RAM
/// (<see cref="RamBase"/>, <see cref="RamSize"/>: plain memory, zero until written, not counted as MMIO), then the
/// host functions' current BARs and Memory Space Enable bits, so a VMD whose MSE is off reads all-ones, and a
/// BAR a driver moves is found at its new address. Nothing claiming an address reads all-ones and drops writes.
/// Drivers get DMA buffers (queues, data) from <see cref="AllocateDma"/>; devices reach them by bus mastering.
/// </summary>
/// <remarks>
/// Thread-safe: mapping and every access take the machine's lock. Unmapping a region this memory did not hand
/// out, or unmapping twice, throws <see cref="InvalidOperationException"/>; accessing a region after unmapping
/// it throws as well (a real kernel would fault).
/// </remarks>
public sealed class SimulatedPhysicalMemory : IMmioMapper
{
    /// <summary>Default first address of host RAM: 1 MiB, above the legacy real-mode area.</summary>
    public const ulong DefaultRamBase = 0x0010_0000;

    /// <summary>Default size of host RAM: up to 256 MiB, below every BAR and aperture the catalog machines use.</summary>
    public const ulong DefaultRamSize = 0x0FF0_0000;

    private const ulong PageSize = 4096;

    private readonly MachineFabric _fabric;
    private readonly HashSet<SimulatedMmioRegion> _active = [];
    private long _mapCalls;
    private long _failMapCall;

    internal SimulatedPhysicalMemory(MachineFabric fabric) => _fabric = fabric;

    /// <summary>Regions mapped and not yet unmapped.</summary>
    public int ActiveMappingCount
    {
        get
        {
            lock (_fabric.Sync)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>First physical address of host RAM.</summary>
    public ulong RamBase => _fabric.Ram.Base;

    /// <summary>Bytes of host RAM.</summary>
    public ulong RamSize => _fabric.Ram.Size;

    /// <summary>Bytes of host RAM handed out by <see cref="AllocateDma"/> so far (padding included).</summary>
    public ulong RamAllocated
    {
        get
        {
            lock (_fabric.Sync)
            {
                return _fabric.Ram.Used;
            }
        }
    }

    /// <summary>Failure injection: when set, a <see cref="TryMap"/> for which it returns false is refused (arguments: physical address, length).</summary>
    public Func<ulong, ulong, bool>? MapFilter { get; set; }

    /// <summary>Failure injection: refuse every <see cref="TryMap"/> while true.</summary>
    public bool FailAllMaps { get; set; }

    /// <summary>Failure injection: refuse the <paramref name="callNumber"/>-th <see cref="TryMap"/> call from now (1 = the next one).</summary>
    public void FailMapCall(int callNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(callNumber);
        lock (_fabric.Sync)
        {
            _failMapCall = _mapCalls + callNumber;
        }
    }

    /// <inheritdoc />
    public bool TryMap(ulong physicalAddress, ulong length, [NotNullWhen(true)] out IMmioRegion? region)
    {
        lock (_fabric.Sync)
        {
            _mapCalls++;
            bool injected = FailAllMaps || _mapCalls == _failMapCall || (MapFilter is { } filter && !filter(physicalAddress, length));
            bool invalid = length == 0 || length > nuint.MaxValue || physicalAddress + length < physicalAddress;
            if (injected || invalid)
            {
                _fabric.Counters.CountMap(success: false);
                region = null;
                return false;
            }

            var mapped = new SimulatedMmioRegion(this, physicalAddress, (nuint)length);
            _active.Add(mapped);
            _fabric.Counters.CountMap(success: true);
            region = mapped;
            return true;
        }
    }

    /// <inheritdoc />
    public void Unmap(IMmioRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        lock (_fabric.Sync)
        {
            if (region is not SimulatedMmioRegion mapped || !_active.Remove(mapped))
            {
                throw new InvalidOperationException("Unmap of a region this memory did not map, or that was already unmapped.");
            }

            mapped.IsMapped = false;
            _fabric.Counters.CountUnmap();
        }
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of host RAM for DMA, aligned to <paramref name="alignment"/> (a power
    /// of two), clear of every host BAR as programmed now and of the interrupt window; the memory reads zero until
    /// written. Map it with <see cref="TryMap"/> like any other range. Nothing is ever freed (a bump allocator).
    /// </summary>
    /// <returns>False when RAM is exhausted.</returns>
    /// <remarks>Thread-safe. This is the kernel's page allocator, not a hardware port: call it at setup time.</remarks>
    public bool TryAllocateDma(ulong length, ulong alignment, out ulong physicalAddress)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "Alignment is a power of two.");
        }

        lock (_fabric.Sync)
        {
            return _fabric.Ram.TryAllocate(length, alignment, _fabric.IsTaken, out physicalAddress);
        }
    }

    /// <summary>As <see cref="TryAllocateDma"/>, aligned to 4 KiB unless told otherwise (an NVMe queue or PRP page needs that).</summary>
    /// <exception cref="InvalidOperationException">Host RAM is exhausted.</exception>
    public ulong AllocateDma(ulong length, ulong alignment = PageSize)
    {
        if (!TryAllocateDma(length, alignment, out ulong physicalAddress))
        {
            throw new InvalidOperationException($"Host RAM cannot hold {length} more bytes aligned to {alignment}.");
        }

        return physicalAddress;
    }

    /// <summary>Reads physical memory directly (no mapping needed), decoded like a region access (and counted as MMIO unless it is RAM).</summary>
    public ulong Read(ulong physicalAddress, int width)
    {
        CheckWidth(physicalAddress, width);
        return ReadPhysical(physicalAddress, width);
    }

    /// <summary>Writes physical memory directly (no mapping needed), decoded like a region access (and counted as MMIO unless it is RAM).</summary>
    public void Write(ulong physicalAddress, int width, ulong value)
    {
        CheckWidth(physicalAddress, width);
        WritePhysical(physicalAddress, width, value);
    }

    internal ulong ReadPhysical(ulong physicalAddress, int width)
    {
        ulong value;
        lock (_fabric.Sync)
        {
            if (_fabric.Ram.Contains(physicalAddress, (ulong)width))
            {
                return _fabric.Ram.Read(physicalAddress, width);
            }

            _fabric.Counters.CountMmio(write: false);
            bool claimed = _fabric.TryDecodeHostMemory(physicalAddress, out IMemoryTarget? target, out ulong offset);
            if (!claimed)
            {
                _fabric.Counters.CountMmioUnclaimed();
            }

            value = claimed && target is not null ? target.Read(offset, width) : AccessWidth.AllOnes(width);
        }

        // A configuration read may have brought a slot event due (presence bounce, link up) that sent a hot-plug message.
        if (_fabric.RootComplex.HasQueued)
        {
            _fabric.RootComplex.DeliverQueued();
        }

        return value;
    }

    internal void WritePhysical(ulong physicalAddress, int width, ulong value)
    {
        lock (_fabric.Sync)
        {
            if (_fabric.Ram.Contains(physicalAddress, (ulong)width))
            {
                _fabric.Ram.Write(physicalAddress, width, value);
                return;
            }

            _fabric.Counters.CountMmio(write: true);
            if (!_fabric.TryDecodeHostMemory(physicalAddress, out IMemoryTarget? target, out ulong offset))
            {
                _fabric.Counters.CountMmioUnclaimed();
            }
            else if (target is not null)
            {
                target.Write(offset, width, value);
            }
        }

        // A doorbell or an unmask may have raised interrupts; they arrive once this write has completed.
        _fabric.RootComplex.DeliverQueued();
    }

    private static void CheckWidth(ulong physicalAddress, int width)
    {
        if (!AccessWidth.IsValid(width) || (physicalAddress & (ulong)(width - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "An access is 1, 2, 4 or 8 bytes, naturally aligned.");
        }
    }
}
