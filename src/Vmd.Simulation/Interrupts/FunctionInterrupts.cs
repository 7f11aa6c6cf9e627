using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Interrupts;

/// <summary>
/// A function's message logic: MSI-X (PCIe Base §6.1.4, §7.7.2) over the table its device model attached, and MSI
/// (PCI Local Bus 3.0 §6.8) over its configuration registers. Masked vectors set their pending bit and are sent when
/// software unmasks them (entry mask, Function Mask, MSI mask bits). MSI-X wins when software enabled both.
/// </summary>
/// <remarks>Callers hold the machine's lock. The capability list is read once, when the function first needs this logic.</remarks>
internal sealed class FunctionInterrupts : IMsixTableListener
{
    private const int MaxMsiVectors = 32;

    private readonly SimulatedFunction _function;
    private readonly ushort _msix;
    private readonly ushort _msi;
    private MsixTable? _table;

    /// <summary>Reads the capability list of <paramref name="function"/> (built by now: the list is read-only to software).</summary>
    public FunctionInterrupts(SimulatedFunction function)
    {
        _function = function;
        _msix = FindCapability(CapabilityId.MsiX);
        _msi = FindCapability(CapabilityId.Msi);
    }

    public bool MsixEnabled => _msix != 0 && _table is not null && (MsixControl & MsixCapability.Enable) != 0;

    public bool MsiEnabled => _msi != 0 && (MsiControl & MsiCapability.Enable) != 0;

    private ushort MsixControl => _function.Read16((ushort)(_msix + MsixCapability.MessageControl));

    private ushort MsiControl => _function.Read16((ushort)(_msi + MsiCapability.MessageControl));

    private bool Msi64 => (MsiControl & MsiCapability.Address64Capable) != 0;

    private bool MsiMaskable => (MsiControl & MsiCapability.PerVectorMaskingCapable) != 0;

    private ushort MsiMaskOffset => (ushort)(_msi + (Msi64 ? MsiMaskBits.MaskBits64 : MsiMaskBits.MaskBits32));

    private ushort MsiPendingOffset => (ushort)(_msi + (Msi64 ? MsiMaskBits.PendingBits64 : MsiMaskBits.PendingBits32));

    public void Attach(MsixTable table)
    {
        _table = table;
        table.Listener = this;
    }

    /// <summary>
    /// The interrupt condition behind <paramref name="vector"/> was serviced (PCIe Base §6.1.4.5: a function clears a masked
    /// vector's pending bit when its events are satisfied), so a latched message is dropped instead of sent later.
    /// </summary>
    public void ClearPending(int vector)
    {
        if (_table is not null && vector < _table.EntryCount)
        {
            _table.SetPending(vector, false);
        }

        if (_msi != 0 && MsiMaskable && vector < 32)
        {
            _function.Set32(MsiPendingOffset, _function.Read32(MsiPendingOffset) & ~(1U << vector));
        }
    }

    /// <summary>Signals <paramref name="vector"/>: sends its message, latches it pending, or finds it not enabled.</summary>
    public InterruptOutcome Signal(int vector)
    {
        if (MsixEnabled && vector < _table!.EntryCount)
        {
            if ((MsixControl & MsixCapability.FunctionMask) != 0 || _table.IsMasked(vector))
            {
                _table.SetPending(vector, true);
                CountLatched();
                return InterruptOutcome.PendingInFunction;
            }

            return BusMaster.SendMessage(_function, _table.GetMessage(vector));
        }

        if (!MsixEnabled && MsiEnabled && vector < MsiEnabledVectors())
        {
            if (MsiMaskable && (_function.Read32(MsiMaskOffset) & (1U << vector)) != 0)
            {
                _function.Set32(MsiPendingOffset, _function.Read32(MsiPendingOffset) | (1U << vector));
                CountLatched();
                return InterruptOutcome.PendingInFunction;
            }

            return BusMaster.SendMessage(_function, MsiMessageFor(vector));
        }

        UpstreamPath.FindFabric(_function)?.Counters.CountNotEnabled();
        return InterruptOutcome.NotEnabled;
    }

    /// <summary>A configuration write landed; if it touched MSI-X Message Control or the MSI mask bits, send what is now unmasked.</summary>
    public void OnConfigWrite(ushort offset, int width)
    {
        bool msixControl = _msix != 0 && Overlaps(offset, width, (ushort)(_msix + MsixCapability.MessageControl), 2);
        bool msiMask = _msi != 0 && MsiMaskable && Overlaps(offset, width, MsiMaskOffset, 4);
        if (msixControl || msiMask)
        {
            SendUnmasked();
        }
    }

    void IMsixTableListener.OnVectorControlWritten(MsixTable table) => SendUnmasked();

    private void SendUnmasked()
    {
        if (MsixEnabled)
        {
            if ((MsixControl & MsixCapability.FunctionMask) != 0)
            {
                return;
            }

            for (int entry = 0; entry < _table!.EntryCount; entry++)
            {
                if (_table.IsPending(entry) && !_table.IsMasked(entry))
                {
                    _table.SetPending(entry, false);
                    BusMaster.SendMessage(_function, _table.GetMessage(entry));
                }
            }
        }
        else if (MsiEnabled && MsiMaskable)
        {
            uint releasable = _function.Read32(MsiPendingOffset) & ~_function.Read32(MsiMaskOffset);
            for (int vector = 0; vector < MaxMsiVectors && releasable != 0; vector++)
            {
                uint bit = 1U << vector;
                if ((releasable & bit) != 0)
                {
                    releasable &= ~bit;
                    _function.Set32(MsiPendingOffset, _function.Read32(MsiPendingOffset) & ~bit);
                    BusMaster.SendMessage(_function, MsiMessageFor(vector));
                }
            }
        }
    }

    /// <summary>Vectors software granted: 2 ^ Multiple Message Enable, never more than the function is capable of.</summary>
    private int MsiEnabledVectors()
    {
        ushort control = MsiControl;
        int capable = (control & MsiCapability.MultipleMessageCapableMask) >> MsiMultipleMessage.CapableShift;
        int enabled = (control & MsiCapability.MultipleMessageEnableMask) >> MsiMultipleMessage.EnableShift;
        return 1 << (enabled < capable ? enabled : capable);
    }

    /// <summary>The MSI message of <paramref name="vector"/>: the programmed address, the data with its low bits replaced by the vector.</summary>
    private MsiMessage MsiMessageFor(int vector)
    {
        ulong address = _function.Read32((ushort)(_msi + MsiCapability.MessageAddress));
        uint data;
        if (Msi64)
        {
            address |= (ulong)_function.Read32((ushort)(_msi + MsiCapability.MessageUpperAddress)) << 32;
            data = _function.Read16((ushort)(_msi + MsiCapability.MessageData64));
        }
        else
        {
            data = _function.Read16((ushort)(_msi + MsiCapability.MessageData32));
        }

        uint low = (uint)MsiEnabledVectors() - 1;
        return new MsiMessage(address, (data & ~low) | ((uint)vector & low));
    }

    private void CountLatched() => UpstreamPath.FindFabric(_function)?.Counters.CountLatchedPending();

    private ushort FindCapability(CapabilityId id)
    {
        int at = _function.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
        for (int hops = 0; at >= PciHeader.Length && hops < CapabilityHeader.MaxStandardEntries; hops++)
        {
            if (_function.Read8((ushort)at) == (byte)id)
            {
                return (ushort)at;
            }

            at = _function.Read8((ushort)(at + CapabilityHeader.Next)) & CapabilityHeader.PointerMask;
        }

        return 0;
    }

    private static bool Overlaps(ushort offset, int width, ushort register, int length) =>
        offset < register + length && register < offset + width;
}
