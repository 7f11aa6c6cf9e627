using System;

namespace Vmd.Simulation.Functions;

public sealed partial class SimulatedFunction
{
    // -1: never vanishes. Otherwise the number of configuration requests still answered before the device is gone.
    private long _requestsBeforeVanishing = -1;
    private bool _vanished;

    /// <summary>
    /// True once the function has vanished (<see cref="VanishAfter"/>): it no longer answers configuration requests
    /// (they read all-ones, writes are dropped) nor memory requests, as a device that fell off the bus or lost power.
    /// </summary>
    public bool HasVanished => _vanished;

    /// <summary>
    /// Makes the function answer <paramref name="requests"/> more configuration requests through the ports and then
    /// vanish for good (surprise removal without a slot event, a device whose link drops mid-scan). 0 vanishes at once.
    /// Requests that do not reach it (a bridge above routes elsewhere, reset) are not counted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requests"/> is negative.</exception>
    public void VanishAfter(long requests)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requests);
        _requestsBeforeVanishing = requests;
        _vanished = requests == 0;
    }

    // Counts one answered request against the budget; the request that finds the budget spent is the first unanswered one.
    private bool AnswersBeforeVanishing()
    {
        if (_vanished)
        {
            return false;
        }

        if (_requestsBeforeVanishing < 0)
        {
            return true;
        }

        if (_requestsBeforeVanishing == 0)
        {
            _vanished = true;
            return false;
        }

        _requestsBeforeVanishing--;
        return true;
    }
}
