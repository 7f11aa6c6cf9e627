using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>
/// The VMD endpoint's configuration space (hardware digest §2.2, §2.3, §3): type 0, class 0x010400, CFGBAR /
/// MEMBAR1 / MEMBAR2, MSI-X at 0x80 (table and PBA in MEMBAR2), PCIe integrated endpoint at 0x90, PM at 0xE0,
/// the optional SHDW capability, and VMCAP / VMCONFIG / VMLOCK.
/// </summary>
internal static class VmdEndpointLayout
{
    private const ushort MsixOffset = 0x80;
    private const ushort PciExpressOffset = 0x90;
    private const ushort PowerManagementOffset = 0xE0;
    private const ushort VendorId = 0x8086;

    public static SimulatedFunction Build(VmdOptions options, IMemoryTarget cfgBar, IMemoryTarget memBar1, IMemoryTarget memBar2)
    {
        ushort id = options.DeviceId;
        var builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(VendorId, id, ClassCodes.RaidController, options.RevisionId)
            .Subsystem(options.SubsystemVendorId, options.SubsystemId)
            .MultiFunction(options.MultiFunction)
            .Command(options.Command)
            .MemoryBar(VmdRegisters.CfgBarIndex, options.CfgBarSize, is64Bit: true, options.CfgBarPrefetchable ?? VmdModelDefaults.CfgBarPrefetchable(id), options.CfgBarAddress, cfgBar)
            .MemoryBar(VmdRegisters.MemBar1Index, options.MemBar1Size ?? VmdModelDefaults.MemBar1Size(id), is64Bit: false, prefetchable: false, options.MemBar1Address, memBar1)
            .MemoryBar(VmdRegisters.MemBar2Index, options.MemBar2Size ?? VmdModelDefaults.MemBar2Size(id), is64Bit: true, prefetchable: false, options.MemBar2Address, memBar2);

        builder.AddMsix(options.MsixEntries, VmdRegisters.MemBar2Index, (uint)VmdRegisters.MsixTableOffset, VmdRegisters.MemBar2Index, (uint)VmdRegisters.MsixPbaOffset, MsixOffset);
        builder.AddPciExpress(new PciExpressCapabilityOptions { PortType = PciExpressPortType.RootComplexIntegratedEndpoint }, PciExpressOffset);
        builder.AddPowerManagement(PowerManagementOffset);
        if (options.Shdw is ShdwCapabilityOptions shdw)
        {
            builder.AddVmdShadow(shdw.MemBar1HostPhysical, shdw.MemBar2HostPhysical, shdw.Signature, shdw.Offset);
        }

        SimulatedFunction function = builder.Function;
        function.DefineRegister(VmdRegisters.VmCap, 4, options.VmCap, 0);
        function.DefineRegister(VmdRegisters.VmConfig, 4, options.VmConfig, options.VmConfigWritable);
        function.DefineRegister(VmdRegisters.VmLock, 4, options.VmLock, 0);
        if (options.HasSecondRootBus)
        {
            // Firmware-set, read-only: the split of CFGBAR bus indices and of the two memory apertures.
            function.DefineRegister(VmdRegisters.BusRange0, 2, options.BusRange0, 0);
            function.DefineRegister(VmdRegisters.BusRange1, 2, options.BusRange1, 0);
            function.DefineRegister(VmdRegisters.MemBar1Bus1Offset, 4, options.MemBar1Bus1Offset, 0);
            function.DefineRegister(VmdRegisters.MemBar2Bus1OffsetLow, 4, (uint)options.MemBar2Bus1Offset, 0);
            function.DefineRegister(VmdRegisters.MemBar2Bus1OffsetHigh, 4, (uint)(options.MemBar2Bus1Offset >> 32), 0);
        }
        return builder.Build();
    }
}
