using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

public sealed class MemBar2Tests
{
    private static IMmioRegion MapMemBar2(SimulatedMachine machine, SimulatedVmd vmd)
    {
        TestHelpers.EnableDecode(machine, vmd.Address);
        return TestHelpers.MapBar(machine, vmd.Address, VmdRegisters.MemBar2Index, vmd.MemBar2Size);
    }

    [Fact]
    public void Vmd_msix_entries_start_masked()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IMmioRegion membar2 = MapMemBar2(machine, machine.Vmds[0]);

        for (int entry = 0; entry < 19; entry++)
        {
            Assert.Equal(MsixCapability.EntryMasked, membar2.Read32((nuint)((entry * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl)));
        }

        Assert.Equal(0u, membar2.Read32((nuint)(19 * MsixCapability.EntrySize)));
    }

    [Fact]
    public void Vmd_msix_entry_is_programmed_through_membar2()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar2 = MapMemBar2(machine, vmd);
        nuint entry = 3 * MsixCapability.EntrySize;

        membar2.Write32(entry + MsixCapability.EntryAddressLow, 0xFEE0_1000);
        membar2.Write32(entry + MsixCapability.EntryAddressHigh, 0);
        membar2.Write32(entry + MsixCapability.EntryData, 0x41);
        membar2.Write32(entry + MsixCapability.EntryVectorControl, 0xFFFF_FFFE);

        Assert.Equal(new MsiMessage(0xFEE0_1000, 0x41), vmd.MsixTable.GetMessage(3));
        Assert.False(vmd.MsixTable.IsMasked(3));
        Assert.Equal(0u, membar2.Read32(entry + MsixCapability.EntryVectorControl));
    }

    [Fact]
    public void Pba_is_read_only()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar2 = MapMemBar2(machine, vmd);
        vmd.MsixTable.SetPending(2, true);

        membar2.Write64((nuint)VmdRegisters.MsixPbaOffset, 0);

        Assert.Equal(0b100UL, membar2.Read64((nuint)VmdRegisters.MsixPbaOffset));
    }

    [Fact]
    public void Shadow_registers_hold_the_bars_own_addresses_on_bare_metal_28c0()
    {
        SimulatedMachine machine = TestHelpers.Machine("icelake-sp");
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar2 = MapMemBar2(machine, vmd);

        ulong shadow1 = membar2.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar1);
        ulong shadow2 = membar2.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar2);

        Assert.Equal(TestHelpers.ReadBar(machine.HostConfig, vmd.Address, 2), shadow1 & ~0xFUL);
        Assert.Equal(TestHelpers.ReadBar(machine.HostConfig, vmd.Address, 4), shadow2 & ~0xFUL);
        Assert.Equal((uint)shadow2, membar2.Read32((nuint)VmdShadowRegisters.MemBar2ShadowMemBar2));
    }

    [Fact]
    public void Shadow_registers_read_zero_when_vmlock_bit_1_is_clear()
    {
        var builder = new Machines.MachineBuilder("t", "28c0 without MB2_SHADOW_EN");
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions { DeviceId = 0x28C0, VmLock = 0, CfgBarAddress = 0x10_0000_0000, MemBar1Address = 0x4000_0000, MemBar2Address = 0x20_0000_0000 });
        SimulatedMachine machine = builder.Build();
        IMmioRegion membar2 = MapMemBar2(machine, vmd);

        Assert.Equal(0UL, membar2.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar1));
        Assert.Equal(0UL, membar2.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar2));
    }

    [Fact]
    public void Client_membar2_has_no_shadow_registers_and_forwards_from_0x2000()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedVmd vmd = machine.Vmds[0];
        IMmioRegion membar2 = MapMemBar2(machine, vmd);

        Assert.False(vmd.HasMemBar2Shadow);
        Assert.Equal(ulong.MaxValue, membar2.Read64((nuint)VmdShadowRegisters.MemBar2ShadowMemBar1));
    }
}
