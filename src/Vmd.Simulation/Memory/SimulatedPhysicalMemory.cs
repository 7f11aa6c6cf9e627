using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Memory;

/// <summary>
/// The host's physical address space behind the mapping port. Mapping always succeeds unless failure
/// injection refuses it; every access through a region is decoded at access time against the host
/// functions' current BARs and Memory Space Enable bits, so a VMD whose MSE is off reads all-ones, and a
/// BAR a driver moves is found at its new address. Nothing claiming an address reads all-ones and drops writes.
/// </summary>
/// <remarks>
/// Thread-safe: mapping and every access take the machine's lock. Unmapping a region this memory did not hand
/// out, or unmapping twice, throws <see cref="InvalidOperationException"/>; accessing a region after unmapping
/// it throws as well (a real kernel would fault).
/// </remarks>
public sealed class SimulatedPhysicalMemory : IMmioMapper
{
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

    /// <summary>Reads physical memory directly (no mapping needed), decoded like a region access and counted as MMIO.</summary>
    public ulong Read(ulong physicalAddress, int width)
    {
        CheckWidth(physicalAddress, width);
        return ReadPhysical(physicalAddress, width);
    }

    /// <summary>Writes physical memory directly (no mapping needed), decoded like a region access and counted as MMIO.</summary>
    public void Write(ulong physicalAddress, int width, ulong value)
    {
        CheckWidth(physicalAddress, width);
        WritePhysical(physicalAddress, width, value);
    }

    internal ulong ReadPhysical(ulong physicalAddress, int width)
    {
        lock (_fabric.Sync)
        {
            _fabric.Counters.CountMmio(write: false);
            return _fabric.TryDecodeHostMemory(physicalAddress, out IMemoryTarget? target, out ulong offset) && target is not null
                ? target.Read(offset, width)
                : AccessWidth.AllOnes(width);
        }
    }

    internal void WritePhysical(ulong physicalAddress, int width, ulong value)
    {
        lock (_fabric.Sync)
        {
            _fabric.Counters.CountMmio(write: true);
            if (_fabric.TryDecodeHostMemory(physicalAddress, out IMemoryTarget? target, out ulong offset) && target is not null)
            {
                target.Write(offset, width, value);
            }
        }
    }

    private static void CheckWidth(ulong physicalAddress, int width)
    {
        if (!AccessWidth.IsValid(width) || (physicalAddress & (ulong)(width - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "An access is 1, 2, 4 or 8 bytes, naturally aligned.");
        }
    }
}
