namespace Vmd.Registers;

/// <summary>
/// Offsets (from the capability) and bits of the Downstream Port Containment extended capability (ID 0x001D, PCIe Base
/// r6.0 §7.9.14): the basic register set, without the Root Port Programmed I/O extensions.
/// </summary>
public static class DownstreamPortContainmentCapability
{
    /// <summary>DPC Capability (16 bits, read-only): bits 4:0 DPC Interrupt Message Number.</summary>
    public const ushort Capability = 0x04;

    /// <summary>DPC Control (16 bits).</summary>
    public const ushort Control = 0x06;

    /// <summary>DPC Status (16 bits): trigger status and interrupt status are RW1C.</summary>
    public const ushort Status = 0x08;

    /// <summary>DPC Error Source ID (16 bits, read-only): requester ID of the ERR_NONFATAL/ERR_FATAL that triggered DPC.</summary>
    public const ushort ErrorSourceId = 0x0A;

    /// <summary>Length of the modelled capability.</summary>
    public const int Length = 0x0C;

    /// <summary>DPC Capability bits 4:0: DPC Interrupt Message Number.</summary>
    public const ushort InterruptMessageNumberMask = 0x1F;

    /// <summary>DPC Control bits 1:0: DPC Trigger Enable (0 off, 1 on ERR_FATAL, 2 on ERR_NONFATAL or ERR_FATAL).</summary>
    public const ushort TriggerEnableMask = 0x3;

    /// <summary>DPC Trigger Enable value 1: trigger on ERR_FATAL.</summary>
    public const ushort TriggerOnFatal = 0x1;

    /// <summary>DPC Trigger Enable value 2: trigger on ERR_NONFATAL or ERR_FATAL.</summary>
    public const ushort TriggerOnNonFatalOrFatal = 0x2;

    /// <summary>DPC Control bit 2: DPC Completion Control.</summary>
    public const ushort CompletionControl = 1 << 2;

    /// <summary>DPC Control bit 3: DPC Interrupt Enable.</summary>
    public const ushort InterruptEnable = 1 << 3;

    /// <summary>DPC Control bit 4: DPC ERR_COR Enable.</summary>
    public const ushort ErrCorEnable = 1 << 4;

    /// <summary>DPC Status bit 0: DPC Trigger Status (RW1C).</summary>
    public const ushort TriggerStatus = 1 << 0;

    /// <summary>DPC Status bits 2:1: DPC Trigger Reason (0 unmasked uncorrectable error, 1 ERR_NONFATAL received, 2 ERR_FATAL received).</summary>
    public const ushort TriggerReasonMask = 0x6;

    /// <summary>Shift of the DPC Trigger Reason field.</summary>
    public const int TriggerReasonShift = 1;

    /// <summary>DPC Trigger Reason 0: the port itself detected an unmasked uncorrectable error.</summary>
    public const ushort ReasonUncorrectableError = 0;

    /// <summary>DPC Trigger Reason 1: an ERR_NONFATAL was received.</summary>
    public const ushort ReasonNonFatalReceived = 1;

    /// <summary>DPC Trigger Reason 2: an ERR_FATAL was received.</summary>
    public const ushort ReasonFatalReceived = 2;

    /// <summary>DPC Status bit 3: DPC Interrupt Status (RW1C).</summary>
    public const ushort InterruptStatus = 1 << 3;
}
