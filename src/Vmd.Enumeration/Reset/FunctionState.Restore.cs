using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>Restore half of <see cref="FunctionState"/>.</summary>
public sealed partial class FunctionState
{
    private const ushort DecodeBits = (ushort)(PciCommand.IoSpaceEnable | PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    /// <summary>
    /// Writes the saved state back to <see cref="Address"/>, in this order: Command with I/O, memory decode and bus
    /// mastering off (so nothing decodes while addresses move); LTR max latencies (before Device Control 2 may enable
    /// LTR); Device Control (never Initiate FLR), Link Control (never Retrain Link), Device Control 2, Slot Control;
    /// on a bridge the bus numbers, the windows (disabled first, then each straight to its final value, so no window
    /// is ever enabled with wrong values) and Bridge Control (never Secondary Bus Reset); the BARs and Expansion ROM;
    /// then the saved Command (decode last); then MSI (address, data and mask with MSI disabled, then its control) and
    /// MSI-X (Function Mask set while the table entries are written, which needs memory decode, then the saved control).
    /// </summary>
    /// <returns>False with <see cref="VmdError.Absent"/> when the function reads all-ones (nothing written).</returns>
    /// <exception cref="InvalidOperationException">Nothing has been saved.</exception>
    public bool TryRestore(IConfigSpace config, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!IsSaved)
        {
            throw new InvalidOperationException("FunctionState.TryRestore needs a successful TrySave first.");
        }

        PciAddress address = Address;
        if (!config.IsPresent(address))
        {
            error = VmdError.Absent;
            return false;
        }

        config.Write16(address, PciHeader.Command, (ushort)(_command & ~DecodeBits));

        if (_ltr != 0)
        {
            config.Write32(address, (ushort)(_ltr + LatencyToleranceReportingCapability.MaxSnoopLatency), _ltrLatencies);
        }

        if (_express != 0)
        {
            RestoreExpress(config, address);
        }

        if (_isBridge)
        {
            config.Write32(address, Type1Header.PrimaryBusNumber, _busNumbers);
            BridgeWindows.Restore(
                config,
                address,
                _ioBase,
                _ioLimit,
                _ioBaseUpper,
                _ioLimitUpper,
                _memory,
                _prefetchableBase,
                _prefetchableLimit,
                _prefetchableBaseUpper,
                _prefetchableLimitUpper);
            config.Write16(address, Type1Header.BridgeControl, (ushort)(_bridgeControl & ~(ushort)BridgeControl.SecondaryBusReset));
        }

        for (int i = 0; i < _barCount; i++)
        {
            config.Write32(address, PciHeader.BaseAddress(i), _bars[i]);
        }

        config.Write32(address, _romOffset, _rom);
        config.Write16(address, PciHeader.Command, _command);

        if (_msi != 0)
        {
            RestoreMsi(config, address);
        }

        if (_msix != 0)
        {
            RestoreMsix(config, address);
        }

        error = VmdError.None;
        return true;
    }

    private void RestoreExpress(IConfigSpace config, PciAddress address)
    {
        ushort deviceControl = _deviceControl;
        if ((_deviceCapabilities & PciExpressCapability.FunctionLevelResetCapable) != 0)
        {
            deviceControl &= unchecked((ushort)~PciExpressDevice.InitiateFunctionLevelReset);
        }

        config.Write16(address, (ushort)(_express + PciExpressCapability.DeviceControl), deviceControl);
        config.Write16(address, (ushort)(_express + PciExpressCapability.LinkControl), (ushort)(_linkControl & ~PciExpressLink.RetrainLink));
        if (_hasDeviceControl2)
        {
            config.Write16(address, (ushort)(_express + PciExpressCapability.DeviceControl2), _deviceControl2);
        }

        if (_hasSlot)
        {
            config.Write16(address, (ushort)(_express + PciExpressCapability.SlotControl), _slotControl);
        }
    }

    private void RestoreMsi(IConfigSpace config, PciAddress address)
    {
        ushort control = (ushort)(_msi + MsiCapability.MessageControl);
        bool wide = (_msiControl & MsiCapability.Address64Capable) != 0;
        config.Write16(address, control, (ushort)(_msiControl & ~MsiCapability.Enable));
        config.Write32(address, (ushort)(_msi + MsiCapability.MessageAddress), _msiAddress);
        if (wide)
        {
            config.Write32(address, (ushort)(_msi + MsiCapability.MessageUpperAddress), _msiUpperAddress);
        }

        config.Write16(address, (ushort)(_msi + (wide ? MsiCapability.MessageData64 : MsiCapability.MessageData32)), _msiData);
        if ((_msiControl & MsiCapability.PerVectorMaskingCapable) != 0)
        {
            config.Write32(address, (ushort)(_msi + (wide ? MsiMaskBits.MaskBits64 : MsiMaskBits.MaskBits32)), _msiMask);
        }

        config.Write16(address, control, _msiControl);
    }

    private void RestoreMsix(IConfigSpace config, PciAddress address)
    {
        ushort control = (ushort)(_msix + MsixCapability.MessageControl);
        IMmioRegion? region = _msixRegion;
        if (region is not null && SavedMsixEntries > 0)
        {
            // PCIe Base §6.1.4.5: with Function Mask set no entry can signal while its address and data change.
            config.Write16(address, control, (ushort)(_msixControl | MsixCapability.FunctionMask));
            for (int entry = 0; entry < SavedMsixEntries; entry++)
            {
                int at = entry * DwordsPerEntry;
                nuint offset = _msixTableOffset + ((nuint)entry * MsixCapability.EntrySize);
                region.Write32(offset + MsixCapability.EntryAddressLow, _msixTable[at]);
                region.Write32(offset + MsixCapability.EntryAddressHigh, _msixTable[at + 1]);
                region.Write32(offset + MsixCapability.EntryData, _msixTable[at + 2]);
                region.Write32(offset + MsixCapability.EntryVectorControl, _msixTable[at + 3]);
            }
        }

        config.Write16(address, control, _msixControl);
    }
}
