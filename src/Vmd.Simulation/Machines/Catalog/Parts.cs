using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Machines.Catalog;

/// <summary>Building blocks the catalog machines share: host functions, typical ports and drives.</summary>
internal static class Parts
{
    public const ushort Intel = 0x8086;
    public const ushort Samsung = 0x144D;
    public const ushort SandiskWd = 0x15B7;

    /// <summary>VMCONFIG with bits 9:8 = 2: the domain starts at bus 224 (0xe0), as on every observed client part.</summary>
    public const uint VmConfigBusStart224 = 2u << VmdRegisters.VmConfigBusStartShift;

    /// <summary>VMCONFIG with bits 9:8 = 3: on a second-root-bus part, the first root bus starts at 224 and a second root bus exists.</summary>
    public const uint VmConfigSecondRootBus = 3u << VmdRegisters.VmConfigBusStartShift;

    /// <summary>VMCONFIG with bits 9:8 = 1: the domain starts at bus 128 (0x80).</summary>
    public const uint VmConfigBusStart128 = 1u << VmdRegisters.VmConfigBusStartShift;

    public const ulong Window = Type1Header.MemoryWindowGranularity;

    /// <summary>A window base register above any limit register: the window is off (Linux's reset encoding).</summary>
    public const ushort DisabledWindowBase = 0xFFF0;

    /// <summary>Host bridge at 00:00.0, graphics at 00:02.0 and ISA/LPC bridge at 00:1f.0 of a client host.</summary>
    public static void AddClientHost(MachineBuilder builder, ushort hostBridge, ushort graphics, ushort isaBridge)
    {
        builder.AddHostFunction(new PciAddress(0, 0, 0, 0), HostFunctions.HostBridge(hostBridge));
        builder.AddHostFunction(new PciAddress(0, 0, 2, 0), HostFunctions.Vga(graphics, mmioAddress: 0x60_1000_0000, apertureAddress: 0x40_0000_0000));
        builder.AddHostFunction(new PciAddress(0, 0, 0x1F, 0), HostFunctions.IsaBridge(isaBridge));
    }

    /// <summary>
    /// A client root port: primary bus hard-wired to <paramref name="hardWiredPrimary"/> (0; 0x80 on a second root bus), one link,
    /// a 1 MiB memory window at <paramref name="windowBase"/> as firmware left it.
    /// </summary>
    public static PciePort ClientRootPort(ushort deviceId, byte secondary, uint windowBase, ushort physicalSlot, bool multiFunction = false, byte maxLinkSpeed = 4, byte hardWiredPrimary = 0) =>
        PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = deviceId,
            MultiFunction = multiFunction,
            HardWiredPrimaryBus = hardWiredPrimary,
            SecondaryBus = secondary,
            SubordinateBus = secondary,
            MemoryBase = FunctionBuilder.EncodeWindow(windowBase),
            MemoryLimit = FunctionBuilder.EncodeWindow(windowBase),
            PrefetchableBase = DisabledWindowBase,
            PrefetchableLimit = 0,
            PhysicalSlotNumber = physicalSlot,
            MaxLinkSpeed = maxLinkSpeed,
            SubsystemVendorId = Intel,
        });

    /// <summary>A Xeon root port in the layout real 201d-era dumps show (SSID 0x40, MSI 0x60, PCIe 0x90, PM 0xE0), hot-plug capable slot.</summary>
    public static PciePort ServerRootPort(ushort deviceId, byte primary, byte secondary, byte subordinate, uint windowBase, uint windowLimit, ushort physicalSlot) =>
        PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = deviceId,
            RevisionId = 0x04,
            PrimaryBus = primary,
            SecondaryBus = secondary,
            SubordinateBus = subordinate,
            MemoryBase = FunctionBuilder.EncodeWindow(windowBase),
            MemoryLimit = FunctionBuilder.EncodeWindow(windowLimit),
            PrefetchableBase = DisabledWindowBase,
            PrefetchableLimit = 0,
            HotPlugCapable = true,
            PhysicalSlotNumber = physicalSlot,
            BridgeControl = (ushort)Registers.BridgeControl.SerrEnable,
            SubsystemCapabilityOffset = 0x40,
            MsiCapabilityOffset = 0x60,
            PciExpressCapabilityOffset = 0x90,
            PowerManagementCapabilityOffset = 0xE0,
        });

    /// <summary>A Samsung 980 PRO (144d:a80a). Identify strings are illustrative.</summary>
    public static NvmeEndpoint SamsungNvme(ulong bar0, ulong serial = 0x0025_3852_1100_0001) =>
        new(new NvmeOptions
        {
            VendorId = Samsung,
            DeviceId = 0xA80A,
            SubsystemVendorId = Samsung,
            SubsystemId = 0xA801,
            Bar0Address = bar0,
            SerialNumber = serial,
            ModelNumber = "Samsung SSD 980 PRO 1TB",
            FirmwareRevision = "5B2QGXA7",
        });

    /// <summary>A WD/SanDisk client drive (15b7:5009). Identify strings are illustrative.</summary>
    public static NvmeEndpoint WdNvme(ulong bar0, ulong serial = 0x0044_1B44_0000_0001) =>
        new(new NvmeOptions
        {
            VendorId = SandiskWd,
            DeviceId = 0x5009,
            SubsystemVendorId = SandiskWd,
            SubsystemId = 0x5009,
            MaxLinkSpeed = 3, // SN550: PCIe Gen 3 x4
            Bar0Address = bar0,
            SerialNumber = serial,
            ModelNumber = "WDC WDS500G2B0C-00PXH0",
            FirmwareRevision = "211070WD",
        });

    /// <summary>An Intel data-centre drive (8086:0a54), MSI-X table at 0x2000 and PBA at 0x3000 of BAR0. Identify strings are illustrative.</summary>
    public static NvmeEndpoint IntelNvme(ulong bar0, ulong serial) => new(IntelNvmeOptions(bar0, serial));

    /// <summary>The options behind <see cref="IntelNvme"/>; <paramref name="command"/> is the Command register as firmware left it.</summary>
    public static NvmeOptions IntelNvmeOptions(ulong bar0, ulong serial, ushort command = 0x0006) =>
        new()
        {
            Command = command,
            VendorId = Intel,
            DeviceId = 0x0A54,
            SubsystemVendorId = Intel,
            SubsystemId = 0x4802,
            Bar0Address = bar0,
            SerialNumber = serial,
            MsixEntries = 32,
            MsixTableOffset = 0x2000,
            MsixPbaOffset = 0x3000,
            MaxLinkSpeed = 3,
            ModelNumber = "INTEL SSDPE2KX010T8",
            FirmwareRevision = "VDV10131",
        };

    /// <summary>A plain function of a multi-function server IIO device (VT-d, RAS, …) that shares a device number with a VMD.</summary>
    public static SimulatedFunction IioFunction(ushort deviceId) =>
        new FunctionBuilder(HeaderType.Endpoint)
            .Identity(Intel, deviceId, ClassCodes.SystemPeripheralOther)
            .MultiFunction()
            .Build();
}
