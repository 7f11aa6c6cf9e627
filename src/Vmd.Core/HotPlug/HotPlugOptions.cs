using System;
using Vmd.Enumeration.HotPlug;

namespace Vmd.Core.HotPlug;

/// <summary>How <see cref="VmdController.TryEnableHotPlug"/> runs the domain's slots.</summary>
public sealed class HotPlugOptions
{
    /// <summary>
    /// True (default): each slot's events arrive through its port's own interrupt (MSI-X or MSI, remapped by the VMD like
    /// any child's) when interrupts are routed and not polled. False, or when that is not possible: the host calls
    /// <see cref="VmdController.ProcessHotPlugEvents"/> on its own schedule (polling mode).
    /// </summary>
    public bool UseInterrupts { get; set; } = true;

    /// <summary>How long presence must stay unchanged before an insertion or removal is believed (default 100 ms).</summary>
    public TimeSpan Debounce { get; set; } = HotPlugTiming.DefaultDebounce;

    /// <summary>
    /// Called from interrupt context when a slot signalled: schedule a call to <see cref="VmdController.ProcessHotPlugEvents"/>
    /// on a thread that may block. Must not block, allocate or take locks. Optional.
    /// </summary>
    public Action? WorkRequested { get; set; }
}
