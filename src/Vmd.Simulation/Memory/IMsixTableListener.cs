namespace Vmd.Simulation.Memory;

/// <summary>The function logic behind an MSI-X table: told when software wrote a Vector Control dword, so an unmasked pending entry can be sent.</summary>
internal interface IMsixTableListener
{
    void OnVectorControlWritten(MsixTable table);
}
