namespace Vmd.Simulation.Devices;

/// <summary>
/// What a slot's attention or power indicator shows, decoded from Slot Control bits 7:6 (attention) or 9:8 (power),
/// PCIe Base §7.5.3.10. The values are the register encodings.
/// </summary>
public enum IndicatorState
{
    /// <summary>00b: reserved encoding; also what an indicator that is not present reads (its control bits are read-only 0).</summary>
    Reserved = 0,

    /// <summary>01b: on.</summary>
    On = 1,

    /// <summary>10b: blinking.</summary>
    Blink = 2,

    /// <summary>11b: off.</summary>
    Off = 3,
}
