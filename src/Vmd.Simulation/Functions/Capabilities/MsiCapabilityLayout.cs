using System;
using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds an MSI capability (ID 0x05, PCI Local Bus 3.0 §6.8.1) without per-vector masking.</summary>
public static class MsiCapabilityLayout
{
    // Message Address bits 1:0 are reserved 0: messages are dword aligned.
    private const uint AddressWritable = 0xFFFF_FFFC;
    private const uint DataWritable = 0xFFFF;

    /// <summary>
    /// Adds the capability: Enable and Multiple Message Enable read-write, Multiple Message Capable and
    /// 64-bit read-only, address and 16-bit data read-write.
    /// </summary>
    /// <param name="builder">Function under construction.</param>
    /// <param name="is64Bit">True for a 64-bit address capable function.</param>
    /// <param name="multipleMessageCapableLog2">log2 of the messages the function can use (0–5).</param>
    /// <param name="offset">Where to place it; 0 for after the highest capability so far.</param>
    /// <returns>The capability's offset.</returns>
    public static ushort AddMsi(this FunctionBuilder builder, bool is64Bit = true, int multipleMessageCapableLog2 = 0, ushort offset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(multipleMessageCapableLog2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(multipleMessageCapableLog2, 5);
        ushort at = builder.AddCapability(CapabilityId.Msi, is64Bit ? 0x0E : 0x0A, offset);
        SimulatedFunction function = builder.Function;
        uint control = ((uint)multipleMessageCapableLog2 << 1) | (is64Bit ? MsiCapability.Address64Capable : 0u);
        function.DefineRegister((ushort)(at + MsiCapability.MessageControl), 2, control, MsiCapability.Enable | MsiCapability.MultipleMessageEnableMask);
        function.DefineRegister((ushort)(at + MsiCapability.MessageAddress), 4, 0, AddressWritable);
        if (is64Bit)
        {
            function.DefineRegister((ushort)(at + MsiCapability.MessageUpperAddress), 4, 0, uint.MaxValue);
            function.DefineRegister((ushort)(at + MsiCapability.MessageData64), 2, 0, DataWritable);
        }
        else
        {
            function.DefineRegister((ushort)(at + MsiCapability.MessageData32), 2, 0, DataWritable);
        }

        return at;
    }
}
