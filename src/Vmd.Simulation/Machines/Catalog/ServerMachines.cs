using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Machines.Catalog;

/// <summary>The server machines: Skylake-SP (with a switch), two Skylake-SP VMDs, Ice Lake-SP.</summary>
internal static class ServerMachines
{
    private const ushort SwitchVendor = 0x10B5;
    private const ushort SwitchDevice = 0x9733;

    public static SimulatedMachine SkylakeServer(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        AddServerHost(builder, hostBridge: 0x2020, lpc: 0xA1C1);
        builder.AddHostFunction(new PciAddress(0, 0x5D, 5, 0), Parts.IioFunction(0x2034));
        SimulatedVmd vmd = builder.AddVmd(Skylake(new PciAddress(0, 0x5D, 5, 5), cfgBar: 0x3AFF_FC00_0000, memBar1: 0xAA00_0000, memBar2: 0x3AFF_FFF0_0000));
        const uint memBar1 = 0xAA00_0000;
        const uint mib = (uint)Parts.Window;

        // Root port A: the first 64 bytes reproduce a real dump (fixtures/201d-rootport-10000-00-00.0.lspci).
        vmd.RootBus.Add(0x00, 0, RootPortA().Function);

        // Root port B leads to a switch with two hot-plug downstream ports, one drive behind each.
        PciePort portB = Parts.ServerRootPort(0x2031, primary: 0, secondary: 2, subordinate: 5, memBar1, memBar1 + mib, physicalSlot: 2);
        vmd.RootBus.Add(0x01, 0, portB.Function);
        PciePort upstream = PciePort.CreateSwitchUpstreamPort(SwitchPort(primary: 2, secondary: 3, subordinate: 5, memBar1, memBar1 + mib, slot: 0));
        portB.SecondaryBus.Add(0, 0, upstream.Function);
        PciePort down0 = PciePort.CreateSwitchDownstreamPort(SwitchPort(primary: 3, secondary: 4, subordinate: 4, memBar1, memBar1, slot: 10));
        PciePort down1 = PciePort.CreateSwitchDownstreamPort(SwitchPort(primary: 3, secondary: 5, subordinate: 5, memBar1 + mib, memBar1 + mib, slot: 11));
        upstream.SecondaryBus.Add(0x08, 0, down0.Function);
        upstream.SecondaryBus.Add(0x09, 0, down1.Function);
        down0.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1, serial: 0x5048_4B53_0001).Function);
        down1.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1 + mib, serial: 0x5048_4B53_0002).Function);

        PciePort portC = Parts.ServerRootPort(0x2032, primary: 0, secondary: 6, subordinate: 6, memBar1 + (2 * mib), memBar1 + (2 * mib), physicalSlot: 3);
        vmd.RootBus.Add(0x02, 0, portC.Function);
        portC.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1 + (2 * mib), serial: 0x5048_4B53_0003).Function);

        PciePort portD = Parts.ServerRootPort(0x2033, primary: 0, secondary: 7, subordinate: 7, memBar1 + (3 * mib), memBar1 + (3 * mib), physicalSlot: 4);
        vmd.RootBus.Add(0x03, 0, portD.Function);
        return builder.Build();
    }

    public static SimulatedMachine TwoVmds(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        AddServerHost(builder, hostBridge: 0x2020, lpc: 0xA1C1);
        AddSkylakeDomain(builder, 0x5D, cfgBar: 0x3AFF_FC00_0000, memBar1: 0xAA00_0000, memBar2: 0x3AFF_FFF0_0000, serial: 0x5048_4B53_0101);
        AddSkylakeDomain(builder, 0xD7, cfgBar: 0x3BFF_FC00_0000, memBar1: 0xEE00_0000, memBar2: 0x3BFF_FFF0_0000, serial: 0x5048_4B53_0201);
        return builder.Build();
    }

    public static SimulatedMachine IceLakeServer(string name, string description)
    {
        var builder = new MachineBuilder(name, description);
        AddServerHost(builder, hostBridge: 0x09A2, lpc: 0xA1C1);
        const uint memBar1A = 0xC400_0000;
        const uint memBar1B = 0xE600_0000;
        const uint mib = (uint)Parts.Window;

        builder.AddHostFunction(new PciAddress(0, 0x64, 0, 0), Parts.IioFunction(0x09A2));
        SimulatedVmd first = builder.AddVmd(IceLake(new PciAddress(0, 0x64, 0, 5), vmConfig: 0, cfgBar: 0x207F_FC00_0000, memBar1A, memBar2: 0x207F_FFF0_0000));
        PciePort a0 = Parts.ServerRootPort(0x347A, primary: 0x00, secondary: 0x01, subordinate: 0x01, memBar1A, memBar1A, physicalSlot: 1);
        first.RootBus.Add(0x00, 0, a0.Function);
        a0.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1A, serial: 0x4943_5800_0001).Function);
        PciePort a1 = Parts.ServerRootPort(0x347B, primary: 0x00, secondary: 0x02, subordinate: 0x02, memBar1A + mib, memBar1A + mib, physicalSlot: 2);
        first.RootBus.Add(0x01, 0, a1.Function);

        builder.AddHostFunction(new PciAddress(0, 0xB2, 0, 0), Parts.IioFunction(0x09A2));
        SimulatedVmd second = builder.AddVmd(IceLake(new PciAddress(0, 0xB2, 0, 5), Parts.VmConfigBusStart128, cfgBar: 0x2FFF_FC00_0000, memBar1B, memBar2: 0x2FFF_FFF0_0000));
        PciePort b2 = Parts.ServerRootPort(0x347C, primary: 0x80, secondary: 0x81, subordinate: 0x81, memBar1B, memBar1B, physicalSlot: 3);
        second.RootBus.Add(0x02, 0, b2.Function);
        b2.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1B, serial: 0x4943_5800_0002).Function);
        PciePort b3 = Parts.ServerRootPort(0x347D, primary: 0x80, secondary: 0x82, subordinate: 0x82, memBar1B + mib, memBar1B + mib, physicalSlot: 4);
        second.RootBus.Add(0x03, 0, b3.Function);
        b3.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1B + mib, serial: 0x4943_5800_0003).Function);
        return builder.Build();
    }

    /// <summary>Skylake-SP root port A (8086:2030) exactly as the real dump's first 64 bytes show it; its link is empty.</summary>
    public static PciePort RootPortA() =>
        PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = 0x2030,
            RevisionId = 0x04,
            PrimaryBus = 0x00,
            SecondaryBus = 0x01,
            SubordinateBus = 0x01,
            SecondaryStatus = (ushort)PciStatus.ReceivedMasterAbort,
            MemoryBase = 0x0000,
            MemoryLimit = 0x0000,
            PrefetchableBase = 0x0000,
            PrefetchableLimit = 0x0000,
            PrefetchableBaseUpper = 0xFFFF_FFFF,
            PrefetchableLimitUpper = 0x0000_0575,
            BridgeControl = (ushort)BridgeControl.SerrEnable,
            HotPlugCapable = true,
            PhysicalSlotNumber = 1,
            SubsystemCapabilityOffset = 0x40,
            MsiCapabilityOffset = 0x60,
            PciExpressCapabilityOffset = 0x90,
            PowerManagementCapabilityOffset = 0xE0,
        });

    private static void AddServerHost(MachineBuilder builder, ushort hostBridge, ushort lpc)
    {
        builder.AddHostFunction(new PciAddress(0, 0, 0, 0), HostFunctions.HostBridge(hostBridge));
        builder.AddHostFunction(new PciAddress(0, 0, 0x1F, 0), HostFunctions.IsaBridge(lpc));
    }

    private static void AddSkylakeDomain(MachineBuilder builder, byte hostBus, ulong cfgBar, uint memBar1, ulong memBar2, ulong serial)
    {
        builder.AddHostFunction(new PciAddress(0, hostBus, 5, 0), Parts.IioFunction(0x2034));
        SimulatedVmd vmd = builder.AddVmd(Skylake(new PciAddress(0, hostBus, 5, 5), cfgBar, memBar1, memBar2));
        PciePort port = Parts.ServerRootPort(0x2030, primary: 0, secondary: 1, subordinate: 1, memBar1, memBar1, physicalSlot: 1);
        vmd.RootBus.Add(0x00, 0, port.Function);
        port.SecondaryBus.Add(0, 0, Parts.IntelNvme(memBar1, serial).Function);
    }

    private static VmdOptions Skylake(PciAddress address, ulong cfgBar, uint memBar1, ulong memBar2) => new()
    {
        Address = address,
        DeviceId = 0x201D,
        RevisionId = 0x07,
        MultiFunction = true,
        CfgBarAddress = cfgBar,
        MemBar1Address = memBar1,
        MemBar2Address = memBar2,
    };

    private static VmdOptions IceLake(PciAddress address, uint vmConfig, ulong cfgBar, uint memBar1, ulong memBar2) => new()
    {
        Address = address,
        DeviceId = 0x28C0,
        RevisionId = 0x04,
        MultiFunction = true,
        VmCap = VmdRegisters.VmCapBusRestrictCap,
        VmConfig = vmConfig,
        VmLock = VmdRegisters.VmLockMemBar2ShadowEnable,
        CfgBarAddress = cfgBar,
        MemBar1Address = memBar1,
        MemBar2Address = memBar2,
    };

    private static PciePortOptions SwitchPort(byte primary, byte secondary, byte subordinate, uint windowBase, uint windowLimit, ushort slot) => new()
    {
        VendorId = SwitchVendor,
        DeviceId = SwitchDevice,
        PrimaryBus = primary,
        SecondaryBus = secondary,
        SubordinateBus = subordinate,
        MemoryBase = Functions.FunctionBuilder.EncodeWindow(windowBase),
        MemoryLimit = Functions.FunctionBuilder.EncodeWindow(windowLimit),
        PrefetchableBase = Parts.DisabledWindowBase,
        PrefetchableLimit = 0,
        HotPlugCapable = slot != 0,
        PhysicalSlotNumber = slot,
        MaxLinkSpeed = 3, // PEX 9733 is a Gen 3 (8 GT/s) switch
        MaxLinkWidth = 4,
        SubsystemVendorId = SwitchVendor,
        SubsystemId = SwitchDevice,
        PowerManagementCapabilityOffset = 0x40,
        MsiCapabilityOffset = 0x48,
        PciExpressCapabilityOffset = 0x68,
        SubsystemCapabilityOffset = 0xA4,
    };
}
