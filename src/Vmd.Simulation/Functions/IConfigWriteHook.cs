namespace Vmd.Simulation.Functions;

/// <summary>
/// Behaviour beyond read-write/RW1C masks for registers of a <see cref="SimulatedFunction"/>: a slot that
/// reports Command Completed after a Slot Control write, a bit that starts a reset, a doorbell.
/// </summary>
/// <remarks>
/// Called only for writes that touch a dword registered with <see cref="SimulatedFunction.SetWriteHook"/>,
/// so ordinary registers cost no virtual call. Runs after the masks were applied, on the writer's thread,
/// with the machine's lock held. It may change read-only state through the function's <c>Set</c> methods.
/// </remarks>
public interface IConfigWriteHook
{
    /// <summary>A write of <paramref name="width"/> bytes at <paramref name="offset"/> took effect.</summary>
    /// <param name="function">The function written.</param>
    /// <param name="offset">Configuration offset of the access.</param>
    /// <param name="width">1, 2 or 4.</param>
    /// <param name="value">The value the writer sent (before masks), so write-only bits such as Retrain Link can be seen.</param>
    void OnConfigWrite(SimulatedFunction function, ushort offset, int width, uint value);
}
