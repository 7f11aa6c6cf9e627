using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>The second root bus of Arrow Lake-S desktops, driven through the ports only (host config, CFGBAR and MEMBARs mapped).</summary>
public sealed class SecondRootBusTests
{
    private const uint AllOnes = 0xFFFF_FFFF;
    private const uint CpuRootPortIds = 0xAE4D_8086;
    private const uint ChipsetRootPortIds = 0x7F3C_8086;
    private const uint SamsungIds = 0xA80A_144D;
    private const uint WdIds = 0x5009_15B7;
    private const uint NvmeVersion14 = 0x0001_0400;

    private static readonly PciAddress VmdAddress = new(0, 0, 0x0E, 0);

    [Theory]
    [InlineData("arrowlake-s", 0xAD0B)]
    [InlineData("arrowlake-s-nofeature", 0x7D0B)]
    public void Busrange_and_split_registers_read_back_through_host_config(string name, int deviceId)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        IConfigSpace config = machine.HostConfig;

        Assert.Equal(deviceId, config.Read16(VmdAddress, PciHeader.DeviceId));
        Assert.Equal(1, config.Read16(VmdAddress, VmdRegisters.VmCap) & VmdRegisters.VmCapBusRestrictCap);
        Assert.Equal(VmdRegisters.VmConfigBusStartMask, config.Read16(VmdAddress, VmdRegisters.VmConfig) & VmdRegisters.VmConfigBusStartMask);
        Assert.Equal(0x0F00, config.Read16(VmdAddress, VmdRegisters.BusRange0));
        Assert.Equal(0x1F10, config.Read16(VmdAddress, VmdRegisters.BusRange1));
        Assert.Equal(0x0F, config.Read8(VmdAddress, VmdRegisters.BusRange0 + 1));
        Assert.Equal(0x10, config.Read8(VmdAddress, VmdRegisters.BusRange1));
        Assert.Equal(16u << 20, config.Read32(VmdAddress, VmdRegisters.MemBar1Bus1Offset));
        Assert.Equal(8u << 20, config.Read32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetLow));
        Assert.Equal(0u, config.Read32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetHigh));
        Assert.Equal(32UL << 20, machine.Vmds[0].MemBar1Size);
        Assert.Equal(16UL << 20, machine.Vmds[0].MemBar2Size);
        Assert.Equal(224, machine.Vmds[0].BusStart);
        Assert.True(machine.Vmds[0].SplitsRootBuses);
    }

    [Fact]
    public void Busrange_and_split_registers_are_read_only()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        IConfigSpace config = machine.HostConfig;

        config.Write16(VmdAddress, VmdRegisters.BusRange0, 0x1F00);
        config.Write16(VmdAddress, VmdRegisters.BusRange1, 0x0000);
        config.Write32(VmdAddress, VmdRegisters.MemBar1Bus1Offset, 0);
        config.Write32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetLow, AllOnes);
        config.Write32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetHigh, AllOnes);

        Assert.Equal(0x0F00, config.Read16(VmdAddress, VmdRegisters.BusRange0));
        Assert.Equal(0x1F10, config.Read16(VmdAddress, VmdRegisters.BusRange1));
        Assert.Equal(16u << 20, config.Read32(VmdAddress, VmdRegisters.MemBar1Bus1Offset));
        Assert.Equal(8u << 20, config.Read32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetLow));
        Assert.Equal(0u, config.Read32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetHigh));
    }

    [Fact]
    public void An_index_in_each_part_reaches_its_own_root_bus()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        // BUSRANGE0 part, index 0 = bus e0: the CPU root port, nothing of the second root bus.
        Assert.Equal(CpuRootPortIds, cfgbar.Read32(Cfg(0, 0x06, 0, PciHeader.VendorId)));
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(0, 0x1C, 0, PciHeader.VendorId)));
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(0, 0x17, 0, PciHeader.VendorId)));

        // BUSRANGE1 part, index 16 = bus 80: companion, chipset root port, SATA; not the CPU root port.
        Assert.Equal(0x09AB_8086u, cfgbar.Read32(Cfg(16, 0x1C, 0, PciHeader.VendorId)));
        Assert.Equal(ChipsetRootPortIds, cfgbar.Read32(Cfg(16, 0x1C, 4, PciHeader.VendorId)));
        Assert.Equal(0x7F62_8086u, cfgbar.Read32(Cfg(16, 0x17, 0, PciHeader.VendorId)));
        Assert.Equal(ClassCodes.SataAhci, cfgbar.Read32(Cfg(16, 0x17, 0, PciHeader.RevisionId)) >> 8);
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(16, 0x06, 0, PciHeader.VendorId)));

        // Firmware numbering: e1 (index 1) and 81 (index 17) hold the drives.
        Assert.Equal(SamsungIds, cfgbar.Read32(Cfg(1, 0, 0, PciHeader.VendorId)));
        Assert.Equal(WdIds, cfgbar.Read32(Cfg(17, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Second_root_bus_root_port_primary_is_hard_wired_to_0x80()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        nuint primary = Cfg(16, 0x1C, 4, Type1Header.PrimaryBusNumber);

        Assert.Equal(0x80, cfgbar.Read8(primary));
        foreach (byte value in new byte[] { 0x00, 0xE0, 0x81, 0xFF })
        {
            cfgbar.Write8(primary, value);
            Assert.Equal(0x80, cfgbar.Read8(primary));
        }

        // A dword write of the bus-number register changes secondary/subordinate but not the primary.
        nuint dword = Cfg(16, 0x1C, 4, (ushort)(Type1Header.PrimaryBusNumber & 0xFFC));
        uint before = cfgbar.Read32(dword);
        cfgbar.Write32(dword, (before & 0xFF00_0000) | 0x0082_8200);
        Assert.Equal(0x80, cfgbar.Read8(primary));
        Assert.Equal(0x82, cfgbar.Read8(Cfg(16, 0x1C, 4, Type1Header.SecondaryBusNumber)));

        // The CPU root port on the first root bus keeps the client hard-wired 0.
        nuint cpuPrimary = Cfg(0, 0x06, 0, Type1Header.PrimaryBusNumber);
        cfgbar.Write8(cpuPrimary, 0xE0);
        Assert.Equal(0x00, cfgbar.Read8(cpuPrimary));
    }

    [Fact]
    public void Bus_numbers_programmed_below_each_root_bus_route_to_the_drives()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        // First root bus: e5 = index 5.
        cfgbar.Write8(Cfg(0, 0x06, 0, Type1Header.SecondaryBusNumber), 0xE5);
        cfgbar.Write8(Cfg(0, 0x06, 0, Type1Header.SubordinateBusNumber), 0xE5);
        // Second root bus: 83 = index 16 + 3.
        cfgbar.Write8(Cfg(16, 0x1C, 4, Type1Header.SecondaryBusNumber), 0x83);
        cfgbar.Write8(Cfg(16, 0x1C, 4, Type1Header.SubordinateBusNumber), 0x83);

        Assert.Equal(SamsungIds, cfgbar.Read32(Cfg(5, 0, 0, PciHeader.VendorId)));
        Assert.Equal(WdIds, cfgbar.Read32(Cfg(19, 0, 0, PciHeader.VendorId)));
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(1, 0, 0, PciHeader.VendorId)));
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(17, 0, 0, PciHeader.VendorId)));
        // A link carries device 0 only.
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(19, 1, 0, PciHeader.VendorId)));

        // Config writes reach the drive below the second root bus.
        cfgbar.Write16(Cfg(19, 0, 0, PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, cfgbar.Read16(Cfg(19, 0, 0, PciHeader.Command)));

        Assert.Same(vmd.FindFunctionAtIndex(19, 0, 0), vmd.FindFunctionAtIndex(16, 0x1C, 4)!.SecondaryBus!.Get(0, 0));
        Assert.NotNull(vmd.FindFunction(0xE5, 0, 0));
        Assert.Null(vmd.FindFunction(0xE1, 0, 0));
    }

    [Fact]
    public void The_second_root_bus_numbers_do_not_reach_the_first_root_bus()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        // The chipset port takes bus e1, a number of the first root bus's part: index 1 still goes to the first root bus,
        // whose CPU port holds e1; the second root bus's drive is reachable at no index.
        cfgbar.Write8(Cfg(16, 0x1C, 4, Type1Header.SecondaryBusNumber), 0xE1);
        cfgbar.Write8(Cfg(16, 0x1C, 4, Type1Header.SubordinateBusNumber), 0xE1);

        Assert.Equal(SamsungIds, cfgbar.Read32(Cfg(1, 0, 0, PciHeader.VendorId)));
        for (int index = 16; index < 32; index++)
        {
            Assert.Equal(AllOnes, cfgbar.Read32(Cfg(index, 0, 0, PciHeader.VendorId)));
        }
    }

    [Fact]
    public void An_index_outside_both_parts_reads_all_ones_and_drops_writes()
    {
        SimulatedMachine machine = SplitMachine(busRange0: 0x0700, busRange1: 0x1710, out _);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        Assert.Equal(CpuRootPortIds, cfgbar.Read32(Cfg(0, 0x06, 0, PciHeader.VendorId)));
        Assert.Equal(ChipsetRootPortIds, cfgbar.Read32(Cfg(16, 0x1C, 0, PciHeader.VendorId)));
        foreach (int index in new[] { 8, 12, 15, 24, 31 })
        {
            for (int device = 0; device < 32; device++)
            {
                Assert.Equal(AllOnes, cfgbar.Read32(Cfg(index, device, 0, PciHeader.VendorId)));
            }
        }

        // Bus 88 (index 24) would be below the chipset port, but index 24 lies outside BUSRANGE1's part.
        cfgbar.Write8(Cfg(16, 0x1C, 0, Type1Header.SecondaryBusNumber), 0x88);
        cfgbar.Write8(Cfg(16, 0x1C, 0, Type1Header.SubordinateBusNumber), 0x88);
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(24, 0, 0, PciHeader.VendorId)));
        cfgbar.Write16(Cfg(24, 0, 0, PciHeader.Command), 0);
        Assert.Equal(0xFF, cfgbar.Read8(Cfg(24, 0, 0, PciHeader.HeaderType)));

        // Moved back into the part (87 = index 23), the drive answers with its Command untouched.
        cfgbar.Write8(Cfg(16, 0x1C, 0, Type1Header.SecondaryBusNumber), 0x87);
        cfgbar.Write8(Cfg(16, 0x1C, 0, Type1Header.SubordinateBusNumber), 0x87);
        Assert.Equal(WdIds, cfgbar.Read32(Cfg(23, 0, 0, PciHeader.VendorId)));
        Assert.NotEqual(0, cfgbar.Read16(Cfg(23, 0, 0, PciHeader.Command)));
    }

    [Fact]
    public void A_part_that_does_not_start_at_index_0_is_offset_by_its_first_index()
    {
        // BUSRANGE0 = indices 4-11 (buses e0-e7), BUSRANGE1 = indices 20-27 (buses 80-87).
        SimulatedMachine machine = SplitMachine(busRange0: 0x0B04, busRange1: 0x1B14, out _);
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(0, 0x06, 0, PciHeader.VendorId)));
        Assert.Equal(CpuRootPortIds, cfgbar.Read32(Cfg(4, 0x06, 0, PciHeader.VendorId)));
        Assert.Equal(SamsungIds, cfgbar.Read32(Cfg(5, 0, 0, PciHeader.VendorId)));
        Assert.Equal(AllOnes, cfgbar.Read32(Cfg(16, 0x1C, 0, PciHeader.VendorId)));
        Assert.Equal(ChipsetRootPortIds, cfgbar.Read32(Cfg(20, 0x1C, 0, PciHeader.VendorId)));
        Assert.Equal(WdIds, cfgbar.Read32(Cfg(21, 0, 0, PciHeader.VendorId)));
    }

    [Fact]
    public void Without_vmconfig_3_the_second_root_bus_is_not_decoded()
    {
        SimulatedMachine machine = SplitMachine(busRange0: 0x0F00, busRange1: 0x1F10, out _, vmConfig: 2u << VmdRegisters.VmConfigBusStartShift);
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);

        Assert.False(vmd.SplitsRootBuses);
        Assert.Equal(224, vmd.BusStart);
        Assert.Equal(CpuRootPortIds, cfgbar.Read32(Cfg(0, 0x06, 0, PciHeader.VendorId)));
        for (int index = 16; index < 32; index++)
        {
            Assert.Equal(AllOnes, cfgbar.Read32(Cfg(index, 0x1C, 0, PciHeader.VendorId)));
            Assert.Equal(AllOnes, cfgbar.Read32(Cfg(index, 0, 0, PciHeader.VendorId)));
        }
    }

    [Fact]
    public void Membar1_offsets_from_the_split_on_reach_the_second_root_bus()
    {
        SimulatedMachine machine = MachineCatalog.Create("arrowlake-s");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, vmd);
        IMmioRegion memBar1 = TestHelpers.MapBar(machine, vmd.Address, VmdRegisters.MemBar1Index, vmd.MemBar1Size);

        Assert.Equal(NvmeVersion14, memBar1.Read32(NvmeRegisters.Vs));
        Assert.Equal(NvmeVersion14, memBar1.Read32((16u << 20) + NvmeRegisters.Vs));

        // The chipset port's window and the drive's BAR moved to a bus address below the split: MEMBAR1 sends that offset
        // to the first root bus, where nothing claims it.
        const uint moved = 0x5080_0000;
        cfgbar.Write16(Cfg(16, 0x1C, 4, Type1Header.MemoryBase), FunctionBuilder.EncodeWindow(moved));
        cfgbar.Write16(Cfg(16, 0x1C, 4, Type1Header.MemoryLimit), FunctionBuilder.EncodeWindow(moved));
        cfgbar.Write32(Cfg(17, 0, 0, PciHeader.BaseAddress(0)), moved);
        cfgbar.Write32(Cfg(17, 0, 0, PciHeader.BaseAddress(1)), 0);

        Assert.Equal(AllOnes, memBar1.Read32((nuint)(moved - 0x5000_0000) + NvmeRegisters.Vs));
        Assert.Equal(AllOnes, memBar1.Read32((16u << 20) + NvmeRegisters.Vs));
        Assert.Equal(NvmeVersion14, memBar1.Read32(NvmeRegisters.Vs));
    }

    [Fact]
    public void Membar2_offsets_from_the_split_on_reach_the_second_root_bus()
    {
        SimulatedMachine machine = SplitMachine(busRange0: 0x0F00, busRange1: 0x1F10, out SimulatedVmd vmd);
        TestHelpers.EnableDecode(machine, vmd.Address);
        IMmioRegion memBar2 = TestHelpers.MapBar(machine, vmd.Address, VmdRegisters.MemBar2Index, vmd.MemBar2Size);

        // SATA ABARs: 0x8010_0000 on the first root bus, 0x8080_0000 (the split) and 0x8020_0000 (below it) on the second.
        memBar2.Write32(0x10_0000, 0x1111_1111);
        memBar2.Write32(0x80_0000, 0x2222_2222);
        memBar2.Write32(0x20_0000, 0x3333_3333);

        Assert.Equal(0x1111_1111u, memBar2.Read32(0x10_0000));
        Assert.Equal(0x2222_2222u, memBar2.Read32(0x80_0000));
        Assert.Equal(AllOnes, memBar2.Read32(0x20_0000));
    }

    [Fact]
    public void Catalog_lists_both_arrow_lake_machines()
    {
        var names = new System.Collections.Generic.List<string>();
        foreach (MachineInfo info in MachineCatalog.All)
        {
            names.Add(info.Name);
        }

        Assert.Contains("arrowlake-s", names);
        Assert.Contains("arrowlake-s-nofeature", names);
        Assert.Equal(0xAD0B, MachineCatalog.Create("arrowlake-s").Vmds[0].DeviceId);
        Assert.Equal(0x7D0B, MachineCatalog.Create("arrowlake-s-nofeature").Vmds[0].DeviceId);
        Assert.NotNull(MachineCatalog.Create("arrowlake-s-nofeature").Vmds[0].SecondRootBus);
    }

    [Fact]
    public void Vmds_without_a_second_root_bus_keep_0xc8_to_0xdf_unchanged_and_decode_as_before()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        Assert.Null(machine.Vmds[0].SecondRootBus);
        Assert.False(machine.Vmds[0].SplitsRootBuses);
        Assert.Equal(0u, machine.HostConfig.Read32(VmdAddress, VmdRegisters.MemBar1Bus1Offset));
        Assert.Equal(0u, machine.HostConfig.Read32(VmdAddress, VmdRegisters.MemBar2Bus1OffsetLow));
    }

    private static nuint Cfg(int index, int device, int function, ushort register) => (nuint)Ecam.Offset(index, device, function, register);

    /// <summary>A second-root-bus VMD with every BAR below 4 GiB (so a root-bus AHCI can sit in MEMBAR2), and the given split.</summary>
    private static SimulatedMachine SplitMachine(ushort busRange0, ushort busRange1, out SimulatedVmd vmd, uint vmConfig = 3u << VmdRegisters.VmConfigBusStartShift)
    {
        var builder = new MachineBuilder("split", "second root bus");
        vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = 0xAD0B,
            VmCap = VmdRegisters.VmCapBusRestrictCap,
            VmConfig = vmConfig,
            CfgBarAddress = 0x60_0000_0000,
            MemBar1Address = 0x5000_0000,
            MemBar1Size = 32UL << 20,
            MemBar2Address = 0x8000_0000,
            MemBar2Size = 16UL << 20,
            HasSecondRootBus = true,
            BusRange0 = busRange0,
            BusRange1 = busRange1,
            MemBar1Bus1Offset = 16u << 20,
            MemBar2Bus1Offset = 8UL << 20,
        });

        PciePort cpu = RootPort(0xAE4D, primary: 0, secondary: 0xE1, window: 0x5000_0000, multiFunction: false);
        vmd.RootBus.Add(0x06, 0, cpu.Function);
        cpu.SecondaryBus.Add(0, 0, new NvmeEndpoint(new NvmeOptions { VendorId = 0x144D, DeviceId = 0xA80A, Bar0Address = 0x5000_0000 }).Function);
        vmd.RootBus.Add(0x17, 0, new AhciController(0x7F62, abarAddress: 0x8010_0000).Function);

        SimulatedBus bus1 = vmd.SecondRootBus!;
        PciePort chipset = RootPort(0x7F3C, primary: SimulatedVmd.SecondRootBusNumber, secondary: 0x81, window: 0x5100_0000, multiFunction: false);
        bus1.Add(0x1C, 0, chipset.Function);
        chipset.SecondaryBus.Add(0, 0, new NvmeEndpoint(new NvmeOptions { VendorId = 0x15B7, DeviceId = 0x5009, Bar0Address = 0x5100_0000 }).Function);
        bus1.Add(0x17, 0, new AhciController(0x7F62, abarAddress: 0x8080_0000).Function);
        bus1.Add(0x18, 0, new AhciController(0x7F63, abarAddress: 0x8020_0000).Function);
        return builder.Build();
    }

    private static PciePort RootPort(ushort deviceId, int primary, byte secondary, uint window, bool multiFunction) =>
        PciePort.CreateRootPort(new PciePortOptions
        {
            DeviceId = deviceId,
            MultiFunction = multiFunction,
            HardWiredPrimaryBus = (byte)primary,
            SecondaryBus = secondary,
            SubordinateBus = secondary,
            MemoryBase = FunctionBuilder.EncodeWindow(window),
            MemoryLimit = FunctionBuilder.EncodeWindow(window),
            PrefetchableBase = 0xFFF0,
            PrefetchableLimit = 0,
        });
}
