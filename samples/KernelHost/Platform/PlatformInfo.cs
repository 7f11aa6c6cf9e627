namespace KernelHost.Platform;

/// <summary>
/// What a kernel learns from firmware before it touches PCI: the ECAM window (ACPI MCFG), the boot CPU's local
/// APIC ID (MADT) and the vectors its IDT has stubs for.
/// </summary>
public sealed class PlatformInfo
{
    /// <summary>Creates the record.</summary>
    public PlatformInfo(ulong ecamBase, byte lastBus, byte apicId, uint firstVector, int vectorCount)
    {
        EcamBase = ecamBase;
        LastBus = lastBus;
        ApicId = apicId;
        FirstVector = firstVector;
        VectorCount = vectorCount;
    }

    /// <summary>Physical address of bus 0's configuration space in segment 0 (MCFG base address).</summary>
    public ulong EcamBase { get; }

    /// <summary>Last bus the ECAM window covers (MCFG end bus).</summary>
    public byte LastBus { get; }

    /// <summary>Local APIC ID of the CPU that takes device interrupts.</summary>
    public byte ApicId { get; }

    /// <summary>First vector the IDT routes to device handlers.</summary>
    public uint FirstVector { get; }

    /// <summary>How many consecutive vectors from <see cref="FirstVector"/> are for devices.</summary>
    public int VectorCount { get; }
}
