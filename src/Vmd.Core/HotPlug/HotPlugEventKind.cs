namespace Vmd.Core.HotPlug;

/// <summary>What happened in a slot.</summary>
public enum HotPlugEventKind
{
    /// <summary>A card arrived and its functions are enumerated, assigned and in the device list (their interrupts can be attached now).</summary>
    Inserted = 0,

    /// <summary>A card arrived but did not come up (link, readiness, or nothing found); the slot stays empty in the list.</summary>
    InsertionFailed,

    /// <summary>An orderly removal is about to happen: stop using these functions now. Raised before anything is torn down.</summary>
    Removing,

    /// <summary>An orderly removal finished: the functions are out of the list, their interrupts detached, the slot powered off when it can be.</summary>
    Removed,

    /// <summary>A card went away without notice: the functions are out of the list and their handlers will never run again.</summary>
    SurpriseRemoved,
}
