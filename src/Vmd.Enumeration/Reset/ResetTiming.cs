using System;

namespace Vmd.Enumeration.Reset;

/// <summary>The waits the PCI and PCIe specifications demand around resets and power-state changes, each with its citation.</summary>
public static class ResetTiming
{
    /// <summary>
    /// How long Secondary Bus Reset stays asserted: 2 ms. PCI-to-PCI Bridge Architecture r1.2 §3.2.5.17 and
    /// PCIe Base r6.0 §7.5.1.3.13 require at least Trst = 1 ms; 2 ms gives margin, as Linux does.
    /// </summary>
    public static TimeSpan SecondaryBusResetHold => TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// 100 ms: PCIe Base r6.0 §6.6.1, no configuration request to a function until 100 ms after Conventional
    /// Reset ends (or, on ports faster than 5.0 GT/s, 100 ms after Data Link Layer Link Active), and §6.6.2,
    /// 100 ms after initiating a Function Level Reset.
    /// </summary>
    public static TimeSpan ResetRecovery => TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// 1 s: PCIe Base r6.0 §6.6.1, a function may answer configuration requests with Request Retry Status (or,
    /// without CRS visibility, all-ones) for up to 1 s after the reset before software may call it broken.
    /// Also bounds the wait for Data Link Layer Link Active.
    /// </summary>
    public static TimeSpan ReadinessTimeout => TimeSpan.FromSeconds(1);

    /// <summary>10 ms: PCI Bus Power Management 1.2 §5.6.1 (Table 5-6), D3hot to D0 recovery time before the next access.</summary>
    public static TimeSpan D3HotToD0Recovery => TimeSpan.FromMilliseconds(10);

    /// <summary>200 µs: PCI Bus Power Management 1.2 §5.6.1 (Table 5-6), D2 to D0 recovery time.</summary>
    public static TimeSpan D2ToD0Recovery => TimeSpan.FromMicroseconds(200);

    /// <summary>1 ms between two polls of a register that is not ready yet (a choice, not a specification value: it keeps the config traffic low).</summary>
    public static TimeSpan PollInterval => TimeSpan.FromMilliseconds(1);
}
