using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Machines.Catalog;

/// <summary>The client machines: Tiger Lake (plain and with the 09ab companion), Alder Lake, Meteor Lake, Arrow Lake-S (with and without the second-root-bus ID).</summary>
internal static class ClientMachines
{
    private const ulong CfgBar = 0x60_0000_0000;
    private const ulong MemBar2 = 0x60_0200_0000;

    public static SimulatedMachine TigerLake(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        Parts.AddClientHost(builder, hostBridge: 0x9A14, graphics: 0x9A49, isaBridge: 0xA082);
        SimulatedVmd vmd = builder.AddVmd(Client(0x9A0B, memBar1: 0x5000_0000));
        PciePort port = Parts.ClientRootPort(0x9A09, secondary: 0xE1, windowBase: 0x5000_0000, physicalSlot: 4);
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Parts.SamsungNvme(0x5000_0000).Function);
        return builder.Build();
    }

    public static SimulatedMachine TigerLakeWithCompanion(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        Parts.AddClientHost(builder, hostBridge: 0x9A14, graphics: 0x9A49, isaBridge: 0xA082);
        SimulatedVmd vmd = builder.AddVmd(Client(0x9A0B, memBar1: 0x5000_0000));
        vmd.RootBus.Add(0x1C, 0, RstCompanion.Create());
        PciePort port = Parts.ClientRootPort(0xA0BC, secondary: 0xE1, windowBase: 0x5000_0000, physicalSlot: 8, multiFunction: true, maxLinkSpeed: 3);
        vmd.RootBus.Add(0x1C, 4, port.Function);
        port.SecondaryBus.Add(0, 0, Parts.WdNvme(0x5000_0000).Function);
        return builder.Build();
    }

    public static SimulatedMachine AlderLake(string name, string description)
    {
        const uint memBar1 = 0x7200_0000;
        var builder = new MachineBuilder(name, description);
        Parts.AddClientHost(builder, hostBridge: 0x4621, graphics: 0x46A6, isaBridge: 0x5182);
        SimulatedVmd vmd = builder.AddVmd(Client(0x467F, memBar1));

        PciePort cpuPort = Parts.ClientRootPort(0x464D, secondary: 0xE1, windowBase: memBar1, physicalSlot: 4);
        vmd.RootBus.Add(0x06, 0, cpuPort.Function);
        cpuPort.SecondaryBus.Add(0, 0, Parts.SamsungNvme(memBar1).Function);

        vmd.RootBus.Add(0x17, 0, new AhciController(0x51D3, abarAddress: memBar1 + (3 * (uint)Parts.Window)).Function);

        PciePort pchPort = Parts.ClientRootPort(0x51B0, secondary: 0xE2, windowBase: memBar1 + (uint)Parts.Window, physicalSlot: 9, maxLinkSpeed: 3);
        vmd.RootBus.Add(0x1D, 0, pchPort.Function);
        pchPort.SecondaryBus.Add(0, 0, Parts.WdNvme(memBar1 + Parts.Window).Function);
        return builder.Build();
    }

    public static SimulatedMachine MeteorLake(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        Parts.AddClientHost(builder, hostBridge: 0x7D01, graphics: 0x7D55, isaBridge: 0x7E02);
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = 0x7D0B,
            VmCap = 1,
            VmConfig = Parts.VmConfigBusStart224,
            CfgBarAddress = CfgBar,
            MemBar1Address = 0x5000_0000,
            MemBar2Address = 0x60_0300_0000,
        });
        PciePort port = Parts.ClientRootPort(0x7ECC, secondary: 0xE1, windowBase: 0x5000_0000, physicalSlot: 4);
        vmd.RootBus.Add(0x06, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Parts.SamsungNvme(0x5000_0000).Function);
        return builder.Build();
    }

    /// <summary>
    /// An Arrow Lake-S desktop with the second root bus: VMCONFIG[9:8] = 3, CFGBAR indices 0–15 for the first root bus
    /// (buses e0–ef) and 16–31 for the second (buses 80–8f), MEMBAR1 and MEMBAR2 split in halves. <paramref name="vmdDeviceId"/>
    /// is 0xAD0B, or an ID without the feature for the machine a driver must refuse.
    /// </summary>
    public static SimulatedMachine ArrowLakeS(string name, string description, ushort vmdDeviceId)
    {
        const uint memBar1 = 0x5000_0000;
        const uint memBar1Split = 16u << 20;
        const ulong memBar2Split = 8UL << 20;
        const uint bus1Window = memBar1 + memBar1Split;
        var builder = new MachineBuilder(name, description);
        Parts.AddClientHost(builder, hostBridge: 0x7D1C, graphics: 0x7D67, isaBridge: 0xAE06);
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = vmdDeviceId,
            VmCap = 1,
            VmConfig = Parts.VmConfigSecondRootBus,
            CfgBarAddress = CfgBar,
            MemBar1Address = memBar1,
            MemBar1Size = 32UL << 20,
            MemBar2Address = MemBar2,
            MemBar2Size = 16UL << 20,
            HasSecondRootBus = true,
            BusRange0 = 0x0F00,
            BusRange1 = 0x1F10,
            MemBar1Bus1Offset = memBar1Split,
            MemBar2Bus1Offset = memBar2Split,
        });

        // First root bus (e0): a CPU root port, primary hard-wired 0, with an NVMe at the start of MEMBAR1.
        PciePort cpuPort = Parts.ClientRootPort(0xAE4D, secondary: 0xE1, windowBase: memBar1, physicalSlot: 4);
        vmd.RootBus.Add(0x06, 0, cpuPort.Function);
        cpuPort.SecondaryBus.Add(0, 0, Parts.SamsungNvme(memBar1).Function);

        // Second root bus (80): the 09ab companion at 1c.0, the chipset root port at 1c.4 (primary hard-wired 0x80) with an
        // NVMe at the start of MEMBAR1's second part, and SATA AHCI whose ABAR sits 1 MiB further on.
        SimulatedBus bus1 = vmd.SecondRootBus!;
        bus1.Add(0x1C, 0, RstCompanion.Create());
        PciePort pchPort = Parts.ClientRootPort(0x7F3C, secondary: 0x81, windowBase: bus1Window, physicalSlot: 8, multiFunction: true, maxLinkSpeed: 4, hardWiredPrimary: SimulatedVmd.SecondRootBusNumber);
        bus1.Add(0x1C, 4, pchPort.Function);
        pchPort.SecondaryBus.Add(0, 0, Parts.WdNvme(bus1Window).Function);
        bus1.Add(0x17, 0, new AhciController(0x7F62, abarAddress: bus1Window + (uint)Parts.Window).Function);
        return builder.Build();
    }

    /// <summary>A client VMD at 00:0e.0 with buses e0–ff and the firmware addresses the client machines share.</summary>
    private static VmdOptions Client(ushort deviceId, uint memBar1) => new()
    {
        DeviceId = deviceId,
        VmCap = 1,
        VmConfig = Parts.VmConfigBusStart224,
        CfgBarAddress = CfgBar,
        MemBar1Address = memBar1,
        MemBar2Address = MemBar2,
    };
}
