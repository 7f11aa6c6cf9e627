using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;

namespace Vmd.Simulation.Devices;

/// <summary>
/// The ordinary functions of a host segment that a VMD shares the bus with: host bridge, integrated
/// graphics, ISA/LPC bridge. They exist so detection has something to skip; their BARs size like hardware
/// but nothing answers inside them (reads all-ones).
/// </summary>
public static class HostFunctions
{
    private const ulong GraphicsMmioSize = 16UL << 20;
    private const ulong GraphicsApertureSize = 256UL << 20;
    private const uint GraphicsIoSize = 64;

    /// <summary>A host bridge (class 0x060000) at 00:00.0.</summary>
    public static SimulatedFunction HostBridge(ushort deviceId, ushort vendorId = 0x8086, byte revisionId = 0) =>
        new FunctionBuilder(HeaderType.Endpoint)
            .Identity(vendorId, deviceId, ClassCodes.HostBridge, revisionId)
            .Subsystem(vendorId, 0)
            .Command((ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable))
            .Build();

    /// <summary>
    /// Integrated graphics (class 0x030000): BAR0 16 MiB 64-bit MMIO, BAR2 256 MiB 64-bit prefetchable aperture,
    /// BAR4 64-byte I/O; capabilities PCIe integrated endpoint (0x70), MSI (0xAC), PM (0xD0).
    /// </summary>
    public static SimulatedFunction Vga(ushort deviceId, ulong mmioAddress, ulong apertureAddress, ushort ioAddress = 0x3000, ushort vendorId = 0x8086)
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(vendorId, deviceId, ClassCodes.VgaController)
            .Subsystem(vendorId, 0)
            .Command((ushort)(PciCommand.IoSpaceEnable | PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable))
            .Interrupt(pin: 1)
            .MemoryBar(0, GraphicsMmioSize, is64Bit: true, prefetchable: false, mmioAddress)
            .MemoryBar(2, GraphicsApertureSize, is64Bit: true, prefetchable: true, apertureAddress)
            .IoBar(4, GraphicsIoSize, ioAddress);
        builder.AddPciExpress(new PciExpressCapabilityOptions { PortType = PciExpressPortType.RootComplexIntegratedEndpoint }, 0x70);
        builder.AddMsi(is64Bit: false, multipleMessageCapableLog2: 0, 0xAC);
        builder.AddPowerManagement(0xD0);
        return builder.Build();
    }

    /// <summary>The chipset's ISA/LPC bridge (class 0x060100), multi-function as at 00:1f.0.</summary>
    public static SimulatedFunction IsaBridge(ushort deviceId, ushort vendorId = 0x8086, byte revisionId = 0) =>
        new FunctionBuilder(HeaderType.Endpoint)
            .Identity(vendorId, deviceId, ClassCodes.IsaBridge, revisionId)
            .Subsystem(vendorId, 0)
            .MultiFunction()
            .Command((ushort)(PciCommand.IoSpaceEnable | PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable))
            .CommandWritable((ushort)(PciCommand.IoSpaceEnable | PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable
                | PciCommand.ParityErrorResponse | PciCommand.SerrEnable | PciCommand.InterruptDisable))
            .Build();
}
