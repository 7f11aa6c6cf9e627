using System;
using Vmd.Registers;

namespace Vmd.Simulation.Functions;

/// <summary>Capability list plumbing: placement, linking and the Capabilities List status bit.</summary>
public sealed partial class FunctionBuilder
{
    private const int StandardCapabilityEnd = 0x100;

    private ushort _lastCapability;
    private int _capabilityEnd = PciHeader.Length;
    private ushort _lastExtended;
    private int _extendedEnd = CapabilityHeader.FirstExtended;

    /// <summary>
    /// Adds a standard capability of <paramref name="length"/> bytes with ID <paramref name="id"/>, linked after
    /// the previous one (or from 0x34 for the first, which also sets Status bit 4). Header bytes are read-only;
    /// the caller defines the body's registers.
    /// </summary>
    /// <param name="id">Capability ID (any byte value may be cast, for unusual or hostile capabilities).</param>
    /// <param name="length">Bytes the capability occupies, header included.</param>
    /// <param name="offset">Where to place it (dword aligned, 0x40–0xFF); 0 places it after the highest one so far.</param>
    /// <returns>The capability's offset.</returns>
    public ushort AddCapability(CapabilityId id, int length, ushort offset = 0)
    {
        ThrowIfBuilt();
        ushort at = offset != 0 ? offset : (ushort)((_capabilityEnd + 3) & ~3);
        if ((at & 3) != 0 || at < PciHeader.Length || length < 2 || at + length > StandardCapabilityEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), at, "A standard capability is dword aligned and lies within 0x40-0xFF.");
        }

        _function.Set8(at, (byte)id);
        _function.Set8((ushort)(at + CapabilityHeader.Next), 0);
        if (_lastCapability == 0)
        {
            _function.Set8(PciHeader.CapabilitiesPointer, (byte)at);
            _function.Set16(PciHeader.Status, (ushort)(_function.Read16(PciHeader.Status) | (ushort)PciStatus.CapabilitiesList));
        }
        else
        {
            _function.Set8((ushort)(_lastCapability + CapabilityHeader.Next), (byte)at);
        }

        _lastCapability = at;
        _capabilityEnd = Math.Max(_capabilityEnd, at + length);
        return at;
    }

    /// <summary>
    /// Adds an extended capability (offset 0x100 and up) whose header carries <paramref name="id"/>,
    /// <paramref name="version"/> and the next pointer, linked after the previous one. The first one sits at 0x100.
    /// </summary>
    /// <param name="id">Extended capability ID.</param>
    /// <param name="version">Capability version (bits 19:16 of the header).</param>
    /// <param name="length">Bytes the capability occupies, header included.</param>
    /// <param name="offset">Where to place it (dword aligned, 0x100–0xFFF); 0 places it after the highest one so far.</param>
    /// <returns>The capability's offset.</returns>
    public ushort AddExtendedCapability(ExtendedCapabilityId id, byte version, int length, ushort offset = 0)
    {
        ThrowIfBuilt();
        ushort at = offset != 0 ? offset : (ushort)((_extendedEnd + 3) & ~3);
        if ((at & 3) != 0 || at < CapabilityHeader.FirstExtended || length < 4 || at + length > SimulatedFunction.ConfigSpaceSize
            || (_lastExtended == 0 && at != CapabilityHeader.FirstExtended))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), at, "Extended capabilities are dword aligned within 0x100-0xFFF, and the first sits at 0x100.");
        }

        _function.Set32(at, (ushort)id | ((uint)(version & 0xF) << CapabilityHeader.ExtendedVersionShift));
        if (_lastExtended != 0)
        {
            uint previous = _function.Read32(_lastExtended);
            _function.Set32(_lastExtended, (previous & 0x000F_FFFF) | ((uint)at << CapabilityHeader.ExtendedNextShift));
        }

        _lastExtended = at;
        _extendedEnd = Math.Max(_extendedEnd, at + length);
        return at;
    }
}
