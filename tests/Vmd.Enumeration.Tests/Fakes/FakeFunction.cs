using System;
using System.Buffers.Binary;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Fakes;

/// <summary>
/// One PCI function as a register map: 4 KiB of bytes and, per byte, which bits software may write.
/// Writing all-ones to a BAR therefore reads back its size mask, as hardware does. Little-endian like PCI.
/// </summary>
public sealed class FakeFunction
{
    public const int SpaceSize = 4096;

    // Command bits software may write: I/O, memory, bus master, parity, SERR#, interrupt disable.
    private const ushort WritableCommandBits = 0x0547;

    private readonly byte[] _bytes = new byte[SpaceSize];
    private readonly byte[] _writable = new byte[SpaceSize];

    public FakeFunction()
    {
        Set16(PciHeader.VendorId, 0x8086);
        Set16(PciHeader.DeviceId, 0x1234);
        SetWritable16(PciHeader.Command, WritableCommandBits);
    }

    /// <summary>When true the function reads all-ones and ignores writes (surprise removal).</summary>
    public bool Vanished { get; set; }

    public byte Read8(int offset) => Vanished ? (byte)0xFF : _bytes[offset];

    public ushort Read16(int offset) => Vanished ? (ushort)0xFFFF : BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(offset));

    public uint Read32(int offset) => Vanished ? 0xFFFF_FFFF : BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));

    public void Write8(int offset, byte value) => WriteMasked(offset, value, 1);

    public void Write16(int offset, ushort value) => WriteMasked(offset, value, 2);

    public void Write32(int offset, uint value) => WriteMasked(offset, value, 4);

    // Test setup: bypasses the writable masks.
    public FakeFunction Set8(int offset, byte value)
    {
        _bytes[offset] = value;
        return this;
    }

    public FakeFunction Set16(int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public FakeFunction Set32(int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(offset), value);
        return this;
    }

    public FakeFunction SetWritable16(int offset, ushort mask)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_writable.AsSpan(offset), mask);
        return this;
    }

    public FakeFunction SetWritable32(int offset, uint mask)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_writable.AsSpan(offset), mask);
        return this;
    }

    public FakeFunction WithCommand(ushort command) => Set16(PciHeader.Command, command);

    /// <summary>A 32-bit memory BAR of <paramref name="size"/> bytes (power of two, at least 16) at <paramref name="address"/>.</summary>
    public FakeFunction WithMemoryBar32(int index, uint size, uint address, bool prefetchable = false)
    {
        uint flags = BaseAddressBits.Type32 | (prefetchable ? BaseAddressBits.Prefetchable : 0);
        ushort offset = PciHeader.BaseAddress(index);
        Set32(offset, (address & ~(size - 1)) | flags);
        return SetWritable32(offset, ~(size - 1) & BaseAddressBits.MemoryAddressMask);
    }

    /// <summary>A 64-bit memory BAR in slots <paramref name="index"/> and <paramref name="index"/> + 1.</summary>
    public FakeFunction WithMemoryBar64(int index, ulong size, ulong address, bool prefetchable = false)
    {
        uint flags = BaseAddressBits.Type64 | (prefetchable ? BaseAddressBits.Prefetchable : 0);
        ulong writable = ~(size - 1);
        ulong placed = address & writable;
        ushort low = PciHeader.BaseAddress(index);
        ushort high = PciHeader.BaseAddress(index + 1);
        Set32(low, (uint)placed | flags);
        Set32(high, (uint)(placed >> 32));
        SetWritable32(low, (uint)writable & BaseAddressBits.MemoryAddressMask);
        return SetWritable32(high, (uint)(writable >> 32));
    }

    /// <summary>An I/O BAR; a 16-bit decoder hard-wires address bits 31:16 to 0.</summary>
    public FakeFunction WithIoBar(int index, uint size, uint port, bool decodes16BitsOnly)
    {
        ushort offset = PciHeader.BaseAddress(index);
        uint writable = ~(size - 1) & BaseAddressBits.IoAddressMask;
        if (decodes16BitsOnly)
        {
            writable &= 0xFFFF;
        }

        Set32(offset, (port & writable) | BaseAddressBits.IoSpace);
        return SetWritable32(offset, writable);
    }

    /// <summary>An expansion ROM register at <paramref name="offset"/> (0x30 or 0x38).</summary>
    public FakeFunction WithExpansionRom(ushort offset, uint size, uint address, bool enabled)
    {
        uint writable = (~(size - 1) & BaseAddressBits.RomAddressMask) | BaseAddressBits.RomEnable;
        Set32(offset, (address & writable & BaseAddressBits.RomAddressMask) | (enabled ? BaseAddressBits.RomEnable : 0));
        return SetWritable32(offset, writable);
    }

    /// <summary>Sets Status bit 4 and the Capabilities Pointer.</summary>
    public FakeFunction WithCapabilityPointer(byte pointer)
    {
        Set16(PciHeader.Status, (ushort)(Read16(PciHeader.Status) | (ushort)PciStatus.CapabilitiesList));
        return Set8(PciHeader.CapabilitiesPointer, pointer);
    }

    public FakeFunction WithCapability(int offset, CapabilityId id, byte next) =>
        Set8(offset + CapabilityHeader.Id, (byte)id).Set8(offset + CapabilityHeader.Next, next);

    public FakeFunction WithExtendedCapability(int offset, ExtendedCapabilityId id, int version, int next) =>
        Set32(offset, (uint)id | ((uint)version << CapabilityHeader.ExtendedVersionShift) | ((uint)next << CapabilityHeader.ExtendedNextShift));

    private void WriteMasked(int offset, uint value, int width)
    {
        if (Vanished)
        {
            return;
        }

        for (int i = 0; i < width; i++)
        {
            byte mask = _writable[offset + i];
            byte incoming = (byte)(value >> (8 * i));
            _bytes[offset + i] = (byte)((_bytes[offset + i] & ~mask) | (incoming & mask));
        }
    }
}
