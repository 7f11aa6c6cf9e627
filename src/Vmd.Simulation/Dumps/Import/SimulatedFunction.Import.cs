using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Functions;

/// <summary>Hooks the lspci importer needs after it has overwritten a built function's bytes with a dump.</summary>
public sealed partial class SimulatedFunction
{
    /// <summary>
    /// Forgets the message logic's capability offsets (read once, when a device model attached its MSI-X table) so they are
    /// read again from the bytes as they stand now, and attaches <paramref name="msixTable"/> again.
    /// </summary>
    internal void ReloadInterruptCapabilities(MsixTable? msixTable)
    {
        _interrupts = null;
        if (msixTable is not null)
        {
            AttachMsixTable(msixTable);
        }
    }
}
