using KernelHost.Platform;
using Vmd;

namespace KernelHost.Pci;

/// <summary>
/// The host's configuration port over the ECAM window (PCIe enhanced configuration access): each function's 4 KiB at
/// <c>base + bus &lt;&lt; 20 | device &lt;&lt; 15 | function &lt;&lt; 12</c>, one load or store per call.
/// </summary>
/// <remarks>
/// Thread-safe without a lock: an ECAM access is a single instruction, so two CPUs can never interleave halves of
/// one access (the legacy 0xCF8/0xCFC pair would need a lock; ECAM does not). Addresses outside the window (another
/// segment, a bus past MCFG's end) read all-ones and drop writes, as an absent function does.
/// </remarks>
public sealed class EcamConfigSpace : IConfigSpace
{
    private readonly IPhysicalBus _bus;
    private readonly ulong _base;
    private readonly byte _lastBus;

    /// <summary>Creates the port for segment 0 from the MCFG entry's base and end bus.</summary>
    public EcamConfigSpace(IPhysicalBus bus, ulong ecamBase, byte lastBus)
    {
        System.ArgumentNullException.ThrowIfNull(bus);
        _bus = bus;
        _base = ecamBase;
        _lastBus = lastBus;
    }

    /// <summary>Always true: ECAM reaches the whole 4 KiB of every function.</summary>
    public bool HasExtendedSpace => true;

    /// <inheritdoc />
    public byte Read8(PciAddress address, ushort offset) =>
        TryLocate(address, offset, out ulong at) ? _bus.Load8(at) : byte.MaxValue;

    /// <inheritdoc />
    public ushort Read16(PciAddress address, ushort offset) =>
        TryLocate(address, offset, out ulong at) ? _bus.Load16(at) : ushort.MaxValue;

    /// <inheritdoc />
    public uint Read32(PciAddress address, ushort offset) =>
        TryLocate(address, offset, out ulong at) ? _bus.Load32(at) : uint.MaxValue;

    // No read-back after a write: the VMD's own config-space port reads its writes back because CFGBAR writes are
    // posted MMIO; on x86 the ECAM window is uncached, and the next access from this CPU cannot overtake the store.

    /// <inheritdoc />
    public void Write8(PciAddress address, ushort offset, byte value)
    {
        if (TryLocate(address, offset, out ulong at))
        {
            _bus.Store8(at, value);
        }
    }

    /// <inheritdoc />
    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        if (TryLocate(address, offset, out ulong at))
        {
            _bus.Store16(at, value);
        }
    }

    /// <inheritdoc />
    public void Write32(PciAddress address, ushort offset, uint value)
    {
        if (TryLocate(address, offset, out ulong at))
        {
            _bus.Store32(at, value);
        }
    }

    private bool TryLocate(PciAddress address, ushort offset, out ulong physicalAddress)
    {
        // The library passes only aligned offsets below 0x1000; masking keeps a buggy caller inside its own function.
        physicalAddress = _base + ((ulong)address.Bus << 20) | ((ulong)address.Device << 15) | ((ulong)address.Function << 12) | (offset & 0xFFFUL);
        return address.Segment == 0 && address.Bus <= _lastBus;
    }
}
