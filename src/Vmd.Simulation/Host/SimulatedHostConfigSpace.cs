using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Host;

/// <summary>
/// The host's configuration port over segment 0: a flat map of bus/device/function to the host's functions
/// (host bridges route nothing here; each function sits at its address). Absent functions and other
/// segments read all-ones and drop writes.
/// </summary>
/// <remarks>
/// With <see cref="HasExtendedSpace"/> false the port models a legacy 0xCF8/0xCFC host: offsets 0x100 and up
/// read all-ones and writes there are dropped. Misaligned or out-of-range accesses break the port's contract and
/// throw <see cref="System.ArgumentOutOfRangeException"/>. Thread-safe: every access takes the machine's lock.
/// Never allocates.
/// </remarks>
public sealed class SimulatedHostConfigSpace : IConfigSpace
{
    private const ushort FirstExtendedOffset = 0x100;

    private readonly MachineFabric _fabric;

    internal SimulatedHostConfigSpace(MachineFabric fabric, bool hasExtendedSpace)
    {
        _fabric = fabric;
        HasExtendedSpace = hasExtendedSpace;
    }

    /// <summary>True (default) for an ECAM host; false for a legacy host that reaches only 256 bytes per function.</summary>
    public bool HasExtendedSpace { get; set; }

    /// <inheritdoc />
    public byte Read8(PciAddress address, ushort offset) => (byte)Read(address, offset, 1);

    /// <inheritdoc />
    public ushort Read16(PciAddress address, ushort offset) => (ushort)Read(address, offset, 2);

    /// <inheritdoc />
    public uint Read32(PciAddress address, ushort offset) => Read(address, offset, 4);

    /// <inheritdoc />
    public void Write8(PciAddress address, ushort offset, byte value) => Write(address, offset, 1, value);

    /// <inheritdoc />
    public void Write16(PciAddress address, ushort offset, ushort value) => Write(address, offset, 2, value);

    /// <inheritdoc />
    public void Write32(PciAddress address, ushort offset, uint value) => Write(address, offset, 4, value);

    private SimulatedFunction? Resolve(PciAddress address, ushort offset)
    {
        if (!HasExtendedSpace && offset >= FirstExtendedOffset)
        {
            return null;
        }

        SimulatedFunction? function = _fabric.FindHostFunction(address);

        // A function in reset or not ready yet does not answer: reads all-ones, writes dropped (no CRS model).
        return function is not null && function.AcceptsConfig(_fabric.Time) ? function : null;
    }

    private uint Read(PciAddress address, ushort offset, int width)
    {
        CheckAccess(offset, width);
        uint value;
        lock (_fabric.Sync)
        {
            SimulatedFunction? function = Resolve(address, offset);
            value = function is null ? (uint)AccessWidth.AllOnes(width) : width switch
            {
                1 => function.Read8(offset),
                2 => function.Read16(offset),
                _ => function.Read32(offset),
            };
            _fabric.RecordConfig(ConfigAccessSource.Host, address, offset, width, value, write: false, function is not null, null);
        }

        // A read may have brought a slot event due (a port in the host segment), which may have sent a hot-plug message.
        if (_fabric.RootComplex.HasQueued)
        {
            _fabric.RootComplex.DeliverQueued();
        }

        return value;
    }

    private void Write(PciAddress address, ushort offset, int width, uint value)
    {
        CheckAccess(offset, width);
        lock (_fabric.Sync)
        {
            SimulatedFunction? function = Resolve(address, offset);
            switch (function is null ? 0 : width)
            {
                case 1:
                    function!.Write8(offset, (byte)value);
                    break;
                case 2:
                    function!.Write16(offset, (ushort)value);
                    break;
                case 4:
                    function!.Write32(offset, value);
                    break;
            }

            _fabric.RecordConfig(ConfigAccessSource.Host, address, offset, width, value, write: true, function is not null, null);
        }

        // Clearing a Function Mask (the VMD's own MSI-X lives in host config space) may have released messages.
        _fabric.RootComplex.DeliverQueued();
    }

    private static void CheckAccess(ushort offset, int width)
    {
        if ((offset & (width - 1)) != 0 || offset + width > SimulatedFunction.ConfigSpaceSize)
        {
            throw new System.ArgumentOutOfRangeException(nameof(offset), offset, "A configuration access is naturally aligned and below 0x1000.");
        }
    }
}
