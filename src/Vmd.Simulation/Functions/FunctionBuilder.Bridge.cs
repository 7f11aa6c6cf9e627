using Vmd.Registers;

namespace Vmd.Simulation.Functions;

/// <summary>Type 1 (PCI-to-PCI bridge) registers.</summary>
public sealed partial class FunctionBuilder
{
    // Base/limit registers keep address bits 15:4 (1 MiB granules); bits 3:0 are read-only capability bits.
    private const ushort WindowRegisterWritable = 0xFFF0;
    private const byte IoWindowRegisterWritable = 0xF0;
    private const byte WindowIs64Bit = 0x1;
    private const byte IoWindowIs32Bit = 0x1;

    /// <summary>Primary, Secondary and Subordinate Bus Number as firmware programmed them (read-write unless hard-wired).</summary>
    public FunctionBuilder BusNumbers(byte primary, byte secondary, byte subordinate)
    {
        ThrowIfBuilt();
        RequireType1();
        if (_function.GetWritable(Type1Header.PrimaryBusNumber, 1) != 0)
        {
            _function.Set8(Type1Header.PrimaryBusNumber, primary);
        }

        _function.Set8(Type1Header.SecondaryBusNumber, secondary);
        _function.Set8(Type1Header.SubordinateBusNumber, subordinate);
        return this;
    }

    /// <summary>Hard-wires the Primary Bus Number to <paramref name="value"/> (client VMD root ports read 0 whatever is written).</summary>
    public FunctionBuilder HardWiredPrimaryBus(byte value)
    {
        ThrowIfBuilt();
        RequireType1();
        _function.DefineRegister(Type1Header.PrimaryBusNumber, 1, value, 0);
        return this;
    }

    /// <summary>
    /// Whether the bridge has an I/O window (16- or 32-bit addressing) and the raw register values firmware
    /// left. Without a window the I/O registers are read-only 0.
    /// </summary>
    public FunctionBuilder IoWindow(bool implemented, bool is32Bit = false, byte baseRegister = 0, byte limitRegister = 0, ushort baseUpper = 0, ushort limitUpper = 0)
    {
        ThrowIfBuilt();
        RequireType1();
        byte capability = is32Bit ? IoWindowIs32Bit : (byte)0;
        byte writable = implemented ? IoWindowRegisterWritable : (byte)0;
        _function.DefineRegister(Type1Header.IoBase, 1, implemented ? (byte)((baseRegister & IoWindowRegisterWritable) | capability) : 0u, writable);
        _function.DefineRegister(Type1Header.IoLimit, 1, implemented ? (byte)((limitRegister & IoWindowRegisterWritable) | capability) : 0u, writable);
        uint upperWritable = implemented && is32Bit ? 0xFFFFu : 0;
        _function.DefineRegister(Type1Header.IoBaseUpper16, 2, baseUpper & upperWritable, upperWritable);
        _function.DefineRegister(Type1Header.IoLimitUpper16, 2, limitUpper & upperWritable, upperWritable);
        _decodesIo = implemented;
        return this;
    }

    /// <summary>The non-prefetchable memory window as raw Memory Base / Memory Limit register values (bits 15:4 = address bits 31:20).</summary>
    public FunctionBuilder MemoryWindowRegisters(ushort baseRegister, ushort limitRegister)
    {
        ThrowIfBuilt();
        RequireType1();
        _function.Set16(Type1Header.MemoryBase, (ushort)(baseRegister & WindowRegisterWritable));
        _function.Set16(Type1Header.MemoryLimit, (ushort)(limitRegister & WindowRegisterWritable));
        return this;
    }

    /// <summary>The non-prefetchable memory window covering <paramref name="baseAddress"/> to <paramref name="limitAddress"/> (1 MiB granules; the limit's low 20 bits are implied ones).</summary>
    public FunctionBuilder MemoryWindow(uint baseAddress, uint limitAddress) =>
        MemoryWindowRegisters(EncodeWindow(baseAddress), EncodeWindow(limitAddress));

    /// <summary>
    /// Whether the bridge has a prefetchable window (and 64-bit addressing for it) and the raw register values
    /// firmware left. Without a window the registers are read-only 0; without 64-bit the upper registers are.
    /// </summary>
    public FunctionBuilder PrefetchableWindow(bool implemented, bool is64Bit = true, ushort baseRegister = 0, ushort limitRegister = 0, uint baseUpper = 0, uint limitUpper = 0)
    {
        ThrowIfBuilt();
        RequireType1();
        ushort capability = is64Bit ? WindowIs64Bit : (ushort)0;
        uint writable = implemented ? WindowRegisterWritable : 0u;
        _function.DefineRegister(Type1Header.PrefetchableMemoryBase, 2, implemented ? (uint)((baseRegister & WindowRegisterWritable) | capability) : 0u, writable);
        _function.DefineRegister(Type1Header.PrefetchableMemoryLimit, 2, implemented ? (uint)((limitRegister & WindowRegisterWritable) | capability) : 0u, writable);
        uint upperWritable = implemented && is64Bit ? uint.MaxValue : 0;
        _function.DefineRegister(Type1Header.PrefetchableBaseUpper32, 4, baseUpper & upperWritable, upperWritable);
        _function.DefineRegister(Type1Header.PrefetchableLimitUpper32, 4, limitUpper & upperWritable, upperWritable);
        return this;
    }

    /// <summary>Bridge Control as firmware left it (bits 0–4 and 6, Secondary Bus Reset, are writable).</summary>
    public FunctionBuilder BridgeControlValue(ushort initial)
    {
        ThrowIfBuilt();
        RequireType1();
        _function.Set16(Type1Header.BridgeControl, (ushort)(initial & BridgeControlWritable));
        return this;
    }

    /// <summary>Secondary Status as hardware left it (error bits are RW1C).</summary>
    public FunctionBuilder SecondaryStatus(ushort initial)
    {
        ThrowIfBuilt();
        RequireType1();
        _function.Set16(Type1Header.SecondaryStatus, initial);
        return this;
    }

    /// <summary>Encodes a memory address as a Memory Base/Limit register does: address bits 31:20 in register bits 15:4.</summary>
    public static ushort EncodeWindow(ulong address) => (ushort)((address >> 16) & WindowRegisterWritable);

    private void InitialiseBridgeHeader()
    {
        _function.SetWritable(Type1Header.PrimaryBusNumber, 1, 0xFF);
        _function.SetWritable(Type1Header.SecondaryBusNumber, 1, 0xFF);
        _function.SetWritable(Type1Header.SubordinateBusNumber, 1, 0xFF);
        _function.SetWriteOneToClear(Type1Header.SecondaryStatus, 2, (uint)PciStatus.ErrorBits);
        _function.SetWritable(Type1Header.MemoryBase, 2, WindowRegisterWritable);
        _function.SetWritable(Type1Header.MemoryLimit, 2, WindowRegisterWritable);
        _function.SetWritable(Type1Header.BridgeControl, 2, BridgeControlWritable);
        IoWindow(implemented: true);
        PrefetchableWindow(implemented: true, is64Bit: true);
    }
}
