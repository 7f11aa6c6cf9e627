using System;

namespace Vmd.Enumeration.HotPlug;

/// <summary>The waits of a hot-plug slot, with where each comes from.</summary>
public static class HotPlugTiming
{
    /// <summary>
    /// Longest wait for Command Completed after a Slot Control write: 1 s. PCIe Base r6.0 §6.7.3.2 lets a slot take up
    /// to 1 s to complete a command and forbids a new one before the last completed.
    /// </summary>
    public static TimeSpan CommandCompletedTimeout => TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait for the link after presence is seen: 1 s (PCIe Base r6.0 §6.7.3.3 and §6.6.1: a link that trains at
    /// all is up well within it).
    /// </summary>
    public static TimeSpan LinkUpTimeout => TimeSpan.FromSeconds(1);

    /// <summary>How long presence must stay unchanged before an insertion or removal is believed: 100 ms by default (a drive being seated bounces for a few ms).</summary>
    public static TimeSpan DefaultDebounce => TimeSpan.FromMilliseconds(100);

    /// <summary>Longest time presence may keep bouncing before its state at that moment is taken: 1 s.</summary>
    public static TimeSpan DebounceLimit => TimeSpan.FromSeconds(1);
}
