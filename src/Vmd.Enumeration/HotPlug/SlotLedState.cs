namespace Vmd.Enumeration.HotPlug;

/// <summary>
/// A drive slot's LED state as VMD/VROC software defines it (SPDK's <c>spdk_vmd_led_state</c>, hardware digest §11.2):
/// each state is one combination of the slot's attention and power indicator controls.
/// </summary>
public enum SlotLedState
{
    /// <summary>Amber LED off: attention indicator off (11b), power indicator off (11b).</summary>
    Off = 0,

    /// <summary>Locate the drive (amber blinks at 4 Hz): attention off (11b), power on (01b).</summary>
    Identify = 1,

    /// <summary>Failed drive (amber on): attention on (01b), power off (11b).</summary>
    Fault = 2,

    /// <summary>Rebuild in progress (amber blinks at 1 Hz): attention on (01b), power on (01b).</summary>
    Rebuild = 3,

    /// <summary>Read only: the indicator controls hold a combination none of the states uses.</summary>
    Unknown = 4,
}
