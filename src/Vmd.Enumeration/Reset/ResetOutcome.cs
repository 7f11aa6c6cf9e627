namespace Vmd.Enumeration.Reset;

/// <summary>How a reset or power-state change ended.</summary>
public enum ResetOutcome
{
    /// <summary>The function answered its Vendor ID in time.</summary>
    Completed = 0,

    /// <summary>The function kept reading all-ones (or Request Retry Status) until the 1 s readiness budget ran out.</summary>
    NotResponding,

    /// <summary>The port reports Data Link Layer Link Active but it did not come on within the readiness budget.</summary>
    LinkNotActive,

    /// <summary>The function lacks what the operation needs (no FLR capability, not a bridge, no PM capability); nothing was written.</summary>
    Unsupported,

    /// <summary>The function to act on read all-ones before anything was written.</summary>
    Absent,

    /// <summary>The bridge's secondary bus number is not above its own bus: it has not been numbered; nothing was written.</summary>
    NotNumbered,

    /// <summary>The <see cref="System.TimeProvider"/> stopped moving during a wait (see <see cref="ResetWait"/>).</summary>
    ClockStalled,
}
