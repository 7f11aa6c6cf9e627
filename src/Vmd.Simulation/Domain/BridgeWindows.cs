using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Domain;

/// <summary>Decodes a bridge's memory windows from its current registers (PCI-to-PCI Bridge 1.2 §3.2.5.8–§3.2.5.10).</summary>
internal static class BridgeWindows
{
    private const ulong WindowLowBits = 0xFFFFF;
    private const ushort AddressBits = 0xFFF0;
    private const int WindowShift = 16;
    private const byte Is64BitCapability = 0x1;

    /// <summary>True when the non-prefetchable or the prefetchable window forwards <paramref name="address"/> (a window with base above limit is off).</summary>
    public static bool Forwards(SimulatedFunction bridge, ulong address)
    {
        ulong memoryBase = (ulong)(bridge.Read16(Type1Header.MemoryBase) & AddressBits) << WindowShift;
        ulong memoryLimit = ((ulong)(bridge.Read16(Type1Header.MemoryLimit) & AddressBits) << WindowShift) | WindowLowBits;
        if (memoryBase <= address && address <= memoryLimit)
        {
            return true;
        }

        ushort prefetchableBase = bridge.Read16(Type1Header.PrefetchableMemoryBase);
        ushort prefetchableLimit = bridge.Read16(Type1Header.PrefetchableMemoryLimit);
        ulong start = (ulong)(prefetchableBase & AddressBits) << WindowShift;
        ulong end = ((ulong)(prefetchableLimit & AddressBits) << WindowShift) | WindowLowBits;
        if ((prefetchableBase & 0xF) == Is64BitCapability)
        {
            start |= (ulong)bridge.Read32(Type1Header.PrefetchableBaseUpper32) << 32;
            end |= (ulong)bridge.Read32(Type1Header.PrefetchableLimitUpper32) << 32;
        }

        return start <= address && address <= end;
    }
}
