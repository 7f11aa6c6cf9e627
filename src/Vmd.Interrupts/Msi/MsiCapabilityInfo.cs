using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Interrupts.Msi;

/// <summary>
/// What a function's MSI capability says (PCI Local Bus 3.0 §6.8.1): address width, how many messages it can
/// ask for and has enabled, whether it masks per vector, and where its registers are.
/// </summary>
/// <remarks>A snapshot of Message Control; reading it costs one 16-bit configuration read and never writes.</remarks>
public readonly struct MsiCapabilityInfo : IEquatable<MsiCapabilityInfo>
{
    private const ushort AllOnes16 = 0xFFFF;

    private MsiCapabilityInfo(ushort capabilityOffset, ushort messageControl)
    {
        CapabilityOffset = capabilityOffset;
        MessageControl = messageControl;
    }

    /// <summary>Offset of the capability in configuration space.</summary>
    public ushort CapabilityOffset { get; }

    /// <summary>Message Control as read.</summary>
    public ushort MessageControl { get; }

    /// <summary>Bit 0: MSI Enable.</summary>
    public bool Enabled => (MessageControl & MsiCapability.Enable) != 0;

    /// <summary>Bit 7: the function holds a 64-bit Message Address.</summary>
    public bool Is64Bit => (MessageControl & MsiCapability.Address64Capable) != 0;

    /// <summary>Bit 8: the capability has Mask Bits and Pending Bits registers.</summary>
    public bool PerVectorMasking => (MessageControl & MsiCapability.PerVectorMaskingCapable) != 0;

    /// <summary>Messages the function can use (Multiple Message Capable), 1–32.</summary>
    public int MaxMessages => 1 << ((MessageControl & MsiCapability.MultipleMessageCapableMask) >> MsiMultipleMessage.CapableShift);

    /// <summary>Messages software enabled (Multiple Message Enable), 1–32 (the field may hold a reserved value: then 32 or more).</summary>
    public int EnabledMessages => 1 << ((MessageControl & MsiCapability.MultipleMessageEnableMask) >> MsiMultipleMessage.EnableShift);

    /// <summary>Configuration offset of Message Data (16 bits).</summary>
    public ushort DataOffset => (ushort)(CapabilityOffset + (Is64Bit ? MsiCapability.MessageData64 : MsiCapability.MessageData32));

    /// <summary>Configuration offset of Mask Bits; meaningful only with <see cref="PerVectorMasking"/>.</summary>
    public ushort MaskOffset => (ushort)(CapabilityOffset + (Is64Bit ? MsiMaskBits.MaskBits64 : MsiMaskBits.MaskBits32));

    /// <summary>Configuration offset of Pending Bits; meaningful only with <see cref="PerVectorMasking"/>.</summary>
    public ushort PendingOffset => (ushort)(CapabilityOffset + (Is64Bit ? MsiMaskBits.PendingBits64 : MsiMaskBits.PendingBits32));

    /// <summary>Bytes the capability occupies (0x0A to 0x18, by address width and masking).</summary>
    public int Length => PerVectorMasking ? PendingOffset - CapabilityOffset + 4 : DataOffset - CapabilityOffset + 2;

    /// <summary>Decodes Message Control of the capability at <paramref name="capabilityOffset"/>; pure, no port access.</summary>
    /// <param name="capabilityOffset">Where the capability is (0x40–0xFC, dword aligned).</param>
    /// <param name="messageControl">Message Control (capability + 0x02).</param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="error">
    /// <see cref="VmdError.AllOnes"/> for an all-ones register; <see cref="VmdError.Malformed"/> for a reserved
    /// Multiple Message Capable value (6 or 7) or a capability that would run past 0xFF.
    /// </param>
    public static bool TryDecode(ushort capabilityOffset, ushort messageControl, out MsiCapabilityInfo info, out VmdError error)
    {
        info = default;
        if (messageControl == AllOnes16)
        {
            error = VmdError.AllOnes;
            return false;
        }

        if ((messageControl & MsiCapability.MultipleMessageCapableMask) >> MsiMultipleMessage.CapableShift > MsiMultipleMessage.MaxLog2)
        {
            error = VmdError.Malformed;
            return false;
        }

        var decoded = new MsiCapabilityInfo(capabilityOffset, messageControl);
        if (capabilityOffset + decoded.Length > ConfigSpaceExtensions.MaxLegacyOffset + 1)
        {
            error = VmdError.Malformed;
            return false;
        }

        info = decoded;
        error = VmdError.None;
        return true;
    }

    /// <summary>Reads Message Control of the MSI capability at <paramref name="capabilityOffset"/> (one 16-bit read).</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="capabilityOffset">Offset a capability walk reported (dword aligned, 0x40–0xFC; else a caller mistake).</param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="error">Why decoding failed; see <see cref="TryDecode"/>.</param>
    public static bool TryRead(IConfigSpace config, PciAddress address, ushort capabilityOffset, out MsiCapabilityInfo info, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capabilityOffset < PciHeader.Length || capabilityOffset > ConfigSpaceExtensions.MaxLegacyOffset || (capabilityOffset & 3) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capabilityOffset), capabilityOffset, "A standard capability lies at a dword-aligned offset from 0x40 to 0xFC.");
        }

        ushort messageControl = config.Read16(address, (ushort)(capabilityOffset + MsiCapability.MessageControl));
        return TryDecode(capabilityOffset, messageControl, out info, out error);
    }

    /// <summary>Finds the function's MSI capability with a bounded walk and reads it.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="error">None with false when the function has no MSI capability; otherwise why the walk or read failed.</param>
    public static bool TryFind(IConfigSpace config, PciAddress address, out MsiCapabilityInfo info, out VmdError error)
    {
        if (!CapabilityWalker.TryFind(config, address, CapabilityId.Msi, out ushort offset, out error))
        {
            info = default;
            return false;
        }

        return TryRead(config, address, offset, out info, out error);
    }

    /// <inheritdoc />
    public bool Equals(MsiCapabilityInfo other) => CapabilityOffset == other.CapabilityOffset && MessageControl == other.MessageControl;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MsiCapabilityInfo other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(CapabilityOffset, MessageControl);

    /// <summary>As lspci prints it: <c>MSI: Enable+ Count=1/32 Maskable+ 64bit+</c>.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"MSI: Enable{(Enabled ? '+' : '-')} Count={EnabledMessages}/{MaxMessages} Maskable{(PerVectorMasking ? '+' : '-')} 64bit{(Is64Bit ? '+' : '-')}");

    /// <summary>Equality.</summary>
    public static bool operator ==(MsiCapabilityInfo left, MsiCapabilityInfo right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MsiCapabilityInfo left, MsiCapabilityInfo right) => !left.Equals(right);
}
