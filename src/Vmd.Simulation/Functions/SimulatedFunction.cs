using System;
using System.Buffers.Binary;
using Vmd.Registers;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Functions;

/// <summary>
/// One PCI function's 4 KiB of configuration space, with the per-bit behaviour hardware gives it:
/// read-write bits, write-1-to-clear bits, everything else read-only. BAR sizing, hard-wired bus numbers
/// and RW1C status registers all fall out of these masks, so a driver sees what real hardware shows.
/// </summary>
/// <remarks>
/// <para>
/// A write of width w at offset o applies per byte: <c>new = (old &amp; ~rw) | (value &amp; rw)</c>, then
/// <c>new &amp;= ~(value &amp; rw1c)</c>. Reads and writes are 1, 2 or 4 bytes at natural alignment;
/// anything else is a caller bug and throws <see cref="ArgumentOutOfRangeException"/>.
/// </para>
/// <para>
/// <c>Read*</c>/<c>Write*</c> are what a configuration request does. <c>Set*</c> and the mask setters are
/// what the hardware itself or firmware does (no masks, no hooks): building the function, injecting a
/// fault, raising a status bit. Build functions with <see cref="FunctionBuilder"/>.
/// </para>
/// <para>
/// Resets (see <c>SimulatedFunction.Reset.cs</c>): the bytes at <see cref="FunctionBuilder.Build"/> are the power-on
/// state that <see cref="ResetToPowerOn"/>, Secondary Bus Reset above the function, FLR and D3hot → D0 without
/// No_Soft_Reset return to. While held in reset or before <see cref="ReadinessTime"/> has passed, configuration
/// requests through the ports read all-ones and drop writes (no Configuration Request Retry Status is modelled) and
/// memory requests to its BARs read all-ones. Deadlines use the machine's <see cref="System.TimeProvider"/>.
/// </para>
/// <para>Not thread-safe on its own: the machine's lock serialises accesses that come through the ports.</para>
/// </remarks>
public sealed partial class SimulatedFunction
{
    /// <summary>Bytes of configuration space per function (PCIe extended space included).</summary>
    public const int ConfigSpaceSize = 4096;

    private readonly byte[] _bytes = new byte[ConfigSpaceSize];
    private readonly byte[] _writable = new byte[ConfigSpaceSize];
    private readonly byte[] _writeOneToClear = new byte[ConfigSpaceSize];
    private readonly ulong[] _hookedDwords = new ulong[ConfigSpaceSize / 4 / 64];
    private readonly BarSlot[] _bars = new BarSlot[Type0Header.BarCount];
    private IConfigWriteHook? _hook;
    private SimulatedBus? _secondaryBus;

    /// <summary>Creates a function whose 4 KiB are all zero and read-only; <see cref="FunctionBuilder"/> is the usual way in.</summary>
    public SimulatedFunction()
    {
    }

    /// <summary>The raw configuration bytes as they stand, without going through a port (for baselines and dumps).</summary>
    public ReadOnlySpan<byte> ConfigBytes => _bytes;

    /// <summary>Vendor ID (offset 0x00).</summary>
    public ushort VendorId => Peek16(PciHeader.VendorId);

    /// <summary>Device ID (offset 0x02).</summary>
    public ushort DeviceId => Peek16(PciHeader.DeviceId);

    /// <summary>24-bit class code (offsets 0x09–0x0B).</summary>
    public uint ClassCode => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(PciHeader.RevisionId)) >> 8;

    /// <summary>The raw Header Type byte (layout in bits 6:0, multi-function in bit 7).</summary>
    public byte HeaderTypeByte => _bytes[PciHeader.HeaderType];

    /// <summary>True for a type 1 (PCI-to-PCI bridge) header.</summary>
    public bool IsBridge => (_bytes[PciHeader.HeaderType] & HeaderType.LayoutMask) == HeaderType.Bridge;

    /// <summary>Command register as it stands.</summary>
    public ushort Command => Peek16(PciHeader.Command);

    /// <summary>True when Command bit 1 (Memory Space Enable) is set: the function decodes its memory BARs (and a bridge forwards its windows).</summary>
    public bool MemorySpaceEnabled => (Command & (ushort)PciCommand.MemorySpaceEnable) != 0;

    /// <summary>
    /// The bus below a bridge (a PCIe link below a root or downstream port, or a switch's internal bus).
    /// Routing uses it together with the bridge's current bus-number and window registers.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on a function that is not a bridge.</exception>
    public SimulatedBus? SecondaryBus
    {
        get => _secondaryBus;
        set
        {
            if (!IsBridge)
            {
                throw new InvalidOperationException("Only a type 1 (bridge) function has a secondary bus; set the header type first.");
            }

            if (_secondaryBus is not null && ReferenceEquals(_secondaryBus.UpstreamBridge, this))
            {
                _secondaryBus.UpstreamBridge = null;
            }

            _secondaryBus = value;
            if (value is not null)
            {
                value.UpstreamBridge = this;
            }
        }
    }

    /// <summary>The bus this function is attached to, if any.</summary>
    public SimulatedBus? ParentBus { get; internal set; }

    /// <summary>The device model that built this function (a port, a drive), so it can be found again from the topology.</summary>
    internal object? Owner { get; set; }

    /// <summary>Reads one byte as a configuration request does.</summary>
    public byte Read8(ushort offset)
    {
        Check(offset, 1);
        return _bytes[offset];
    }

    /// <summary>Reads one naturally aligned word as a configuration request does.</summary>
    public ushort Read16(ushort offset)
    {
        Check(offset, 2);
        return Peek16(offset);
    }

    /// <summary>Reads one naturally aligned dword as a configuration request does.</summary>
    public uint Read32(ushort offset)
    {
        Check(offset, 4);
        return BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));
    }

    /// <summary>Writes one byte through the masks, then runs the write hook if the register has one.</summary>
    public void Write8(ushort offset, byte value) => Write(offset, 1, value);

    /// <summary>Writes one naturally aligned word through the masks.</summary>
    public void Write16(ushort offset, ushort value) => Write(offset, 2, value);

    /// <summary>Writes one naturally aligned dword through the masks.</summary>
    public void Write32(ushort offset, uint value) => Write(offset, 4, value);

    /// <summary>Stores a byte as hardware or firmware does: masks and hooks are bypassed.</summary>
    public void Set8(ushort offset, byte value) => Store(offset, 1, value);

    /// <summary>Stores a word as hardware or firmware does.</summary>
    public void Set16(ushort offset, ushort value) => Store(offset, 2, value);

    /// <summary>Stores a dword as hardware or firmware does.</summary>
    public void Set32(ushort offset, uint value) => Store(offset, 4, value);

    /// <summary>Makes the bits of <paramref name="mask"/> read-write (and every other bit of the register not read-write).</summary>
    public void SetWritable(ushort offset, int width, uint mask) => StoreMask(_writable, offset, width, mask);

    /// <summary>Makes the bits of <paramref name="mask"/> write-1-to-clear (and every other bit of the register not RW1C).</summary>
    public void SetWriteOneToClear(ushort offset, int width, uint mask) => StoreMask(_writeOneToClear, offset, width, mask);

    /// <summary>The read-write mask of the register at <paramref name="offset"/>.</summary>
    public uint GetWritable(ushort offset, int width) => LoadMask(_writable, offset, width);

    /// <summary>The write-1-to-clear mask of the register at <paramref name="offset"/>.</summary>
    public uint GetWriteOneToClear(ushort offset, int width) => LoadMask(_writeOneToClear, offset, width);

    /// <summary>Defines a register in one call: its value as hardware resets it and its masks.</summary>
    public void DefineRegister(ushort offset, int width, uint value, uint writable, uint writeOneToClear = 0)
    {
        Store(offset, width, value);
        SetWritable(offset, width, writable);
        SetWriteOneToClear(offset, width, writeOneToClear);
    }

    /// <summary>
    /// Routes writes touching <paramref name="length"/> bytes from <paramref name="offset"/> (whole dwords) to
    /// <paramref name="hook"/>. A function has at most one hook; call again with the same hook for more ranges.
    /// </summary>
    public void SetWriteHook(IConfigWriteHook hook, ushort offset, int length)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (_hook is not null && !ReferenceEquals(_hook, hook))
        {
            throw new InvalidOperationException("This function already has a different write hook.");
        }

        Check((ushort)(offset & ~3), 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, ConfigSpaceSize, nameof(length));
        _hook = hook;
        for (int dword = offset >> 2; dword <= (offset + length - 1) >> 2; dword++)
        {
            _hookedDwords[dword >> 6] |= 1UL << (dword & 63);
        }
    }

    /// <summary>What BAR slot <paramref name="index"/> decodes.</summary>
    public BarKind GetBarKind(int index) => _bars[index].Kind;

    /// <summary>Size in bytes of the BAR at <paramref name="index"/> (0 when not implemented; the low slot of a 64-bit pair carries the size).</summary>
    public ulong GetBarSize(int index) => _bars[index].Kind == BarKind.Memory64Upper ? 0 : _bars[index].Size;

    /// <summary>The address BAR <paramref name="index"/> currently holds (type bits masked off; both dwords of a 64-bit BAR).</summary>
    public ulong GetBarAddress(int index)
    {
        ushort offset = PciHeader.BaseAddress(index);
        uint low = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));
        return _bars[index].Kind switch
        {
            BarKind.Memory32 => low & BaseAddressBits.MemoryAddressMask,
            BarKind.Memory64 => (low & BaseAddressBits.MemoryAddressMask) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset + 4)) << 32),
            BarKind.Io => low & BaseAddressBits.IoAddressMask,
            _ => 0,
        };
    }

    /// <summary>Records what BAR <paramref name="index"/> decodes; the builder sets its masks.</summary>
    internal void DefineBar(int index, BarSlot slot) => _bars[index] = slot;

    /// <summary>
    /// Finds the memory BAR that claims <paramref name="address"/>, honouring Memory Space Enable as a
    /// function does. True when a BAR claims it; <paramref name="target"/> may still be null (nothing modelled).
    /// </summary>
    internal bool TryDecodeMemory(ulong address, out IMemoryTarget? target, out ulong offset)
    {
        if (MemorySpaceEnabled)
        {
            // In reset, not ready yet or out of D0 the function claims its BARs but nothing answers: all-ones.
            bool responds = RespondsToMemory();
            int count = IsBridge ? Type1Header.BarCount : Type0Header.BarCount;
            for (int i = 0; i < count; i++)
            {
                BarKind kind = _bars[i].Kind;
                if (kind is BarKind.Memory32 or BarKind.Memory64)
                {
                    ulong start = GetBarAddress(i);
                    if (address - start < _bars[i].Size)
                    {
                        target = responds ? _bars[i].Target : null;
                        offset = address - start;
                        return true;
                    }
                }
            }
        }

        target = null;
        offset = 0;
        return false;
    }

    private void Write(ushort offset, int width, uint value)
    {
        Check(offset, width);
        bool resetWasAsserted = IsBridge && (_bytes[Type1Header.BridgeControl] & (byte)BridgeControl.SecondaryBusReset) != 0;
        int oldPowerState = PowerState;
        _noSoftResetBeforeWrite = NoSoftReset;
        for (int i = 0; i < width; i++)
        {
            int at = offset + i;
            byte data = (byte)(value >> (8 * i));
            byte writable = _writable[at];
            byte updated = (byte)((_bytes[at] & ~writable) | (data & writable));
            _bytes[at] = (byte)(updated & ~(data & _writeOneToClear[at]));
        }

        int dword = offset >> 2;
        if (_hook is not null && (_hookedDwords[dword >> 6] & (1UL << (dword & 63))) != 0)
        {
            _hook.OnConfigWrite(this, offset, width, value);
        }

        // An MSI-X Function Mask or MSI mask cleared by this write may release a pending message.
        _interrupts?.OnConfigWrite(offset, width);

        // Enabling a Root Error Command bit while its status is set (or clearing status) changes a root port's error interrupt condition.
        _errorState?.OnConfigWrite(this, offset, width);

        // Secondary Bus Reset, Initiate FLR and PMCSR act once the write has landed.
        OnResetRegistersWritten(offset, width, value, resetWasAsserted, oldPowerState);
    }

    private void Store(ushort offset, int width, uint value)
    {
        Check(offset, width);
        for (int i = 0; i < width; i++)
        {
            _bytes[offset + i] = (byte)(value >> (8 * i));
        }
    }

    private static void StoreMask(byte[] masks, ushort offset, int width, uint mask)
    {
        Check(offset, width);
        for (int i = 0; i < width; i++)
        {
            masks[offset + i] = (byte)(mask >> (8 * i));
        }
    }

    private static uint LoadMask(byte[] masks, ushort offset, int width)
    {
        Check(offset, width);
        uint mask = 0;
        for (int i = 0; i < width; i++)
        {
            mask |= (uint)masks[offset + i] << (8 * i);
        }

        return mask;
    }

    private ushort Peek16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(offset));

    private static void Check(ushort offset, int width)
    {
        if (width is not (1 or 2 or 4) || (offset & (width - 1)) != 0 || offset + width > ConfigSpaceSize)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "A configuration access is 1, 2 or 4 bytes, naturally aligned, below 0x1000.");
        }
    }
}
