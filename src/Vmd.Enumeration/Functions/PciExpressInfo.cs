using Vmd.Registers;

namespace Vmd.Enumeration.Functions;

/// <summary>The decoded PCI Express capability of a function (PCIe Base §7.5.3).</summary>
public readonly struct PciExpressInfo
{
    /// <summary>Creates the record from the raw registers.</summary>
    public PciExpressInfo(ushort capabilityOffset, ushort capabilities, uint deviceCapabilities, uint linkCapabilities, ushort linkStatus, uint slotCapabilities, uint deviceCapabilities2)
    {
        CapabilityOffset = capabilityOffset;
        CapabilitiesRegister = capabilities;
        DeviceCapabilities = deviceCapabilities;
        LinkCapabilities = linkCapabilities;
        LinkStatus = linkStatus;
        SlotCapabilities = slotCapabilities;
        DeviceCapabilities2 = deviceCapabilities2;
    }

    /// <summary>Config offset of the capability; 0 when the function has none.</summary>
    public ushort CapabilityOffset { get; }

    /// <summary>True when the function has a PCI Express capability.</summary>
    public bool IsPresent => CapabilityOffset != 0;

    /// <summary>The PCI Express Capabilities register (+0x02).</summary>
    public ushort CapabilitiesRegister { get; }

    /// <summary>Device Capabilities (+0x04).</summary>
    public uint DeviceCapabilities { get; }

    /// <summary>Link Capabilities (+0x0C).</summary>
    public uint LinkCapabilities { get; }

    /// <summary>Link Status (+0x12) when decoded.</summary>
    public ushort LinkStatus { get; }

    /// <summary>Slot Capabilities (+0x14); 0 when no slot is implemented.</summary>
    public uint SlotCapabilities { get; }

    /// <summary>Device Capabilities 2 (+0x24); 0 for version 1 capabilities.</summary>
    public uint DeviceCapabilities2 { get; }

    /// <summary>Capability version (bits 3:0).</summary>
    public int Version => CapabilitiesRegister & 0xF;

    /// <summary>Device/port type (bits 7:4).</summary>
    public PciExpressPortType PortType => (PciExpressPortType)((CapabilitiesRegister >> PciExpressCapability.PortTypeShift) & 0xF);

    /// <summary>True for a root port or a switch downstream port: its link leads to one device (device 0 only, unless ARI).</summary>
    public bool IsDownstreamPort => IsPresent && PortType is PciExpressPortType.RootPort or PciExpressPortType.SwitchDownstreamPort;

    /// <summary>Slot Implemented (Capabilities bit 8).</summary>
    public bool SlotImplemented => (CapabilitiesRegister & PciExpressCapability.SlotImplemented) != 0;

    /// <summary>True when a slot is implemented and its Slot Capabilities say hot-plug capable.</summary>
    public bool HotPlugCapable => SlotImplemented && (SlotCapabilities & PciExpressCapability.HotPlugCapable) != 0;

    /// <summary>Physical slot number (Slot Capabilities bits 31:19).</summary>
    public int PhysicalSlotNumber => (int)(SlotCapabilities >> 19);

    /// <summary>Function Level Reset capable (Device Capabilities bit 28).</summary>
    public bool FunctionLevelResetCapable => (DeviceCapabilities & PciExpressCapability.FunctionLevelResetCapable) != 0;

    /// <summary>ARI Forwarding Supported (Device Capabilities 2 bit 5; downstream ports).</summary>
    public bool AriForwardingSupported => (DeviceCapabilities2 & PciExpressCapability.AriForwardingSupported) != 0;

    /// <summary>Maximum link speed code (Link Capabilities bits 3:0: 1 = 2.5 GT/s … 6 = 64 GT/s).</summary>
    public int MaxLinkSpeed => (int)(LinkCapabilities & 0xF);

    /// <summary>Maximum link width (Link Capabilities bits 9:4).</summary>
    public int MaxLinkWidth => (int)((LinkCapabilities >> 4) & 0x3F);

    /// <summary>Current link speed code (Link Status bits 3:0).</summary>
    public int LinkSpeed => LinkStatus & 0xF;

    /// <summary>Negotiated link width (Link Status bits 9:4).</summary>
    public int LinkWidth => (LinkStatus >> 4) & 0x3F;

    /// <summary>Data Link Layer Link Active (Link Status bit 13).</summary>
    public bool DataLinkLayerActive => (LinkStatus & PciExpressCapability.DataLinkLayerLinkActive) != 0;

    /// <summary>The speed in GT/s as lspci prints it ("2.5", "5", "8", "16", "32", "64"); "unknown" otherwise.</summary>
    public static string SpeedName(int code) => code switch
    {
        1 => "2.5GT/s",
        2 => "5GT/s",
        3 => "8GT/s",
        4 => "16GT/s",
        5 => "32GT/s",
        6 => "64GT/s",
        _ => "unknown",
    };
}
