using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// Function Level Reset (PCIe Base r6.0 §6.6.2): Device Control bit 15, then the 100 ms and 1 s waits.
/// Blocking; not for interrupt context; allocation-free.
/// </summary>
/// <remarks>
/// The function loses its configuration: save it first with <see cref="FunctionState"/>. This does not wait for
/// Transactions Pending to clear before the reset (quiesce the device's queues first).
/// </remarks>
public static class FunctionLevelReset
{
    /// <summary>
    /// Resets <paramref name="function"/>: requires Device Capabilities bit 28 (Function Level Reset Capability),
    /// sets Device Control bit 15 (16-bit read-modify-write), waits <see cref="ResetTiming.ResetRecovery"/>, then polls the
    /// Vendor ID until <see cref="ResetTiming.ReadinessTimeout"/> after the reset was initiated.
    /// </summary>
    /// <returns>
    /// <see cref="ResetOutcome.Unsupported"/> without writing when the function has no PCI Express capability or does
    /// not advertise FLR; <see cref="ResetOutcome.Absent"/> when it reads all-ones; otherwise
    /// <see cref="ResetOutcome.Completed"/> or <see cref="ResetOutcome.NotResponding"/>.
    /// </returns>
    public static ResetResult Run(IConfigSpace config, PciAddress function, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);

        if (!config.IsPresent(function))
        {
            return new ResetResult(ResetOutcome.Absent, function, TimeSpan.Zero);
        }

        if (!CapabilityWalker.TryFind(config, function, CapabilityId.PciExpress, out ushort express)
            || (config.Read32(function, (ushort)(express + PciExpressCapability.DeviceCapabilities)) & PciExpressCapability.FunctionLevelResetCapable) == 0)
        {
            return new ResetResult(ResetOutcome.Unsupported, function, TimeSpan.Zero);
        }

        config.Update16(function, (ushort)(express + PciExpressCapability.DeviceControl), 0, PciExpressDevice.InitiateFunctionLevelReset);
        long resetStart = time.GetTimestamp();
        long firstRequest = ResetWait.DeadlineAfter(time, resetStart, ResetTiming.ResetRecovery);
        long giveUp = ResetWait.DeadlineAfter(time, resetStart, ResetTiming.ReadinessTimeout);
        return Readiness.WaitForVendor(config, function, time, resetStart, firstRequest, giveUp);
    }
}
