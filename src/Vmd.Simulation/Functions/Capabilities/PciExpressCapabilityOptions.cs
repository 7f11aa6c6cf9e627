using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>What a PCI Express capability announces; see <see cref="PciExpressCapabilityLayout"/>.</summary>
public sealed class PciExpressCapabilityOptions
{
    /// <summary>Device/port type (bits 7:4 of PCI Express Capabilities).</summary>
    public PciExpressPortType PortType { get; init; } = PciExpressPortType.Endpoint;

    /// <summary>Slot Implemented (root and downstream ports wired to a slot).</summary>
    public bool SlotImplemented { get; init; }

    /// <summary>Interrupt Message Number (bits 13:9): the MSI/MSI-X vector the port's own events use.</summary>
    public byte InterruptMessageNumber { get; init; }

    /// <summary>Max_Payload_Size Supported encoding (0 = 128 bytes, 1 = 256 bytes, …).</summary>
    public byte MaxPayloadSizeSupported { get; init; } = 1;

    /// <summary>Function Level Reset Capability (endpoints).</summary>
    public bool FunctionLevelReset { get; init; }

    /// <summary>Role-Based Error Reporting (every PCIe 1.1 and later function sets it).</summary>
    public bool RoleBasedErrorReporting { get; init; } = true;

    /// <summary>Maximum link speed index (1 = 2.5 GT/s, 2 = 5, 3 = 8, 4 = 16, 5 = 32 GT/s).</summary>
    public byte MaxLinkSpeed { get; init; } = 3;

    /// <summary>Maximum link width (lanes).</summary>
    public byte MaxLinkWidth { get; init; } = 4;

    /// <summary>Port Number (Link Capabilities bits 31:24).</summary>
    public byte PortNumber { get; init; }

    /// <summary>ASPM Support field (1 L0s, 2 L1, 3 both).</summary>
    public byte AspmSupport { get; init; } = 2;

    /// <summary>Data Link Layer Link Active Reporting Capable (required on hot-plug capable downstream ports).</summary>
    public bool DataLinkLayerActiveReporting { get; init; }

    /// <summary>Whether the link is trained when the function appears (sets negotiated speed/width and, if reported, DLL Link Active).</summary>
    public bool LinkUp { get; init; } = true;

    /// <summary>Hot-Plug Capable (Slot Capabilities bit 6).</summary>
    public bool HotPlugCapable { get; init; }

    /// <summary>Hot-Plug Surprise (removal without notice allowed).</summary>
    public bool HotPlugSurprise { get; init; }

    /// <summary>Attention Button Present.</summary>
    public bool AttentionButtonPresent { get; init; }

    /// <summary>Power Controller Present.</summary>
    public bool PowerControllerPresent { get; init; }

    /// <summary>MRL Sensor Present.</summary>
    public bool MrlSensorPresent { get; init; }

    /// <summary>Attention Indicator Present (Slot Control bits 7:6 become writable).</summary>
    public bool AttentionIndicatorPresent { get; init; }

    /// <summary>Power Indicator Present (Slot Control bits 9:8 become writable).</summary>
    public bool PowerIndicatorPresent { get; init; }

    /// <summary>No Command Completed Support: Slot Control writes complete at once without a Command Completed event.</summary>
    public bool NoCommandCompletedSupport { get; init; }

    /// <summary>Physical Slot Number (13 bits).</summary>
    public ushort PhysicalSlotNumber { get; init; }

    /// <summary>Slot Power Limit Value (8 bits).</summary>
    public byte SlotPowerLimitValue { get; init; }

    /// <summary>Slot Power Limit Scale (2 bits).</summary>
    public byte SlotPowerLimitScale { get; init; }

    /// <summary>Presence Detect State when the function appears (a card is in the slot).</summary>
    public bool PresenceDetected { get; init; }

    /// <summary>LTR Mechanism Supported (Device Capabilities 2 bit 11; Device Control 2 bit 10 becomes writable).</summary>
    public bool LtrSupported { get; init; }

    /// <summary>Device Capabilities 2 bit 5, ARI Forwarding Supported (downstream ports): Device Control 2 bit 5 becomes writable.</summary>
    public bool AriForwardingSupported { get; init; }
}
