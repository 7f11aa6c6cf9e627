using System;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Reset;
using Vmd.Registers;

namespace Vmd.Enumeration.HotPlug;

/// <summary>
/// The hot-plug controller of one root or downstream port (PCIe Base r6.0 §6.7, §7.5.3.9–§7.5.3.11): what its slot
/// has, its events, its Slot Control commands (each waited for with Command Completed) and the waits of an insertion.
/// Generic PCIe; knows nothing about VMD. Not thread-safe: one caller at a time, never in interrupt context (commands
/// and waits block for up to a second).
/// </summary>
public sealed class HotPlugPort
{
    private readonly IConfigSpace _config;
    private readonly ushort _slotControl;
    private readonly ushort _slotStatus;
    private readonly ushort _linkStatus;

    /// <summary>Describes the hot-plug slot of <paramref name="port"/>, a function the enumerator found.</summary>
    /// <exception cref="ArgumentException"><paramref name="port"/> has no hot-plug-capable slot.</exception>
    public HotPlugPort(IConfigSpace config, PciFunction port)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(port);
        if (!port.IsBridge || !port.Express.IsDownstreamPort || !port.Express.HotPlugCapable)
        {
            throw new ArgumentException($"{port.Address} has no hot-plug-capable slot.", nameof(port));
        }

        _config = config;
        Function = port;
        ushort express = port.Express.CapabilityOffset;
        _slotControl = (ushort)(express + PciExpressCapability.SlotControl);
        _slotStatus = (ushort)(express + PciExpressCapability.SlotStatus);
        _linkStatus = (ushort)(express + PciExpressCapability.LinkStatus);
        uint caps = port.Express.SlotCapabilities;
        AttentionIndicator = (caps & PciExpressSlot.AttentionIndicatorPresent) != 0;
        PowerIndicator = (caps & PciExpressSlot.PowerIndicatorPresent) != 0;
        PowerController = (caps & PciExpressSlot.PowerControllerPresent) != 0;
        Surprise = (caps & PciExpressSlot.HotPlugSurprise) != 0;
        CommandCompletedSupported = (caps & PciExpressSlot.NoCommandCompletedSupport) == 0;
        LinkActiveReporting = (port.Express.LinkCapabilities & PciExpressCapability.DataLinkLayerActiveReportingCapable) != 0;
    }

    /// <summary>The port's function record.</summary>
    public PciFunction Function { get; }

    /// <summary>The port's address.</summary>
    public PciAddress Address => Function.Address;

    /// <summary>Slot Capabilities bits 31:19.</summary>
    public int PhysicalSlotNumber => Function.Express.PhysicalSlotNumber;

    /// <summary>An attention indicator is present (Slot Capabilities bit 3).</summary>
    public bool AttentionIndicator { get; }

    /// <summary>A power indicator is present (bit 4).</summary>
    public bool PowerIndicator { get; }

    /// <summary>A power controller is present (bit 1): software turns slot power on and off.</summary>
    public bool PowerController { get; }

    /// <summary>Removal without notice is allowed (bit 5).</summary>
    public bool Surprise { get; }

    /// <summary>The slot reports Command Completed (bit 18 clear).</summary>
    public bool CommandCompletedSupported { get; }

    /// <summary>The port reports Data Link Layer Link Active (Link Capabilities bit 20).</summary>
    public bool LinkActiveReporting { get; }

    /// <summary>Slot Status as read now (0xFFFF when the port itself stopped answering).</summary>
    public ushort ReadStatus() => _config.Read16(Function.Address, _slotStatus);

    /// <summary>Slot Control as read now.</summary>
    public ushort ReadControl() => _config.Read16(Function.Address, _slotControl);

    /// <summary>True when the port reports its link up (Link Status bit 13); without the reporting capability, true when a card is present.</summary>
    public bool IsLinkActive()
    {
        if (LinkActiveReporting)
        {
            ushort link = _config.Read16(Function.Address, _linkStatus);
            return link != 0xFFFF && (link & PciExpressCapability.DataLinkLayerLinkActive) != 0;
        }

        return IsPresent(ReadStatus());
    }

    /// <summary>True when <paramref name="status"/> (Slot Status) says a card is present.</summary>
    public static bool IsPresent(ushort status) => status != 0xFFFF && (status & PciExpressSlot.PresenceDetectState) != 0;

    /// <summary>Clears the RW1C event bits in <paramref name="events"/> (only those; the write has 1s nowhere else).</summary>
    public void ClearEvents(ushort events)
    {
        ushort bits = (ushort)(events & PciExpressSlot.StatusEventBits);
        if (bits != 0)
        {
            _config.Write16(Function.Address, _slotStatus, bits);
        }
    }

    /// <summary>
    /// Changes the Slot Control bits in <paramref name="mask"/> to <paramref name="value"/> by read-modify-write, then waits
    /// up to <see cref="HotPlugTiming.CommandCompletedTimeout"/> for Command Completed (when the slot reports it) and clears it.
    /// </summary>
    /// <returns>False when the slot did not complete the command in time (the write was still made) or the port reads all-ones.</returns>
    public bool TryCommand(ushort mask, ushort value, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ushort control = ReadControl();
        if (control == 0xFFFF)
        {
            return false;
        }

        if (CommandCompletedSupported)
        {
            // A command must not be issued before the previous one completed; a stale Command Completed is cleared first.
            ClearEvents(PciExpressSlot.CommandCompleted);
        }

        _config.Write16(Function.Address, _slotControl, (ushort)((control & ~mask) | (value & mask)));
        if (!CommandCompletedSupported)
        {
            return true;
        }

        long giveUp = ResetWait.DeadlineAfter(time, HotPlugTiming.CommandCompletedTimeout);
        while (true)
        {
            ushort status = ReadStatus();
            if (status == 0xFFFF)
            {
                return false;
            }

            if ((status & PciExpressSlot.CommandCompleted) != 0)
            {
                ClearEvents(PciExpressSlot.CommandCompleted);
                return true;
            }

            if (ResetWait.HasPassed(time, giveUp) || !ResetWait.Delay(time, ResetTiming.PollInterval))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Waits until Presence Detect State has stayed the same for <paramref name="debounce"/> (clearing Presence Detect
    /// Changed as it goes), at most <see cref="HotPlugTiming.DebounceLimit"/>; counts the changes seen meanwhile.
    /// </summary>
    /// <returns>The settled presence (false also when the port stopped answering).</returns>
    public bool WaitForStablePresence(TimeProvider time, TimeSpan debounce, out int changes)
    {
        ArgumentNullException.ThrowIfNull(time);
        changes = 0;
        ushort status = ReadStatus();
        bool present = IsPresent(status);
        long limit = ResetWait.DeadlineAfter(time, HotPlugTiming.DebounceLimit);
        long stableUntil = ResetWait.DeadlineAfter(time, debounce);
        while (status != 0xFFFF && !ResetWait.HasPassed(time, stableUntil) && !ResetWait.HasPassed(time, limit))
        {
            if (!ResetWait.Delay(time, ResetTiming.PollInterval))
            {
                break;
            }

            status = ReadStatus();
            if ((status & PciExpressSlot.PresenceDetectChanged) != 0 && status != 0xFFFF)
            {
                ClearEvents(PciExpressSlot.PresenceDetectChanged);
            }

            bool now = IsPresent(status);
            if (now != present)
            {
                changes++;
                present = now;
                stableUntil = ResetWait.DeadlineAfter(time, debounce);
            }
        }

        return present;
    }

    /// <summary>
    /// The waits after a card arrived (PCIe Base r6.0 §6.6.1, §6.7.3.3): the link up within 1 s (when reported), then
    /// 100 ms, then device 0 function 0 below answering within 1 s of the link coming up (all-ones, 0000 and Request
    /// Retry Status tolerated meanwhile). Gives up early when presence goes away.
    /// </summary>
    public ResetResult WaitForDevice(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var below = new PciAddress(Function.Address.Segment, Function.Bridge.Secondary, 0, 0);
        long start = time.GetTimestamp();
        long giveUp = ResetWait.DeadlineAfter(time, start, HotPlugTiming.LinkUpTimeout);
        while (!IsLinkActive())
        {
            if (!IsPresent(ReadStatus()))
            {
                return Readiness.Result(ResetOutcome.Absent, Function.Address, time, start);
            }

            if (ResetWait.HasPassed(time, giveUp))
            {
                return Readiness.Result(ResetOutcome.LinkNotActive, Function.Address, time, start);
            }

            if (!ResetWait.Delay(time, ResetTiming.PollInterval))
            {
                return Readiness.Result(ResetOutcome.ClockStalled, Function.Address, time, start);
            }
        }

        long linkUp = time.GetTimestamp();
        long firstRequest = ResetWait.DeadlineAfter(time, linkUp, ResetTiming.ResetRecovery);
        long readyBy = ResetWait.DeadlineAfter(time, linkUp, ResetTiming.ReadinessTimeout);

        // The 100 ms and the readiness polls watch presence too: a card pulled meanwhile ends the wait at once.
        while (true)
        {
            if (!IsPresent(ReadStatus()))
            {
                return Readiness.Result(ResetOutcome.Absent, below, time, start);
            }

            if (ResetWait.HasPassed(time, firstRequest))
            {
                ushort vendor = _config.Read16(below, PciHeader.VendorId);
                if (vendor is not (0xFFFF or 0x0000 or PciExpressReadiness.RetryStatusVendorId))
                {
                    return Readiness.Result(ResetOutcome.Completed, below, time, start);
                }

                if (ResetWait.HasPassed(time, readyBy))
                {
                    return Readiness.Result(ResetOutcome.NotResponding, below, time, start);
                }
            }

            if (!ResetWait.Delay(time, ResetTiming.PollInterval))
            {
                return Readiness.Result(ResetOutcome.ClockStalled, below, time, start);
            }
        }
    }
}
