using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Tests;

public sealed class FunctionMaskTests
{
    private static SimulatedFunction Function()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x1234, 0x5678, ClassCodes.NvmExpress, 0x01);
        builder.Function.DefineRegister(0x40, 4, 0xAABB_CCDD, writable: 0x0000_FF00, writeOneToClear: 0x00FF_0000);
        return builder.Build();
    }

    [Fact]
    public void Read_only_bits_ignore_writes()
    {
        SimulatedFunction function = Function();

        function.Write16(PciHeader.VendorId, 0xFFFF);
        function.Write32(PciHeader.RevisionId, 0);

        Assert.Equal(0x1234, function.Read16(PciHeader.VendorId));
        Assert.Equal(0x0108_0201u, function.Read32(PciHeader.RevisionId));
    }

    [Fact]
    public void Write_applies_read_write_mask_then_clears_written_rw1c_bits()
    {
        SimulatedFunction function = Function();

        function.Write32(0x40, 0x0F0F_1100);

        // RO byte 0xDD and 0xAA stay; RW byte takes 0x11; RW1C byte 0xBB loses the bits written as one (0x0F).
        Assert.Equal(0xAAB0_11DDu, function.Read32(0x40));
    }

    [Fact]
    public void Writing_zero_to_rw1c_bits_keeps_them()
    {
        SimulatedFunction function = Function();

        function.Write8(0x42, 0x00);

        Assert.Equal(0xBB, function.Read8(0x42));
    }

    [Fact]
    public void Byte_write_touches_only_its_byte_lane()
    {
        SimulatedFunction function = Function();

        function.Write8(0x41, 0x5A);

        Assert.Equal(0xAABB_5ADDu, function.Read32(0x40));
    }

    [Fact]
    public void Status_error_bits_are_rw1c_and_capabilities_list_is_read_only()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).Status((ushort)(PciStatus.ReceivedMasterAbort | PciStatus.SignaledSystemError));
        builder.AddCapability(CapabilityId.PowerManagement, 8);
        SimulatedFunction function = builder.Build();

        function.Write16(PciHeader.Status, (ushort)PciStatus.ReceivedMasterAbort);

        Assert.Equal((ushort)(PciStatus.SignaledSystemError | PciStatus.CapabilitiesList), function.Read16(PciHeader.Status));
    }

    [Fact]
    public void Command_keeps_only_the_bits_a_pcie_function_implements()
    {
        SimulatedFunction function = Function();

        function.Write16(PciHeader.Command, 0xFFFF);

        ushort expected = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable | PciCommand.ParityErrorResponse | PciCommand.SerrEnable | PciCommand.InterruptDisable);
        Assert.Equal(expected, function.Read16(PciHeader.Command));
    }

    [Fact]
    public void Misaligned_access_is_a_caller_bug()
    {
        SimulatedFunction function = Function();

        Assert.Throws<System.ArgumentOutOfRangeException>(() => function.Read16(0x41));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => function.Write32(0x42, 0));
        Assert.Throws<System.ArgumentOutOfRangeException>(() => function.Read32(0xFFE));
    }

    [Fact]
    public void Capability_list_links_from_0x34_in_order_added()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint);
        builder.AddCapability(CapabilityId.MsiX, 12, 0x80);
        builder.AddCapability(CapabilityId.PciExpress, 0x3C, 0x90);
        builder.AddCapability(CapabilityId.PowerManagement, 8, 0xE0);
        SimulatedFunction function = builder.Build();

        Assert.Equal(0x80, function.Read8(PciHeader.CapabilitiesPointer));
        Assert.Equal(0x9011, function.Read16(0x80));
        Assert.Equal(0xE010, function.Read16(0x90));
        Assert.Equal(0x0001, function.Read16(0xE0));
    }

    [Fact]
    public void Extended_capabilities_chain_from_0x100()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint);
        builder.AddExtendedCapability(ExtendedCapabilityId.AdvancedErrorReporting, 2, 0x2C);
        builder.AddExtendedCapability(ExtendedCapabilityId.DeviceSerialNumber, 1, 0x0C, 0x148);
        SimulatedFunction function = builder.Build();

        Assert.Equal(0x1482_0001u, function.Read32(0x100));
        Assert.Equal(0x0001_0003u, function.Read32(0x148));
    }

    [Fact]
    public void Config_bytes_expose_the_raw_space()
    {
        SimulatedFunction function = Function();

        Assert.Equal(SimulatedFunction.ConfigSpaceSize, function.ConfigBytes.Length);
        Assert.Equal(0x34, function.ConfigBytes[0]);
        Assert.Equal(0x12, function.ConfigBytes[1]);
    }
}
