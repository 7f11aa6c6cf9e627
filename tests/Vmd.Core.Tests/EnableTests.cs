using System;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

public sealed class EnableTests
{
    [Fact]
    public void Enable_turns_on_memory_decode_and_bus_mastering_and_opens_the_domain()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");

        VmdController vmd = Bringup.To(machine, VmdState.Enabled);

        ushort command = machine.Vmds[0].Function.Read16(PciHeader.Command);
        Assert.Equal((ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable), command);
        Assert.NotNull(vmd.Domain);
        Assert.Equal(0x9A09, vmd.Domain!.Read16(new PciAddress(0x10000, 0xE0, 6, 0), PciHeader.DeviceId));
    }

    [Theory]
    [InlineData("tigerlake", 0x5000_0000UL, 32UL << 20, 0x60_0200_2000UL, (1UL << 20) - 0x2000)]
    [InlineData("meteorlake", 0x5000_0000UL, 16UL << 20, 0x60_0300_2000UL, (16UL << 20) - 0x2000)]
    public void Apertures_are_membar1_whole_and_membar2_after_its_msix_table(string name, ulong mem1, ulong mem1Length, ulong mem2, ulong mem2Length)
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create(name), VmdState.Enabled);

        Assert.Equal((mem1, mem1Length, 0UL), (vmd.MemBar1Aperture.CpuBase, vmd.MemBar1Aperture.Length, vmd.MemBar1Aperture.BusOffset));
        Assert.Equal((mem2, mem2Length), (vmd.MemBar2Aperture.CpuBase, vmd.MemBar2Aperture.Length));
    }

    [Fact]
    public void Membar2_aperture_skips_the_shadow_registers_on_28c0()
    {
        SimulatedMachine machine = MachineCatalog.Create("icelake-sp");

        VmdController vmd = Bringup.To(machine, VmdState.Enabled);

        Assert.Equal(machine.Vmds[0].MemBar2Address + 0x2010, vmd.MemBar2Aperture.CpuBase);
    }

    [Fact]
    public void Guest_apertures_carry_the_shadow_offsets()
    {
        SimulatedMachine machine = MachineCatalog.Create("guest");

        VmdController vmd = Bringup.To(machine, VmdState.Enabled);

        Assert.Equal(machine.Vmds[0].MemBar1BusAddress, vmd.MemBar1Aperture.BusBase);
        Assert.Equal(machine.Vmds[0].MemBar2BusAddress + 0x2000, vmd.MemBar2Aperture.BusBase);
    }

    [Fact]
    public void Enable_before_map_names_the_state_it_needs()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers[0];

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => vmd.TryEnable());

        Assert.Contains("Enable needs state Mapped", error.Message, StringComparison.Ordinal);
    }
}
