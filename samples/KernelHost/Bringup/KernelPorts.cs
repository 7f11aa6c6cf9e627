using System;
using KernelHost.Interrupts;
using KernelHost.Memory;
using KernelHost.Pci;
using KernelHost.Platform;
using Vmd;

namespace KernelHost.Bringup;

/// <summary>The kernel's implementations of the library's ports, built over one physical bus and one IDT.</summary>
public sealed class KernelPorts
{
    /// <summary>The host configuration port (ECAM, segment 0).</summary>
    public required IConfigSpace Config { get; init; }

    /// <summary>The mapping port; also maps the DMA pages of the Identify probe.</summary>
    public required KernelMmioMapper Mapper { get; init; }

    /// <summary>The interrupt controller port handed to the library (a test may wrap the kernel's own).</summary>
    public required IInterruptController Interrupts { get; init; }

    /// <summary>The device vectors of the IDT.</summary>
    public required VectorAllocator Vectors { get; init; }

    /// <summary>The IDT's handler table; the platform's stubs call into it.</summary>
    public required InterruptTable Table { get; init; }

    /// <summary>RAM pages for DMA.</summary>
    public required IPageAllocator Pages { get; init; }

    /// <summary>Builds every port over <paramref name="bus"/> from what firmware said about the platform.</summary>
    public static KernelPorts Over(IPhysicalBus bus, IPageAllocator pages, InterruptTable table, PlatformInfo platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var vectors = new VectorAllocator(platform.FirstVector, platform.VectorCount);
        return new KernelPorts
        {
            Config = new EcamConfigSpace(bus, platform.EcamBase, platform.LastBus),
            Mapper = new KernelMmioMapper(bus),
            Interrupts = new KernelInterruptController(vectors, table, platform.ApicId),
            Vectors = vectors,
            Table = table,
            Pages = pages,
        };
    }

    /// <summary>The same ports with <paramref name="interrupts"/> handed to the library instead (a spy in a test).</summary>
    public KernelPorts WithInterrupts(IInterruptController interrupts) => new()
    {
        Config = Config, Mapper = Mapper, Interrupts = interrupts, Vectors = Vectors, Table = Table, Pages = Pages,
    };
}
