using System;

namespace Vmd.Simulation.Memory;

/// <summary>A mapping handed out by <see cref="SimulatedPhysicalMemory"/>; every access is resolved at access time.</summary>
internal sealed class SimulatedMmioRegion : IMmioRegion
{
    private readonly SimulatedPhysicalMemory _memory;

    public SimulatedMmioRegion(SimulatedPhysicalMemory memory, ulong physicalAddress, nuint length)
    {
        _memory = memory;
        PhysicalAddress = physicalAddress;
        Length = length;
    }

    public ulong PhysicalAddress { get; }

    public nuint Length { get; }

    public bool IsMapped { get; set; } = true;

    public byte Read8(nuint offset) => (byte)Read(offset, 1);

    public ushort Read16(nuint offset) => (ushort)Read(offset, 2);

    public uint Read32(nuint offset) => (uint)Read(offset, 4);

    public ulong Read64(nuint offset) => Read(offset, 8);

    public void Write8(nuint offset, byte value) => Write(offset, 1, value);

    public void Write16(nuint offset, ushort value) => Write(offset, 2, value);

    public void Write32(nuint offset, uint value) => Write(offset, 4, value);

    public void Write64(nuint offset, ulong value) => Write(offset, 8, value);

    private ulong Read(nuint offset, int width)
    {
        Check(offset, width);
        return _memory.ReadPhysical(PhysicalAddress + offset, width);
    }

    private void Write(nuint offset, int width, ulong value)
    {
        Check(offset, width);
        _memory.WritePhysical(PhysicalAddress + offset, width, value);
    }

    // A real kernel would fault on these; failing loudly shows the driver bug at its source.
    private void Check(nuint offset, int width)
    {
        if (!IsMapped)
        {
            throw new InvalidOperationException($"Access to a region at {PhysicalAddress:x} after it was unmapped.");
        }

        if ((offset & (nuint)(width - 1)) != 0 || offset > Length || Length - offset < (nuint)width)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"An access of {width} bytes must be naturally aligned and inside the region of {Length} bytes.");
        }
    }
}
