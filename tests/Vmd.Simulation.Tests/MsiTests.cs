using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Interrupts;

namespace Vmd.Simulation.Tests;

/// <summary>MSI as a function sends it: multiple messages, per-vector masking and pending bits.</summary>
public sealed class MsiTests
{
    private static readonly PciAddress Address = new(0, 0, 4, 0);

    private static (SimulatedMachine Machine, SimulatedFunction Function, ushort Msi) HostFunctionWithMsi()
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).Identity(0x1234, 0x0002, ClassCodes.SystemPeripheralOther);
        ushort msi = builder.AddMsi(is64Bit: true, multipleMessageCapableLog2: 2, offset: 0x50, perVectorMasking: true);
        SimulatedFunction function = builder.Build();
        SimulatedMachine machine = TestHelpers.WithHostFunction(Address, function);
        TestHelpers.EnableDecode(machine, Address);
        return (machine, function, msi);
    }

    [Fact]
    public void Per_vector_mask_latches_pending_and_unmasking_sends_that_vector()
    {
        (SimulatedMachine machine, SimulatedFunction function, ushort msi) = HostFunctionWithMsi();
        IConfigSpace config = machine.HostConfig;
        var sinks = new CountingSink[4];
        HostVector first = default;
        for (int i = 0; i < sinks.Length; i++)
        {
            Assert.True(machine.Interrupts.TryAllocate(out HostVector vector));
            first = i == 0 ? vector : first;
            sinks[i] = new CountingSink();
            machine.Interrupts.Attach(vector, sinks[i], (uint)i);
        }

        MsiMessage message = machine.Interrupts.ComposeMessage(first);
        config.Write32(Address, (ushort)(msi + MsiCapability.MessageAddress), (uint)message.Address);
        config.Write16(Address, (ushort)(msi + MsiCapability.MessageData64), (ushort)message.Data);
        config.Write32(Address, (ushort)(msi + MsiMaskBits.MaskBits64), 0b0010);
        config.Write16(Address, (ushort)(msi + MsiCapability.MessageControl), (ushort)(MsiCapability.Enable | (2 << MsiMultipleMessage.EnableShift)));

        Assert.Equal(InterruptOutcome.DeliveredToHost, function.SignalVector(2));
        Assert.Equal(InterruptOutcome.PendingInFunction, function.SignalVector(1));
        Assert.Equal(0b0010u, config.Read32(Address, (ushort)(msi + MsiMaskBits.PendingBits64)));
        Assert.Equal(0, sinks[1].Calls);
        Assert.Equal(1, sinks[2].Calls);

        config.Write32(Address, (ushort)(msi + MsiMaskBits.MaskBits64), 0);

        Assert.Equal(1, sinks[1].Calls);
        Assert.Equal(0u, config.Read32(Address, (ushort)(msi + MsiMaskBits.PendingBits64)));
        Assert.Equal(2, machine.Counters.MessagesDirect);
    }

    [Fact]
    public void Vector_beyond_multiple_message_enable_is_not_sent()
    {
        (SimulatedMachine machine, SimulatedFunction function, ushort msi) = HostFunctionWithMsi();
        machine.HostConfig.Write16(Address, (ushort)(msi + MsiCapability.MessageControl), MsiCapability.Enable);

        Assert.Equal(InterruptOutcome.NotEnabled, function.SignalVector(1));
        Assert.Equal(1, machine.Counters.VectorsNotEnabled);
    }

    [Fact]
    public void Pending_bits_are_read_only_and_mask_bits_exist_only_for_capable_vectors()
    {
        (SimulatedMachine machine, _, ushort msi) = HostFunctionWithMsi();

        machine.HostConfig.Write32(Address, (ushort)(msi + MsiMaskBits.PendingBits64), 0xFFFF_FFFF);
        machine.HostConfig.Write32(Address, (ushort)(msi + MsiMaskBits.MaskBits64), 0xFFFF_FFFF);

        Assert.Equal(0u, machine.HostConfig.Read32(Address, (ushort)(msi + MsiMaskBits.PendingBits64)));
        Assert.Equal(0xFu, machine.HostConfig.Read32(Address, (ushort)(msi + MsiMaskBits.MaskBits64)));
        Assert.Equal(MsiCapability.PerVectorMaskingCapable, machine.HostConfig.Read16(Address, (ushort)(msi + MsiCapability.MessageControl)) & MsiCapability.PerVectorMaskingCapable);
    }

    [Fact]
    public void Bus_master_off_drops_a_host_functions_message()
    {
        (SimulatedMachine machine, SimulatedFunction function, ushort msi) = HostFunctionWithMsi();
        machine.HostConfig.Write16(Address, (ushort)(msi + MsiCapability.MessageControl), MsiCapability.Enable);
        machine.HostConfig.Write16(Address, PciHeader.Command, (ushort)PciCommand.MemorySpaceEnable);

        Assert.Equal(InterruptOutcome.BusMasterDisabled, function.SignalVector(0));
        Assert.Equal(1, machine.Counters.BusMasterDrops);
    }
}
