using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Machines.Catalog;

/// <summary>The guest (a VMD passed through to a virtual machine) and the machine without a VMD.</summary>
internal static class OtherMachines
{
    // What the host programmed into the VMD's BARs; the guest sees other addresses and learns these from SHDW.
    private const ulong HostMemBar1 = 0x5000_0000;
    private const ulong HostMemBar2 = 0x60_0200_0000 | BaseAddressBits.Type64;

    public static SimulatedMachine Guest(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        builder.AddHostFunction(new PciAddress(0, 0, 0, 0), HostFunctions.HostBridge(0x29C0));
        builder.AddHostFunction(new PciAddress(0, 0, 1, 0), HostFunctions.Vga(0x1111, mmioAddress: 0xF000_0000, apertureAddress: 0x80_1000_0000, vendorId: 0x1234));
        builder.AddHostFunction(new PciAddress(0, 0, 0x1F, 0), HostFunctions.IsaBridge(0x2918));
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            Address = new PciAddress(0, 0, 5, 0),
            DeviceId = 0x9A0B,
            VmCap = VmdRegisters.VmCapBusRestrictCap,
            VmConfig = Parts.VmConfigBusStart224,
            CfgBarAddress = 0x80_0000_0000,
            MemBar1Address = 0xC000_0000,
            MemBar2Address = 0x80_0200_0000,
            MemBar1HostPhysical = HostMemBar1,
            MemBar2HostPhysical = HostMemBar2,
            Shdw = new ShdwCapabilityOptions { MemBar1HostPhysical = HostMemBar1, MemBar2HostPhysical = HostMemBar2 },
        });

        // Inside the domain every BAR and window holds a host-physical (bus) address.
        PciePort port = Parts.ClientRootPort(0x9A09, secondary: 0xE1, windowBase: (uint)HostMemBar1, physicalSlot: 4);
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Parts.SamsungNvme(HostMemBar1).Function);
        return builder.Build();
    }

    public static SimulatedMachine WithoutVmd(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        builder.AddHostFunction(new PciAddress(0, 0, 0, 0), HostFunctions.HostBridge(0x9A14));
        builder.AddHostFunction(new PciAddress(0, 0, 2, 0), HostFunctions.Vga(0x9A49, mmioAddress: 0x60_1000_0000, apertureAddress: 0x40_0000_0000));
        PciePort port = PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x9A09,
            PrimaryBus = 0,
            SecondaryBus = 1,
            SubordinateBus = 1,
            MemoryBase = Functions.FunctionBuilder.EncodeWindow(0xA000_0000),
            MemoryLimit = Functions.FunctionBuilder.EncodeWindow(0xA000_0000),
            PrefetchableBase = Parts.DisabledWindowBase,
            PrefetchableLimit = 0,
            SubsystemVendorId = Parts.Intel,
        });
        builder.AddHostFunction(new PciAddress(0, 0, 6, 0), port.Function);
        NvmeEndpoint drive = Parts.SamsungNvme(0xA000_0000);
        port.SecondaryBus.Add(0, 0, drive.Function);
        builder.AddHostFunction(new PciAddress(0, 1, 0, 0), drive.Function);
        builder.AddHostFunction(new PciAddress(0, 0, 0x0E, 0), RstCompanion.Create());
        builder.AddHostFunction(new PciAddress(0, 0, 0x1F, 0), HostFunctions.IsaBridge(0xA082));
        return builder.Build();
    }
}
