using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// Secondary Bus Reset of a PCI-to-PCI bridge or PCIe downstream port (Bridge Control bit 6), with the waits of
/// PCIe Base r6.0 §6.6.1 (digest §6.2). Blocking; not for interrupt context; allocation-free.
/// </summary>
/// <remarks>
/// Everything below the bridge loses its configuration: save it first with <see cref="FunctionState"/>.
/// The bridge's own registers are untouched apart from Bridge Control bit 6. Callers serialize access to the
/// bridge (the config space port is assumed to be used by one thread for this bridge). An empty secondary bus reads
/// all-ones too: it costs the full 1 s and reports <see cref="ResetOutcome.NotResponding"/> (check Slot Status Presence
/// Detect State first on a port with a slot). See <see cref="ResetWait"/> for how tests drive the clock.
/// </remarks>
public static class SecondaryBusReset
{
    /// <summary>
    /// Pulses Secondary Bus Reset on <paramref name="bridge"/>: sets Bridge Control bit 6 (16-bit read-modify-write,
    /// only that bit), holds it <see cref="ResetTiming.SecondaryBusResetHold"/>, clears it; on a port whose Link
    /// Capabilities report a speed above 5.0 GT/s and Data Link Layer Link Active Reporting, waits (bounded by
    /// <see cref="ResetTiming.ReadinessTimeout"/>) for Link Status DLL Link Active; then waits
    /// <see cref="ResetTiming.ResetRecovery"/> before the first config request below the bridge, and reads the Vendor ID
    /// of device 0 function 0 on the secondary bus, tolerating all-ones and Request Retry Status (0x0001) until
    /// <see cref="ResetTiming.ReadinessTimeout"/> after the reset ended.
    /// </summary>
    /// <param name="config">Config space of the bridge's domain.</param>
    /// <param name="bridge">The type-1 function whose secondary bus is reset; it must already be bus-numbered.</param>
    /// <param name="time">The clock; see <see cref="ResetWait"/> for how tests drive it.</param>
    /// <returns>
    /// <see cref="ResetOutcome.Completed"/> with device 0 function 0 of the secondary bus; <see cref="ResetOutcome.NotResponding"/>
    /// or <see cref="ResetOutcome.LinkNotActive"/> naming what did not come back; <see cref="ResetOutcome.Absent"/>,
    /// <see cref="ResetOutcome.Unsupported"/> (not type 1) or <see cref="ResetOutcome.NotNumbered"/> without writing anything.
    /// </returns>
    public static ResetResult Run(IConfigSpace config, PciAddress bridge, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);

        if (!config.IsPresent(bridge))
        {
            return new ResetResult(ResetOutcome.Absent, bridge, TimeSpan.Zero);
        }

        if ((config.Read8(bridge, PciHeader.HeaderType) & HeaderType.LayoutMask) != HeaderType.Bridge)
        {
            return new ResetResult(ResetOutcome.Unsupported, bridge, TimeSpan.Zero);
        }

        byte secondary = config.Read8(bridge, Type1Header.SecondaryBusNumber);
        if (secondary <= bridge.Bus)
        {
            return new ResetResult(ResetOutcome.NotNumbered, bridge, TimeSpan.Zero);
        }

        PciAddress below = new(bridge.Segment, secondary, 0, 0);
        bool waitForLink = false;
        ushort linkStatusOffset = 0;
        if (CapabilityWalker.TryFind(config, bridge, CapabilityId.PciExpress, out ushort express))
        {
            uint linkCapabilities = config.Read32(bridge, (ushort)(express + PciExpressCapability.LinkCapabilities));
            waitForLink = (linkCapabilities & PciExpressLink.SpeedMask) > PciExpressReadiness.LinkSpeed5GtPerSecond
                && (linkCapabilities & PciExpressCapability.DataLinkLayerActiveReportingCapable) != 0;
            linkStatusOffset = (ushort)(express + PciExpressCapability.LinkStatus);
        }

        config.Update16(bridge, Type1Header.BridgeControl, 0, (ushort)BridgeControl.SecondaryBusReset);
        bool held = ResetWait.Delay(time, ResetTiming.SecondaryBusResetHold);
        config.Update16(bridge, Type1Header.BridgeControl, (ushort)BridgeControl.SecondaryBusReset, 0);
        if ((config.Read16(bridge, Type1Header.BridgeControl) & (ushort)BridgeControl.SecondaryBusReset) != 0)
        {
            // A lost deassert would hold everything below in reset for good: a later Reset() skips a port with nothing listed below it.
            config.Update16(bridge, Type1Header.BridgeControl, (ushort)BridgeControl.SecondaryBusReset, 0);
        }

        long resetEnd = time.GetTimestamp();
        if (!held)
        {
            return Readiness.Result(ResetOutcome.ClockStalled, below, time, resetEnd);
        }

        long giveUp = ResetWait.DeadlineAfter(time, resetEnd, ResetTiming.ReadinessTimeout);
        long firstRequest = ResetWait.DeadlineAfter(time, resetEnd, ResetTiming.ResetRecovery);
        if (waitForLink)
        {
            // PCIe Base §6.6.1: above 5.0 GT/s the 100 ms count starts when the link is up (DLL Link Active).
            while ((config.Read16(bridge, linkStatusOffset) & PciExpressCapability.DataLinkLayerLinkActive) == 0)
            {
                if (ResetWait.HasPassed(time, giveUp))
                {
                    return Readiness.Result(ResetOutcome.LinkNotActive, bridge, time, resetEnd);
                }

                if (!ResetWait.Delay(time, ResetTiming.PollInterval))
                {
                    return Readiness.Result(ResetOutcome.ClockStalled, bridge, time, resetEnd);
                }
            }

            firstRequest = ResetWait.DeadlineAfter(time, ResetTiming.ResetRecovery);
        }

        return Readiness.WaitForVendor(config, below, time, resetEnd, firstRequest, giveUp);
    }
}
