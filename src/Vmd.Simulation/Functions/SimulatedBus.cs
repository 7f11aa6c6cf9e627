using System;

namespace Vmd.Simulation.Functions;

/// <summary>
/// A physical bus segment: the slots (device 0–31, function 0–7) functions are plugged into. Its number
/// is not stored here: configuration routing takes bus numbers from the bridges' current registers, as
/// hardware does, so reprogramming a bridge moves everything below it.
/// </summary>
/// <remarks>
/// A PCIe link (below a root port or a switch downstream port) carries one device: only device 0
/// answers type 0 requests there. A VMD's root bus and a switch's internal bus hold many devices.
/// Changing the topology after the machine is built should happen under <c>SimulatedMachine.SyncRoot</c>
/// when other threads use the machine.
/// </remarks>
public sealed class SimulatedBus
{
    private const int SlotCount = (PciAddress.MaxDevice + 1) * (PciAddress.MaxFunction + 1);

    private readonly SimulatedFunction?[] _slots = new SimulatedFunction?[SlotCount];
    private readonly byte[] _occupied = new byte[SlotCount];
    private int _count;

    /// <summary>Creates an empty bus.</summary>
    /// <param name="isLink">True for a PCIe link (only device 0 exists); false for a root or internal bus.</param>
    public SimulatedBus(bool isLink)
    {
        IsLink = isLink;
    }

    /// <summary>True for a PCIe link: type 0 requests for a device other than 0 are not claimed.</summary>
    public bool IsLink { get; }

    /// <summary>Number of functions plugged in.</summary>
    public int Count => _count;

    /// <summary>The bridge whose secondary bus this is (set by <see cref="SimulatedFunction.SecondaryBus"/>); null for a root bus.</summary>
    internal SimulatedFunction? UpstreamBridge { get; set; }

    /// <summary>The VMD whose root bus this is; upstream requests from below reach the host through it.</summary>
    internal Domain.SimulatedVmd? OwnerVmd { get; set; }

    /// <summary>Told when the occupancy of the bus changes (a port tracks presence and link state with it).</summary>
    internal IBusOccupancyListener? Listener { get; set; }

    /// <summary>Plugs <paramref name="function"/> in at <paramref name="device"/>.<paramref name="functionNumber"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Device or function out of range, or a device other than 0 on a link for a function without the ARI capability.</exception>
    /// <exception cref="InvalidOperationException">The slot is taken, or the function is already on a bus.</exception>
    public void Add(int device, int functionNumber, SimulatedFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        int slot = Slot(device, functionNumber);
        if (IsLink && device != 0 && !AriRouting.HasAri(function))
        {
            throw new ArgumentOutOfRangeException(nameof(device), device, "A PCIe link carries device 0 only (or ARI functions).");
        }

        if (_slots[slot] is not null)
        {
            throw new InvalidOperationException($"Slot {device:x2}.{functionNumber} is already taken.");
        }

        if (function.ParentBus is not null)
        {
            throw new InvalidOperationException("The function is already plugged into a bus.");
        }

        _slots[slot] = function;
        function.ParentBus = this;
        int at = _count;
        while (at > 0 && _occupied[at - 1] > slot)
        {
            _occupied[at] = _occupied[at - 1];
            at--;
        }

        _occupied[at] = (byte)slot;
        _count++;
        Listener?.OnOccupancyChanged(this);
    }

    /// <summary>Unplugs the function at <paramref name="device"/>.<paramref name="functionNumber"/>; false when the slot was empty.</summary>
    public bool Remove(int device, int functionNumber)
    {
        int slot = Slot(device, functionNumber);
        SimulatedFunction? function = _slots[slot];
        if (function is null)
        {
            return false;
        }

        _slots[slot] = null;
        function.ParentBus = null;
        int at = Array.IndexOf(_occupied, (byte)slot, 0, _count);
        Array.Copy(_occupied, at + 1, _occupied, at, _count - at - 1);
        _count--;
        Listener?.OnOccupancyChanged(this);
        return true;
    }

    /// <summary>The function at the slot, or null.</summary>
    public SimulatedFunction? Get(int device, int functionNumber) => _slots[Slot(device, functionNumber)];

    /// <summary>The <paramref name="index"/>-th plugged function in slot order (device, then function), with its slot.</summary>
    public SimulatedFunction GetAt(int index, out int device, out int functionNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        int slot = _occupied[index];
        device = slot >> 3;
        functionNumber = slot & 7;
        return _slots[slot]!;
    }

    private static int Slot(int device, int functionNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(device);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(device, PciAddress.MaxDevice);
        ArgumentOutOfRangeException.ThrowIfNegative(functionNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(functionNumber, PciAddress.MaxFunction);
        return (device << 3) | functionNumber;
    }
}
