using System;
using System.Numerics;
using Vmd.Interrupts.Polling;
using Vmd.Registers;

namespace Vmd.Interrupts.Msi;

/// <summary>
/// Programs one function's MSI capability (PCI Local Bus 3.0 §6.8.1): 32- or 64-bit address, Multiple Message
/// Enable, and per-vector Mask Bits when the function has them. For functions without MSI-X.
/// </summary>
/// <remarks>
/// <para>All messages of one MSI function share one address (they differ only in the low data bits), so behind
/// a VMD they all land on one VMD vector. FreeBSD therefore gives a child one MSI message (hardware digest §8.3);
/// asking for more is allowed here but buys nothing in remap mode.</para>
/// <para>Message Control changes only by <see cref="ConfigSpaceExtensions.Update16"/>. The Mask Bits value is
/// cached, so mask and unmask are single 32-bit writes.</para>
/// <para>Thread safety: not synchronised; the caller serialises calls for one function.
/// <see cref="TryMask"/>, <see cref="TryUnmask"/>, <see cref="TryReadPending"/> and <see cref="IsPending"/> never
/// allocate or throw (they return false instead); they do configuration accesses, which are as interrupt-safe as
/// the port the caller supplied. The port stays the caller's.</para>
/// </remarks>
public sealed class MsiController : IPendingSource
{
    private const uint AllMasked = 0xFFFF_FFFF;

    private readonly IConfigSpace _config;
    private readonly ushort _messageControl;
    private uint _maskBits = AllMasked;

    /// <summary>Creates a controller for the capability <paramref name="info"/> describes.</summary>
    /// <param name="config">Configuration port that reaches the function.</param>
    /// <param name="address">The function.</param>
    /// <param name="info">The capability as read by <see cref="MsiCapabilityInfo.TryRead"/> or <see cref="MsiCapabilityInfo.TryFind"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="info"/> is default (not read).</exception>
    public MsiController(IConfigSpace config, PciAddress address, MsiCapabilityInfo info)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (info.CapabilityOffset < PciHeader.Length)
        {
            throw new ArgumentException("The MSI capability was not read (offset below 0x40).", nameof(info));
        }

        _config = config;
        Address = address;
        Capability = info;
        _messageControl = (ushort)(info.CapabilityOffset + MsiCapability.MessageControl);
    }

    /// <summary>The function.</summary>
    public PciAddress Address { get; }

    /// <summary>The capability as read when the controller was created.</summary>
    public MsiCapabilityInfo Capability { get; }

    /// <summary>Messages enabled by the last <see cref="Enable"/>; 0 while disabled.</summary>
    public int EnabledCount { get; private set; }

    /// <summary>
    /// Programs and enables MSI: clears MSI Enable, masks every vector (when the function masks per vector),
    /// writes Message Address (and Upper Address on a 64-bit function) and Message Data, then sets Multiple
    /// Message Enable and MSI Enable in one Message Control write, and finally unmasks the enabled vectors unless
    /// <paramref name="unmask"/> is false.
    /// </summary>
    /// <param name="message">
    /// The message; the address must be DWORD aligned and fit 32 bits on a 32-bit function; the data must fit 16 bits
    /// and have its low log2(<paramref name="messageCount"/>) bits clear (the function puts the message number there).
    /// </param>
    /// <param name="messageCount">A power of two from 1 to <see cref="MsiCapabilityInfo.MaxMessages"/>.</param>
    /// <param name="unmask">False to leave every vector masked (only meaningful with per-vector masking).</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is not a power of two or exceeds the capability.</exception>
    /// <exception cref="ArgumentException">The address or data does not fit the capability.</exception>
    public void Enable(MsiMessage message, int messageCount = 1, bool unmask = true)
    {
        if (messageCount < 1 || messageCount > Capability.MaxMessages || !BitOperations.IsPow2(messageCount))
        {
            throw new ArgumentOutOfRangeException(nameof(messageCount), messageCount, "MSI enables a power of two of messages, at most what Multiple Message Capable allows.");
        }

        if ((message.Address & 3) != 0)
        {
            throw new ArgumentException("An MSI message address is DWORD aligned (bits 1:0 are 0).", nameof(message));
        }

        if (!Capability.Is64Bit && (message.Address >> 32) != 0)
        {
            throw new ArgumentException("The function holds only a 32-bit Message Address.", nameof(message));
        }

        if (message.Data > MsiMultipleMessage.DataMask || (message.Data & (uint)(messageCount - 1)) != 0)
        {
            throw new ArgumentException("MSI Message Data is 16 bits, with the low log2(count) bits left for the message number.", nameof(message));
        }

        ushort capability = Capability.CapabilityOffset;
        _config.Update16(Address, _messageControl, clear: MsiCapability.Enable | MsiCapability.MultipleMessageEnableMask, set: 0);
        EnabledCount = 0;
        if (Capability.PerVectorMasking)
        {
            _maskBits = AllMasked;
            _config.Write32(Address, Capability.MaskOffset, _maskBits);
        }

        _config.Write32(Address, (ushort)(capability + MsiCapability.MessageAddress), (uint)message.Address);
        if (Capability.Is64Bit)
        {
            _config.Write32(Address, (ushort)(capability + MsiCapability.MessageUpperAddress), (uint)(message.Address >> 32));
        }

        _config.Write16(Address, Capability.DataOffset, (ushort)message.Data);
        ushort enable = (ushort)((BitOperations.Log2((uint)messageCount) << MsiMultipleMessage.EnableShift) | MsiCapability.Enable);
        _config.Update16(Address, _messageControl, clear: MsiCapability.MultipleMessageEnableMask, set: enable);
        EnabledCount = messageCount;
        if (Capability.PerVectorMasking && unmask)
        {
            _maskBits = messageCount == MsiMultipleMessage.MaxMessages ? 0 : AllMasked << messageCount;
            _config.Write32(Address, Capability.MaskOffset, _maskBits);
        }
    }

    /// <summary>
    /// Masks every vector (when the function masks per vector) and clears MSI Enable and Multiple Message Enable.
    /// </summary>
    public void Disable()
    {
        if (Capability.PerVectorMasking)
        {
            _maskBits = AllMasked;
            _config.Write32(Address, Capability.MaskOffset, _maskBits);
        }

        _config.Update16(Address, _messageControl, clear: MsiCapability.Enable | MsiCapability.MultipleMessageEnableMask, set: 0);
        EnabledCount = 0;
    }

    /// <summary>Masks message <paramref name="vector"/> with one 32-bit write of Mask Bits.</summary>
    /// <returns>False (nothing written) without per-vector masking or when the vector is not enabled.</returns>
    public bool TryMask(int vector) => TrySetMask(vector, masked: true);

    /// <summary>Unmasks message <paramref name="vector"/> with one 32-bit write of Mask Bits.</summary>
    /// <returns>False (nothing written) without per-vector masking or when the vector is not enabled.</returns>
    public bool TryUnmask(int vector) => TrySetMask(vector, masked: false);

    /// <summary>Reads message <paramref name="vector"/>'s Pending bit (one 32-bit configuration read).</summary>
    /// <returns>False without per-vector masking (no Pending Bits register) or when the vector is not enabled.</returns>
    public bool TryReadPending(int vector, out bool pending)
    {
        if (!Capability.PerVectorMasking || (uint)vector >= (uint)EnabledCount)
        {
            pending = false;
            return false;
        }

        pending = ((_config.Read32(Address, Capability.PendingOffset) >> vector) & 1) != 0;
        return true;
    }

    /// <summary><see cref="IPendingSource"/>: the Pending bit of message <paramref name="cookie"/>; false when it cannot be read.</summary>
    public bool IsPending(uint cookie) => cookie < MsiMultipleMessage.MaxMessages && TryReadPending((int)cookie, out bool pending) && pending;

    private bool TrySetMask(int vector, bool masked)
    {
        if (!Capability.PerVectorMasking || (uint)vector >= (uint)EnabledCount)
        {
            return false;
        }

        uint bit = 1u << vector;
        _maskBits = masked ? _maskBits | bit : _maskBits & ~bit;
        _config.Write32(Address, Capability.MaskOffset, _maskBits);
        return true;
    }
}
