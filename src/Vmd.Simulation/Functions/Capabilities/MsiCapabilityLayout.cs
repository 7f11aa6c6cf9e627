using System;
using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds an MSI capability (ID 0x05, PCI Local Bus 3.0 §6.8.1), with or without per-vector masking.</summary>
public static class MsiCapabilityLayout
{
    // Message Address bits 1:0 are reserved 0: messages are dword aligned.
    private const uint AddressWritable = 0xFFFF_FFFC;
    private const uint DataWritable = 0xFFFF;

    /// <summary>
    /// Adds the capability: Enable and Multiple Message Enable read-write, Multiple Message Capable, 64-bit and
    /// per-vector masking read-only, address and 16-bit data read-write; with per-vector masking, one read-write Mask
    /// bit per capable vector and read-only Pending bits the function sets while a vector is masked.
    /// </summary>
    /// <param name="builder">Function under construction.</param>
    /// <param name="is64Bit">True for a 64-bit address capable function.</param>
    /// <param name="multipleMessageCapableLog2">log2 of the messages the function can use (0–5).</param>
    /// <param name="offset">Where to place it; 0 for after the highest capability so far.</param>
    /// <param name="perVectorMasking">True to add Mask Bits and Pending Bits (Message Control bit 8).</param>
    /// <returns>The capability's offset.</returns>
    public static ushort AddMsi(this FunctionBuilder builder, bool is64Bit = true, int multipleMessageCapableLog2 = 0, ushort offset = 0, bool perVectorMasking = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(multipleMessageCapableLog2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(multipleMessageCapableLog2, 5);
        int length = perVectorMasking ? (is64Bit ? MsiCapability.Length64 : MsiCapability.Length32) : (is64Bit ? 0x0E : 0x0A);
        ushort at = builder.AddCapability(CapabilityId.Msi, length, offset);
        SimulatedFunction function = builder.Function;
        uint control = ((uint)multipleMessageCapableLog2 << MsiMultipleMessage.CapableShift)
            | (is64Bit ? MsiCapability.Address64Capable : 0u)
            | (perVectorMasking ? MsiCapability.PerVectorMaskingCapable : 0u);
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

        if (perVectorMasking)
        {
            int vectors = 1 << multipleMessageCapableLog2;
            uint maskable = vectors == 32 ? uint.MaxValue : (1U << vectors) - 1;
            function.DefineRegister((ushort)(at + (is64Bit ? MsiMaskBits.MaskBits64 : MsiMaskBits.MaskBits32)), 4, 0, maskable);
            function.DefineRegister((ushort)(at + (is64Bit ? MsiMaskBits.PendingBits64 : MsiMaskBits.PendingBits32)), 4, 0, 0);
        }

        return at;
    }
}
