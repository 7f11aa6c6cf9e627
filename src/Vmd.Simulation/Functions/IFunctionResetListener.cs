namespace Vmd.Simulation.Functions;

/// <summary>
/// A device model that keeps state outside configuration space (controller registers, an MSI-X table, a port's link)
/// and returns it to power-on values when its function is reset.
/// </summary>
internal interface IFunctionResetListener
{
    /// <summary>The function's configuration bytes were just restored to their power-on values; restore the rest.</summary>
    void OnFunctionReset(SimulatedFunction function);

    /// <summary>The link below a bridge went down (Secondary Bus Reset asserted) or finished training.</summary>
    void OnLinkStateChanged(SimulatedFunction function);
}
