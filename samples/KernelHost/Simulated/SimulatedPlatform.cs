using System;
using KernelHost.Interrupts;
using KernelHost.Platform;
using Vmd;
using Vmd.Simulation;

namespace KernelHost.Simulated;

/// <summary>
/// The stand-in for the computer: the only class of the sample's kernel side that knows about Vmd.Simulation. It
/// decodes physical addresses as a chipset does (the ECAM window to configuration requests, everything else to the
/// simulator's physical memory: RAM and BARs), gives out RAM pages, and connects the simulated local APIC's vectors to
/// the kernel's <see cref="InterruptTable"/> as IDT stubs would.
/// </summary>
/// <remarks>On hardware this class disappears: <see cref="Memory.DirectMappedBus"/> is the bus, the kernel's page
/// allocator gives the pages, and the IDT stubs call <see cref="InterruptTable.Dispatch"/>.</remarks>
public sealed class SimulatedPlatform : IPhysicalBus, IPageAllocator
{
    /// <summary>Where the sample puts the ECAM window: 256 buses × 1 MiB below 4 GiB, clear of every catalog machine's BARs.</summary>
    public const ulong DefaultEcamBase = 0xB000_0000;

    private const ulong EcamLength = 256UL << 20;
    private const ulong PageSize = 4096;

    private readonly SimulatedMachine _machine;
    private readonly ulong _ecamBase;

    /// <summary>Creates the platform of <paramref name="machine"/>.</summary>
    public SimulatedPlatform(SimulatedMachine machine, ulong ecamBase = DefaultEcamBase)
    {
        ArgumentNullException.ThrowIfNull(machine);
        _machine = machine;
        _ecamBase = ecamBase;
    }

    /// <summary>What firmware tables would tell the kernel: ECAM base and end bus, APIC ID, device vectors.</summary>
    public PlatformInfo Info => new(_ecamBase, 0xFF, _machine.Interrupts.DestinationId, _machine.Interrupts.FirstVector, _machine.Interrupts.VectorCount);

    /// <summary>
    /// Installs an IDT stub on every device vector the simulated CPU can take: each one calls
    /// <see cref="InterruptTable.Dispatch"/> with its vector number, as the assembly stubs of a kernel do.
    /// </summary>
    public void ConnectInterrupts(InterruptTable table)
    {
        ArgumentNullException.ThrowIfNull(table);

        // The simulated controller delivers only vectors it handed out: claiming them all is "the IDT is loaded".
        while (_machine.Interrupts.TryAllocate(out HostVector vector))
        {
            _machine.Interrupts.Attach(vector, new IdtStub(table), vector.Value);
        }
    }

    /// <inheritdoc />
    public bool TryAllocatePages(ulong length, out ulong physicalAddress) =>
        _machine.PhysicalMemory.TryAllocateDma(length, PageSize, out physicalAddress);

    /// <inheritdoc />
    public byte Load8(ulong physicalAddress) => (byte)Load(physicalAddress, 1);

    /// <inheritdoc />
    public ushort Load16(ulong physicalAddress) => (ushort)Load(physicalAddress, 2);

    /// <inheritdoc />
    public uint Load32(ulong physicalAddress) => (uint)Load(physicalAddress, 4);

    /// <inheritdoc />
    public ulong Load64(ulong physicalAddress) => Load(physicalAddress, 8);

    /// <inheritdoc />
    public void Store8(ulong physicalAddress, byte value) => Store(physicalAddress, 1, value);

    /// <inheritdoc />
    public void Store16(ulong physicalAddress, ushort value) => Store(physicalAddress, 2, value);

    /// <inheritdoc />
    public void Store32(ulong physicalAddress, uint value) => Store(physicalAddress, 4, value);

    /// <inheritdoc />
    public void Store64(ulong physicalAddress, ulong value) => Store(physicalAddress, 8, value);

    private ulong Load(ulong physicalAddress, int width)
    {
        if (TryDecodeEcam(physicalAddress, width, out PciAddress function, out ushort offset))
        {
            IConfigSpace config = _machine.HostConfig;
            return width switch
            {
                1 => config.Read8(function, offset),
                2 => config.Read16(function, offset),
                _ => config.Read32(function, offset),
            };
        }

        return IsEcam(physicalAddress) ? ulong.MaxValue : _machine.PhysicalMemory.Read(physicalAddress, width);
    }

    private void Store(ulong physicalAddress, int width, ulong value)
    {
        if (TryDecodeEcam(physicalAddress, width, out PciAddress function, out ushort offset))
        {
            IConfigSpace config = _machine.HostConfig;
            switch (width)
            {
                case 1:
                    config.Write8(function, offset, (byte)value);
                    break;
                case 2:
                    config.Write16(function, offset, (ushort)value);
                    break;
                default:
                    config.Write32(function, offset, (uint)value);
                    break;
            }
        }
        else if (!IsEcam(physicalAddress))
        {
            _machine.PhysicalMemory.Write(physicalAddress, width, value);
        }
    }

    private bool IsEcam(ulong physicalAddress) => physicalAddress - _ecamBase < EcamLength;

    // ECAM carries 1-, 2- and 4-byte requests; a 64-bit access there is unsupported (reads all-ones, write dropped).
    private bool TryDecodeEcam(ulong physicalAddress, int width, out PciAddress function, out ushort offset)
    {
        ulong within = physicalAddress - _ecamBase;
        bool ecam = within < EcamLength && width <= 4;
        function = ecam ? new PciAddress(0, (byte)(within >> 20), (int)(within >> 15) & 0x1F, (int)(within >> 12) & 0x7) : default;
        offset = (ushort)(within & 0xFFF);
        return ecam;
    }
}
