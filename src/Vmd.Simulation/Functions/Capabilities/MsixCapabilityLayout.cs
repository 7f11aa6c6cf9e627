using System;
using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds an MSI-X capability (ID 0x11, PCIe Base §7.7.2).</summary>
public static class MsixCapabilityLayout
{
    /// <summary>Length of the capability in bytes.</summary>
    public const int Length = 12;

    /// <summary>
    /// Adds the capability: Table Size read-only (entries − 1), Function Mask and Enable read-write (both clear
    /// after reset), table and PBA location read-only.
    /// </summary>
    /// <param name="builder">Function under construction.</param>
    /// <param name="entryCount">Number of table entries (1–2048).</param>
    /// <param name="tableBir">BAR index holding the table.</param>
    /// <param name="tableOffset">Offset of the table in that BAR (qword aligned).</param>
    /// <param name="pbaBir">BAR index holding the PBA.</param>
    /// <param name="pbaOffset">Offset of the PBA in that BAR (qword aligned).</param>
    /// <param name="offset">Where to place it; 0 for after the highest capability so far.</param>
    /// <returns>The capability's offset.</returns>
    public static ushort AddMsix(this FunctionBuilder builder, int entryCount, int tableBir, uint tableOffset, int pbaBir, uint pbaOffset, ushort offset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entryCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entryCount, MsixCapability.TableSizeMask + 1);
        if ((uint)tableBir > 5 || (uint)pbaBir > 5 || (tableOffset & 7) != 0 || (pbaOffset & 7) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tableBir), "A BIR is 0-5 and offsets are qword aligned.");
        }

        ushort at = builder.AddCapability(CapabilityId.MsiX, Length, offset);
        SimulatedFunction function = builder.Function;
        function.DefineRegister((ushort)(at + MsixCapability.MessageControl), 2, (uint)(entryCount - 1), MsixCapability.FunctionMask | MsixCapability.Enable);
        function.DefineRegister((ushort)(at + MsixCapability.TableOffset), 4, tableOffset | (uint)tableBir, 0);
        function.DefineRegister((ushort)(at + MsixCapability.PbaOffset), 4, pbaOffset | (uint)pbaBir, 0);
        return at;
    }
}
