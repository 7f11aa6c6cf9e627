namespace Vmd.Simulation.Functions;

/// <summary>
/// The model of the link below a root or downstream port, as the function sees it from configuration routing:
/// it catches up with the clock when a request passes, and says whether requests cross the link at all.
/// </summary>
/// <remarks>
/// The simulator runs no timers, so time-dependent link state (presence bounce, link training after insertion or
/// power-on) is materialised here when a request arrives. Callers hold the machine's lock.
/// </remarks>
internal interface IDownstreamLink
{
    /// <summary>True while the link is up (DLL Link Active): a configuration request for the secondary side crosses it.</summary>
    bool PassesRequests { get; }

    /// <summary>Applies every change due at or before <paramref name="now"/> (a timestamp of the machine's clock).</summary>
    void Settle(long now);
}
