using System;
using Vmd.Core.Mapping;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

public sealed class MapTests
{
    private static VmdController MapOnly(SimulatedMachine machine, int index = 0)
    {
        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory);
        VmdController controller = host.Controllers[index];
        Assert.True(controller.TryMap(), controller.LastFailure?.ToString());
        return controller;
    }

    public static TheoryData<string, int, ulong, ulong, ulong, int, int, ShadowSource> Machines => new()
    {
        // machine, VMD index, CFGBAR size, MEMBAR1 size, MEMBAR2 size, first bus, last bus, shadow source
        { "tigerlake", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0xE0, 0xFF, ShadowSource.None },
        { "tigerlake-dummy", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0xE0, 0xFF, ShadowSource.None },
        { "alderlake", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0xE0, 0xFF, ShadowSource.None },
        { "meteorlake", 0, 32UL << 20, 16UL << 20, 16UL << 20, 0xE0, 0xFF, ShadowSource.None },
        { "skylake-sp", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0x00, 0x1F, ShadowSource.None },
        { "icelake-sp", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0x00, 0x1F, ShadowSource.MemBar2Registers },
        { "icelake-sp", 1, 32UL << 20, 32UL << 20, 1UL << 20, 0x80, 0x9F, ShadowSource.MemBar2Registers },
        { "guest", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0xE0, 0xFF, ShadowSource.VendorCapability },
        { "two-vmd", 0, 32UL << 20, 32UL << 20, 1UL << 20, 0x00, 0x1F, ShadowSource.None },
        { "two-vmd", 1, 32UL << 20, 32UL << 20, 1UL << 20, 0x00, 0x1F, ShadowSource.None },
    };

    [Theory]
    [MemberData(nameof(Machines))]
    public void Maps_each_built_in_vmd_with_the_sizes_buses_and_shadow_the_hardware_has(
        string name, int index, ulong cfgSize, ulong mem1Size, ulong mem2Size, int firstBus, int lastBus, ShadowSource shadow)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        SimulatedVmd hardware = machine.Vmds[index];

        VmdController vmd = MapOnly(machine, index);

        Assert.Equal(VmdState.Mapped, vmd.State);
        Assert.Null(vmd.LastFailure);
        Assert.Equal((hardware.CfgBarAddress, cfgSize), (vmd.CfgBar!.Address, vmd.CfgBar.Size));
        Assert.Equal((hardware.MemBar1Address, mem1Size), (vmd.MemBar1!.Address, vmd.MemBar1.Size));
        Assert.Equal((hardware.MemBar2Address, mem2Size), (vmd.MemBar2!.Address, vmd.MemBar2.Size));
        Assert.True(vmd.CfgBar.Is64Bit);
        Assert.False(vmd.MemBar1.Is64Bit);
        Assert.True(vmd.MemBar2.Is64Bit);
        Assert.Equal((firstBus, lastBus), (vmd.BusRange!.Start, vmd.BusRange.End));
        Assert.Equal(shadow, vmd.Shadow!.Source);
        Assert.Equal(3, machine.Counters.ActiveMappings);
        Assert.NotNull(vmd.Msix);
        Assert.Equal(19, vmd.Msix!.Count);
        Assert.Equal((4, 0u, 4, 0x1000u), (vmd.Msix.TableBar, vmd.Msix.TableOffset, vmd.Msix.PbaBar, vmd.Msix.PbaOffset));
    }

    [Fact]
    public void Cfgbar_reaches_the_root_bus_after_map()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = MapOnly(machine);

        // Relative bus 0, device 6, function 0: the root port 8086:9a09 at 10000:e0:06.0.
        uint ids = vmd.CfgBar!.Region.Read32((nuint)Ecam.Offset(0, 6, 0, PciHeader.VendorId));

        Assert.Equal(0x9A09_8086u, ids);
    }

    [Fact]
    public void Bars_keep_their_addresses_and_only_memory_decode_is_turned_on()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        SimulatedVmd hardware = machine.Vmds[0];
        uint bar0 = hardware.Function.Read32(PciHeader.BaseAddress(0));
        uint bar2 = hardware.Function.Read32(PciHeader.BaseAddress(2));
        uint bar4High = hardware.Function.Read32(PciHeader.BaseAddress(5));

        VmdController vmd = MapOnly(machine);

        Assert.Equal(bar0, hardware.Function.Read32(PciHeader.BaseAddress(0)));
        Assert.Equal(bar2, hardware.Function.Read32(PciHeader.BaseAddress(2)));
        Assert.Equal(bar4High, hardware.Function.Read32(PciHeader.BaseAddress(5)));
        ushort command = hardware.Function.Read16(PciHeader.Command);
        Assert.Equal((ushort)PciCommand.MemorySpaceEnable, command);
        Assert.True(vmd.EnabledMemoryDecode);
    }

    [Fact]
    public void Map_writes_only_the_vmds_own_config_space()
    {
        SimulatedMachine machine = MachineCatalog.Create("icelake-sp");
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;

        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory);
        Assert.Equal(2, host.MapAll());

        foreach (ConfigAccess access in observer.Accesses)
        {
            if (access.IsWrite)
            {
                Assert.Equal(ConfigAccessSource.Host, access.Source);
                Assert.Contains(access.Address, new[] { machine.Vmds[0].Address, machine.Vmds[1].Address });
            }
        }
    }

    [Fact]
    public void Guest_offsets_come_from_the_shdw_capability()
    {
        SimulatedMachine machine = MachineCatalog.Create("guest");
        SimulatedVmd hardware = machine.Vmds[0];

        VmdController vmd = MapOnly(machine);

        ShadowOffsets shadow = vmd.Shadow!;
        Assert.True(shadow.IsTranslated);
        Assert.Equal(hardware.MemBar1BusAddress, shadow.MemBar1HostPhysical);
        Assert.Equal(hardware.MemBar2BusAddress, shadow.MemBar2HostPhysical);
        Assert.Equal(hardware.MemBar1BusAddress, shadow.MemBar1BusAddress(hardware.MemBar1Address));
        Assert.Equal(hardware.MemBar2BusAddress + 0x2000, shadow.MemBar2BusAddress(hardware.MemBar2Address + 0x2000));
        Assert.Null(vmd.VmLock);
    }

    [Fact]
    public void Shdw_bytes_in_reading_order_are_not_the_signature()
    {
        VmdOptions options = TestMachines.Client();
        options = new VmdOptions
        {
            DeviceId = options.DeviceId, VmCap = options.VmCap, VmConfig = options.VmConfig,
            CfgBarAddress = options.CfgBarAddress, MemBar1Address = options.MemBar1Address, MemBar2Address = options.MemBar2Address,
            Shdw = new ShdwCapabilityOptions { MemBar1HostPhysical = 0x1_0000_0000, MemBar2HostPhysical = 0x2_0000_0000, Signature = 0x5744_4853 },
        };
        SimulatedMachine machine = TestMachines.With(options);

        VmdController vmd = MapOnly(machine);

        Assert.Equal(ShadowSource.None, vmd.Shadow!.Source);
        Assert.False(vmd.Shadow.IsTranslated);
    }

    [Fact]
    public void Icelake_shadow_registers_on_bare_metal_give_zero_offsets_and_reserve_vmlock()
    {
        SimulatedMachine machine = MachineCatalog.Create("icelake-sp");

        VmdController vmd = MapOnly(machine);

        Assert.Equal(ShadowSource.MemBar2Registers, vmd.Shadow!.Source);
        Assert.False(vmd.Shadow.IsTranslated);
        Assert.NotNull(vmd.VmLock);
        Assert.NotEqual(0u, vmd.VmLock!.Value & VmdRegisters.VmLockMemBar2ShadowEnable);
    }

    [Fact]
    public void Client_vmd_without_bus_restrict_cap_starts_at_bus_0()
    {
        VmdOptions o = TestMachines.Client();
        SimulatedMachine machine = TestMachines.With(new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = 0, VmConfig = o.VmConfig,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        });

        VmdController vmd = MapOnly(machine);

        Assert.False(vmd.BusRange!.Restricted);
        Assert.Equal((0, 0x1F), (vmd.BusRange.Start, vmd.BusRange.End));
    }

    [Fact]
    public void Oversized_cfgbar_is_clamped_at_bus_ff_and_maps_only_the_buses_used()
    {
        VmdOptions o = TestMachines.Client();
        SimulatedMachine machine = TestMachines.With(new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig,
            CfgBarAddress = 0x40_0000_0000, CfgBarSize = 512UL << 20, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        });

        VmdController vmd = MapOnly(machine);

        Assert.Equal((0xE0, 0xFF), (vmd.BusRange!.Start, vmd.BusRange.End));
        Assert.Equal(512, vmd.BusRange.BusesInCfgBar);
        Assert.Equal(32UL << 20, vmd.CfgBar!.MappedLength);
        Assert.Equal(512UL << 20, vmd.CfgBar.Size);
    }

    [Fact]
    public void Legacy_host_without_extended_space_is_enough()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        machine.HostConfigSpace.HasExtendedSpace = false;
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;

        VmdController vmd = MapOnly(machine);

        Assert.Equal(VmdState.Mapped, vmd.State);
        foreach (ConfigAccess access in observer.Accesses)
        {
            if (access.Source == ConfigAccessSource.Host)
            {
                Assert.True(access.Offset < 0x100, $"host access at {access.Offset:x}");
            }
        }
    }

    [Fact]
    public void Unmap_returns_every_region_and_the_vmd_can_be_mapped_again()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = MapOnly(machine);

        vmd.Unmap();

        Assert.Equal(VmdState.Detected, vmd.State);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Null(vmd.CfgBar);
        Assert.True(vmd.TryMap());
        Assert.Equal(3, machine.Counters.ActiveMappings);
        vmd.Dispose();
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void Map_called_twice_names_the_state_it_needs()
    {
        VmdController vmd = MapOnly(MachineCatalog.Create("tigerlake"));

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => vmd.TryMap());

        Assert.Contains("needs state Detected", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mapped", error.Message, StringComparison.Ordinal);
    }
}
