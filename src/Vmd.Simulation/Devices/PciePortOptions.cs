using Vmd.Registers;

namespace Vmd.Simulation.Devices;

/// <summary>
/// How a PCIe port (root port, switch upstream or downstream port) looks after reset and firmware. The
/// defaults describe an Intel client root port: capabilities PCIe at 0x40, MSI at 0x80, Subsystem at 0x90,
/// Power Management at 0xA0, AER at 0x100; Command MSE | BME as firmware leaves it.
/// </summary>
public sealed class PciePortOptions
{
    /// <summary>Vendor ID.</summary>
    public ushort VendorId { get; init; } = 0x8086;

    /// <summary>Device ID.</summary>
    public ushort DeviceId { get; init; }

    /// <summary>Revision ID.</summary>
    public byte RevisionId { get; init; }

    /// <summary>Subsystem Vendor ID reported by the Bridge Subsystem capability.</summary>
    public ushort SubsystemVendorId { get; init; }

    /// <summary>Subsystem ID reported by the Bridge Subsystem capability.</summary>
    public ushort SubsystemId { get; init; }

    /// <summary>Sets the multi-function bit (PCH root ports at 1c.x or 1d.x share a device with other functions).</summary>
    public bool MultiFunction { get; init; }

    /// <summary>Primary Bus Number firmware programmed (ignored when <see cref="HardWiredPrimaryBus"/> is set).</summary>
    public byte PrimaryBus { get; init; }

    /// <summary>Secondary Bus Number firmware programmed.</summary>
    public byte SecondaryBus { get; init; }

    /// <summary>Subordinate Bus Number firmware programmed.</summary>
    public byte SubordinateBus { get; init; }

    /// <summary>When set, Primary Bus Number is read-only with this value (client VMD root ports: 0).</summary>
    public byte? HardWiredPrimaryBus { get; init; }

    /// <summary>Command register as firmware left it.</summary>
    public ushort Command { get; init; } = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);

    /// <summary>Status bits as hardware left them (RW1C error bits; Capabilities List is added automatically).</summary>
    public ushort Status { get; init; }

    /// <summary>Secondary Status as hardware left it.</summary>
    public ushort SecondaryStatus { get; init; }

    /// <summary>Bridge Control as firmware left it.</summary>
    public ushort BridgeControl { get; init; }

    /// <summary>Interrupt Pin (1 = INTA).</summary>
    public byte InterruptPin { get; init; } = 1;

    /// <summary>Raw Memory Base register (bits 15:4 = address bits 31:20).</summary>
    public ushort MemoryBase { get; init; }

    /// <summary>Raw Memory Limit register.</summary>
    public ushort MemoryLimit { get; init; }

    /// <summary>Whether the prefetchable window exists.</summary>
    public bool PrefetchableWindowImplemented { get; init; } = true;

    /// <summary>Whether the prefetchable window is 64-bit (upper registers writable).</summary>
    public bool Prefetchable64Bit { get; init; } = true;

    /// <summary>Raw Prefetchable Memory Base register (low nibble is forced to the 64-bit capability bit).</summary>
    public ushort PrefetchableBase { get; init; }

    /// <summary>Raw Prefetchable Memory Limit register.</summary>
    public ushort PrefetchableLimit { get; init; }

    /// <summary>Prefetchable Base Upper 32 Bits.</summary>
    public uint PrefetchableBaseUpper { get; init; }

    /// <summary>Prefetchable Limit Upper 32 Bits.</summary>
    public uint PrefetchableLimitUpper { get; init; }

    /// <summary>Whether the I/O window exists (16-bit addressing).</summary>
    public bool IoWindowImplemented { get; init; } = true;

    /// <summary>Raw I/O Base register.</summary>
    public byte IoBase { get; init; }

    /// <summary>Raw I/O Limit register.</summary>
    public byte IoLimit { get; init; }

    /// <summary>Maximum link speed index (1 = 2.5 GT/s … 5 = 32 GT/s).</summary>
    public byte MaxLinkSpeed { get; init; } = 3;

    /// <summary>Maximum link width.</summary>
    public byte MaxLinkWidth { get; init; } = 4;

    /// <summary>Port Number (Link Capabilities bits 31:24).</summary>
    public byte PortNumber { get; init; }

    /// <summary>Data Link Layer Link Active Reporting Capable (root and downstream ports; default true).</summary>
    public bool DataLinkLayerActiveReporting { get; init; } = true;

    /// <summary>Slot Implemented (root and downstream ports; default true).</summary>
    public bool SlotImplemented { get; init; } = true;

    /// <summary>Hot-Plug Capable slot.</summary>
    public bool HotPlugCapable { get; init; }

    /// <summary>Hot-Plug Surprise.</summary>
    public bool HotPlugSurprise { get; init; }

    /// <summary>Physical Slot Number (13 bits).</summary>
    public ushort PhysicalSlotNumber { get; init; }

    /// <summary>Attention Indicator Present; null follows <see cref="HotPlugCapable"/>.</summary>
    public bool? AttentionIndicatorPresent { get; init; }

    /// <summary>Power Indicator Present; null follows <see cref="HotPlugCapable"/>.</summary>
    public bool? PowerIndicatorPresent { get; init; }

    /// <summary>Attention Button Present.</summary>
    public bool AttentionButtonPresent { get; init; }

    /// <summary>Power Controller Present.</summary>
    public bool PowerControllerPresent { get; init; }

    /// <summary>No Command Completed Support.</summary>
    public bool NoCommandCompletedSupport { get; init; }

    /// <summary>Offset of the PCI Express capability (required).</summary>
    public ushort PciExpressCapabilityOffset { get; init; } = 0x40;

    /// <summary>Offset of the MSI capability; 0 leaves it out.</summary>
    public ushort MsiCapabilityOffset { get; init; } = 0x80;

    /// <summary>Offset of the Bridge Subsystem Vendor ID capability; 0 leaves it out.</summary>
    public ushort SubsystemCapabilityOffset { get; init; } = 0x90;

    /// <summary>Offset of the Power Management capability; 0 leaves it out.</summary>
    public ushort PowerManagementCapabilityOffset { get; init; } = 0xA0;

    /// <summary>Whether the AER extended capability sits at 0x100.</summary>
    public bool AdvancedErrorReporting { get; init; } = true;

    /// <summary>
    /// Whether a Downstream Port Containment extended capability (ID 0x1D) follows AER (root and downstream ports; default
    /// false, as on the modelled client parts). Only its registers and interrupt are modelled, not the link going down.
    /// </summary>
    public bool DownstreamPortContainment { get; init; }

    /// <summary>ARI Forwarding Supported (downstream ports): functions beyond device 0 answer once software enables it.</summary>
    public bool AriForwardingSupported { get; init; }
}
