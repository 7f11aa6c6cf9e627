using System;
using Vmd.Registers;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Functions;

/// <summary>
/// Lays out a <see cref="SimulatedFunction"/> as hardware presents it after reset and firmware: header,
/// BARs whose writable bits give their size, capability lists, bridge registers with their masks.
/// Capability-specific helpers live in <c>Vmd.Simulation.Functions.Capabilities</c>.
/// </summary>
/// <remarks>Single use: <see cref="Build"/> hands the function over and the builder refuses further calls.</remarks>
public sealed partial class FunctionBuilder
{
    // The Command bits a PCIe function implements (PCIe Base §7.5.1.1.3); the rest are RO 0, and I/O Space Enable
    // is writable only when something decodes I/O.
    private const ushort DefaultCommandWritable = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable
        | PciCommand.ParityErrorResponse | PciCommand.SerrEnable | PciCommand.InterruptDisable);

    // Bridge Control bits 0-4 and 6 are RW on a PCIe bridge; Master Abort Mode, Fast Back-to-Back and the discard timers are RO 0.
    private const ushort BridgeControlWritable = (ushort)(BridgeControl.ParityErrorResponseEnable | BridgeControl.SerrEnable
        | BridgeControl.IsaEnable | BridgeControl.VgaEnable | BridgeControl.Vga16BitDecode | BridgeControl.SecondaryBusReset);

    private readonly SimulatedFunction _function = new();
    private ushort? _commandWritable;
    private bool _decodesIo;
    private bool _built;

    /// <summary>Starts a function with header layout <paramref name="headerLayout"/> (<see cref="HeaderType.Endpoint"/> or <see cref="HeaderType.Bridge"/>).</summary>
    public FunctionBuilder(byte headerLayout)
    {
        if (headerLayout is not (HeaderType.Endpoint or HeaderType.Bridge))
        {
            throw new ArgumentOutOfRangeException(nameof(headerLayout), headerLayout, "Only type 0 and type 1 headers are modelled.");
        }

        _function.Set8(PciHeader.HeaderType, headerLayout);
        _function.SetWriteOneToClear(PciHeader.Status, 2, (uint)PciStatus.ErrorBits);
        _function.SetWritable(PciHeader.CacheLineSize, 1, 0xFF);
        _function.SetWritable(PciHeader.InterruptLine, 1, 0xFF);
        if (headerLayout == HeaderType.Bridge)
        {
            InitialiseBridgeHeader();
        }
    }

    /// <summary>The function under construction, for register-level setup the helpers do not cover.</summary>
    public SimulatedFunction Function
    {
        get
        {
            ThrowIfBuilt();
            return _function;
        }
    }

    private bool IsBridge => _function.IsBridge;

    /// <summary>Vendor ID, Device ID, Revision ID and the 24-bit class code (all read-only).</summary>
    public FunctionBuilder Identity(ushort vendorId, ushort deviceId, uint classCode, byte revisionId = 0)
    {
        ThrowIfBuilt();
        _function.Set16(PciHeader.VendorId, vendorId);
        _function.Set16(PciHeader.DeviceId, deviceId);
        _function.Set32(PciHeader.RevisionId, (classCode << 8) | revisionId);
        return this;
    }

    /// <summary>Subsystem Vendor ID and Subsystem ID of a type 0 header (read-only). Bridges use a capability instead.</summary>
    public FunctionBuilder Subsystem(ushort vendorId, ushort subsystemId)
    {
        ThrowIfBuilt();
        RequireType0();
        _function.Set16(Type0Header.SubsystemVendorId, vendorId);
        _function.Set16(Type0Header.SubsystemId, subsystemId);
        return this;
    }

    /// <summary>Sets or clears the multi-function bit (Header Type bit 7).</summary>
    public FunctionBuilder MultiFunction(bool multiFunction = true)
    {
        ThrowIfBuilt();
        byte header = _function.HeaderTypeByte;
        _function.Set8(PciHeader.HeaderType, multiFunction ? (byte)(header | HeaderType.MultiFunction) : (byte)(header & HeaderType.LayoutMask));
        return this;
    }

    /// <summary>The Command value firmware left (e.g. MSE | BME after a boot loader used the device).</summary>
    public FunctionBuilder Command(ushort initial)
    {
        ThrowIfBuilt();
        _function.Set16(PciHeader.Command, initial);
        return this;
    }

    /// <summary>Overrides which Command bits are writable (default MSE, BME, Parity Error Response, SERR#, Interrupt Disable, plus I/O Space Enable when something decodes I/O).</summary>
    public FunctionBuilder CommandWritable(ushort writable)
    {
        ThrowIfBuilt();
        _commandWritable = writable;
        return this;
    }

    /// <summary>Status bits as hardware left them (error bits stay RW1C; Capabilities List is managed by the capability helpers).</summary>
    public FunctionBuilder Status(ushort initial)
    {
        ThrowIfBuilt();
        ushort capabilities = (ushort)(_function.ConfigBytes[PciHeader.Status] & (byte)PciStatus.CapabilitiesList);
        _function.Set16(PciHeader.Status, (ushort)(initial | capabilities));
        return this;
    }

    /// <summary>Interrupt Pin (read-only; 1 = INTA) and the Interrupt Line value firmware wrote (read-write).</summary>
    public FunctionBuilder Interrupt(byte pin, byte line = 0)
    {
        ThrowIfBuilt();
        _function.Set8(PciHeader.InterruptPin, pin);
        _function.Set8(PciHeader.InterruptLine, line);
        return this;
    }

    /// <summary>
    /// A memory BAR of <paramref name="size"/> bytes (a power of two, at least 16) at slot <paramref name="index"/>,
    /// holding <paramref name="address"/> as firmware programmed it. Writable bits are ~(size − 1) above bit 3, so
    /// writing all-ones reads back the size mask; type and prefetchable bits are read-only. A 64-bit BAR takes
    /// slots <paramref name="index"/> and <paramref name="index"/> + 1.
    /// </summary>
    /// <param name="index">BAR slot (0–5 in a type 0 header, 0–1 in a type 1 header).</param>
    /// <param name="size">Size in bytes.</param>
    /// <param name="is64Bit">True for a 64-bit BAR (type 10b).</param>
    /// <param name="prefetchable">Sets the read-only prefetchable bit.</param>
    /// <param name="address">Address firmware left in the BAR (aligned to <paramref name="size"/>).</param>
    /// <param name="target">What answers accesses inside the BAR; null reads all-ones.</param>
    public FunctionBuilder MemoryBar(int index, ulong size, bool is64Bit, bool prefetchable, ulong address, IMemoryTarget? target = null)
    {
        ThrowIfBuilt();
        CheckBarSlot(index, is64Bit ? 2 : 1);
        if (size < 16 || (size & (size - 1)) != 0 || (!is64Bit && size > (1UL << 31)))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A memory BAR is a power of two of at least 16 bytes (at most 2 GiB when 32-bit).");
        }

        if ((address & (size - 1)) != 0 || (!is64Bit && address > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, "A BAR address is aligned to the BAR's size (and below 4 GiB when 32-bit).");
        }

        ushort offset = PciHeader.BaseAddress(index);
        uint flags = (is64Bit ? BaseAddressBits.Type64 : BaseAddressBits.Type32) | (prefetchable ? BaseAddressBits.Prefetchable : 0);
        ulong sizeMask = ~(size - 1);
        _function.DefineRegister(offset, 4, (uint)address | flags, (uint)sizeMask & BaseAddressBits.MemoryAddressMask);
        _function.DefineBar(index, new BarSlot(is64Bit ? BarKind.Memory64 : BarKind.Memory32, size, target));
        if (is64Bit)
        {
            _function.DefineRegister((ushort)(offset + 4), 4, (uint)(address >> 32), (uint)(sizeMask >> 32));
            _function.DefineBar(index + 1, new BarSlot(BarKind.Memory64Upper, 0, null));
        }

        return this;
    }

    /// <summary>An I/O BAR of <paramref name="size"/> bytes (power of two, 4–256). It sizes like hardware; nothing decodes I/O space.</summary>
    public FunctionBuilder IoBar(int index, uint size, uint address)
    {
        ThrowIfBuilt();
        CheckBarSlot(index, 1);
        if (size < 4 || size > 256 || (size & (size - 1)) != 0 || (address & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An I/O BAR is a power of two from 4 to 256 bytes, address aligned to it.");
        }

        _function.DefineRegister(PciHeader.BaseAddress(index), 4, address | BaseAddressBits.IoSpace, ~(size - 1) & BaseAddressBits.IoAddressMask);
        _function.DefineBar(index, new BarSlot(BarKind.Io, size, null));
        _decodesIo = true;
        return this;
    }

    /// <summary>Expansion ROM BAR of <paramref name="size"/> bytes (power of two, at least 2 KiB): address bits ~(size − 1) and the enable bit are writable.</summary>
    public FunctionBuilder ExpansionRom(uint size, uint address, bool enabled = false)
    {
        ThrowIfBuilt();
        if (size < 2048 || (size & (size - 1)) != 0 || (address & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "An expansion ROM is a power of two of at least 2 KiB, address aligned to it.");
        }

        ushort offset = IsBridge ? Type1Header.ExpansionRomBaseAddress : Type0Header.ExpansionRomBaseAddress;
        _function.DefineRegister(offset, 4, address | (enabled ? BaseAddressBits.RomEnable : 0), (~(size - 1) & BaseAddressBits.RomAddressMask) | BaseAddressBits.RomEnable);
        return this;
    }

    /// <summary>Finishes the function: applies the Command mask, takes the registers as its power-on state (<see cref="SimulatedFunction.ResetToPowerOn"/>) and hands the function over.</summary>
    public SimulatedFunction Build()
    {
        ThrowIfBuilt();
        ushort writable = _commandWritable ?? (ushort)(DefaultCommandWritable | (_decodesIo ? (ushort)PciCommand.IoSpaceEnable : (ushort)0));
        _function.SetWritable(PciHeader.Command, 2, writable);
        _function.CapturePowerOnState();
        _built = true;
        return _function;
    }

    private void CheckBarSlot(int index, int slots)
    {
        int count = IsBridge ? Type1Header.BarCount : Type0Header.BarCount;
        if (index < 0 || index + slots > count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"This header has BAR slots 0 to {count - 1}; a 64-bit BAR takes two.");
        }
    }

    private void RequireType0()
    {
        if (IsBridge)
        {
            throw new InvalidOperationException("This register exists in a type 0 header only.");
        }
    }

    private void RequireType1()
    {
        if (!IsBridge)
        {
            throw new InvalidOperationException("This register exists in a type 1 (bridge) header only.");
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("Build() has already handed this function over; start a new builder.");
        }
    }
}
