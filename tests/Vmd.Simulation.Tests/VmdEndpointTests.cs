using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

public sealed class VmdEndpointTests
{
    private static readonly PciAddress Vmd = TestHelpers.TigerLakeVmd;

    [Fact]
    public void Endpoint_identifies_as_an_intel_raid_controller_with_type_0_header()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        Assert.Equal(0x9A0B_8086u, config.Read32(Vmd, PciHeader.VendorId));
        Assert.Equal(ClassCodes.RaidController, config.Read32(Vmd, PciHeader.RevisionId) >> 8);
        Assert.Equal(HeaderType.Endpoint, config.Read8(Vmd, PciHeader.HeaderType));
    }

    [Fact]
    public void Capabilities_are_msix_at_0x80_pcie_at_0x90_and_pm_at_0xe0()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        Assert.Equal(0x80, config.Read8(Vmd, PciHeader.CapabilitiesPointer));
        Assert.Equal(0x9011, config.Read16(Vmd, 0x80));
        Assert.Equal(18, config.Read16(Vmd, 0x80 + MsixCapability.MessageControl) & MsixCapability.TableSizeMask);
        Assert.Equal(0x0000_0004u, config.Read32(Vmd, 0x80 + MsixCapability.TableOffset));
        Assert.Equal(0x0000_1004u, config.Read32(Vmd, 0x80 + MsixCapability.PbaOffset));
        Assert.Equal(0xE010, config.Read16(Vmd, 0x90));
        Assert.Equal((int)PciExpressPortType.RootComplexIntegratedEndpoint, (config.Read16(Vmd, 0x90 + PciExpressCapability.Capabilities) >> 4) & 0xF);
        Assert.Equal(0x0001, config.Read16(Vmd, 0xE0));
    }

    [Fact]
    public void Vmcap_is_read_only()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        config.Write16(Vmd, VmdRegisters.VmCap, 0);

        Assert.Equal(VmdRegisters.VmCapBusRestrictCap, config.Read16(Vmd, VmdRegisters.VmCap));
    }

    [Fact]
    public void Vmconfig_bit_1_is_writable_and_bus_start_bits_are_not()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        IConfigSpace config = machine.HostConfig;

        config.Update16(Vmd, VmdRegisters.VmConfig, clear: 0, set: VmdRegisters.VmConfigMsiRemapDisable);
        config.Write16(Vmd, VmdRegisters.VmConfig, 0xFFFF);
        Assert.Equal(0x0202, config.Read16(Vmd, VmdRegisters.VmConfig));

        config.Write16(Vmd, VmdRegisters.VmConfig, 0);
        Assert.Equal(0x0200u, machine.Vmds[0].VmConfig);
        Assert.Equal(224, machine.Vmds[0].BusStart);
    }

    [Fact]
    public void Vmlock_is_read_only_as_firmware_set_it()
    {
        IConfigSpace config = TestHelpers.Machine("icelake-sp").HostConfig;
        var vmd = new PciAddress(0, 0x64, 0, 5);

        config.Write32(vmd, VmdRegisters.VmLock, 0);

        Assert.Equal(VmdRegisters.VmLockMemBar2ShadowEnable, config.Read32(vmd, VmdRegisters.VmLock));
    }

    [Fact]
    public void Hostile_vmd_registers_can_be_all_ones()
    {
        var builder = new MachineBuilder("hostile", "all-ones VMD registers");
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = 0x28C0,
            VmCap = uint.MaxValue,
            VmConfig = uint.MaxValue,
            VmLock = uint.MaxValue,
            CfgBarAddress = 0x1000_0000,
            MemBar1Address = 0x4000_0000,
            MemBar2Address = 0x20_0000_0000,
        });
        IConfigSpace config = builder.Build().HostConfig;

        Assert.Equal(uint.MaxValue, config.Read32(vmd.Address, VmdRegisters.VmCap));
        Assert.Equal(uint.MaxValue, config.Read32(vmd.Address, VmdRegisters.VmConfig));
        Assert.Equal(uint.MaxValue, config.Read32(vmd.Address, VmdRegisters.VmLock));
    }

    [Fact]
    public void Shdw_signature_bytes_are_57_44_48_53_and_read_as_the_little_endian_signature()
    {
        SimulatedMachine machine = TestHelpers.Machine("guest");
        SimulatedVmd vmd = machine.Vmds[0];
        IConfigSpace config = machine.HostConfig;
        const ushort cap = 0xE8;

        Assert.Equal(0xE8, config.Read8(vmd.Address, 0xE0 + CapabilityHeader.Next));
        Assert.Equal((byte)CapabilityId.VendorSpecific, config.Read8(vmd.Address, cap));
        Assert.Equal(new byte[] { 0x57, 0x44, 0x48, 0x53 }, vmd.Function.ConfigBytes.Slice(cap + 4, 4).ToArray());
        Assert.Equal(VmdShadowRegisters.ShdwSignature, config.Read32(vmd.Address, cap + VmdShadowRegisters.ShdwSignatureOffset));
    }

    [Fact]
    public void Shdw_reports_host_physical_membars_that_differ_from_the_guest_bars()
    {
        SimulatedMachine machine = TestHelpers.Machine("guest");
        SimulatedVmd vmd = machine.Vmds[0];
        IConfigSpace config = machine.HostConfig;
        const ushort cap = 0xE8;

        ulong membar1 = config.Read32(vmd.Address, cap + VmdShadowRegisters.ShdwMemBar1Low) | ((ulong)config.Read32(vmd.Address, cap + VmdShadowRegisters.ShdwMemBar1High) << 32);
        ulong membar2 = config.Read32(vmd.Address, cap + VmdShadowRegisters.ShdwMemBar2Low) | ((ulong)config.Read32(vmd.Address, cap + VmdShadowRegisters.ShdwMemBar2High) << 32);

        Assert.NotEqual(TestHelpers.ReadBar(config, vmd.Address, 2), membar1 & ~0xFUL);
        Assert.NotEqual(TestHelpers.ReadBar(config, vmd.Address, 4), membar2 & ~0xFUL);
        Assert.Equal(0x5000_0000UL, membar1 & ~0xFUL);
        Assert.Equal(0x60_0200_0000UL, membar2 & ~0xFUL);
    }

    [Fact]
    public void Bare_metal_vmd_has_no_vendor_specific_capability()
    {
        IConfigSpace config = TestHelpers.Machine().HostConfig;

        Assert.Equal(0, config.Read8(Vmd, 0xE0 + CapabilityHeader.Next));
    }
}
