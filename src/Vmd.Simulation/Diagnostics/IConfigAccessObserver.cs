namespace Vmd.Simulation.Diagnostics;

/// <summary>
/// Sees every configuration access the simulated hardware receives, host and domain, after it took effect.
/// Lets a test assert, for example, that a driver never wrote outside its VMD domain.
/// </summary>
/// <remarks>
/// Called on the accessing thread while the machine's lock is held: keep it short, do not block on other
/// threads. It may read the machine (the lock is re-entrant). The access is passed by reference to a
/// readonly struct, so observing allocates nothing.
/// </remarks>
public interface IConfigAccessObserver
{
    /// <summary>Called once per configuration access.</summary>
    void OnConfigAccess(in ConfigAccess access);
}
