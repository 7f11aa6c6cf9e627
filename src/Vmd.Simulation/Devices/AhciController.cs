using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Devices;

/// <summary>
/// A chipset SATA controller in AHCI mode (class 0x010601): BAR5 is the AHCI Base Address (ABAR), 32-bit
/// non-prefetchable; capabilities PM (0x70), MSI (0x80), SATA configuration (0xA8). No PCIe capability, as
/// on integrated chipset functions.
/// </summary>
/// <remarks>
/// The legacy I/O BARs of real parts are left out (nothing behind a VMD decodes I/O). The ABAR registers are
/// plain memory until an AHCI model exists.
/// </remarks>
public sealed class AhciController
{
    /// <summary>Default ABAR size (2 KiB on Intel chipsets).</summary>
    public const uint DefaultAbarSize = 2048;

    private const int AbarIndex = 5;
    private const ushort PowerManagementOffset = 0x70;
    private const ushort MsiOffset = 0x80;
    private const ushort SataOffset = 0xA8;
    private const int SataCapabilityLength = 8;

    // SATA Capability Register 0 bits 7:0 of the second word: revision 1.0.
    private const ushort SataCapabilityRevision = 0x0010;

    /// <summary>Creates the function with ABAR at <paramref name="abarAddress"/>.</summary>
    public AhciController(ushort deviceId, uint abarAddress, ushort vendorId = 0x8086, uint abarSize = DefaultAbarSize, byte revisionId = 0)
    {
        Abar = new RegisterFile((int)abarSize);
        var builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(vendorId, deviceId, ClassCodes.SataAhci, revisionId)
            .Subsystem(vendorId, 0)
            .Command((ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable))
            .Interrupt(pin: 1)
            .MemoryBar(AbarIndex, abarSize, is64Bit: false, prefetchable: false, abarAddress, Abar);
        builder.AddPowerManagement(PowerManagementOffset);
        builder.AddMsi(is64Bit: false, multipleMessageCapableLog2: 0, MsiOffset);
        ushort sata = builder.AddCapability(CapabilityId.SataConfiguration, SataCapabilityLength, SataOffset);
        builder.Function.Set16((ushort)(sata + 2), SataCapabilityRevision);
        Function = builder.Build();
    }

    /// <summary>The configuration function.</summary>
    public SimulatedFunction Function { get; }

    /// <summary>The registers behind ABAR.</summary>
    public RegisterFile Abar { get; }
}
