using System;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>Polls a function's Vendor ID after a reset, tolerating all-ones and Request Retry Status until a deadline.</summary>
internal static class Readiness
{
    /// <summary>
    /// Waits until <paramref name="firstRequest"/>, then reads the Vendor ID every <see cref="ResetTiming.PollInterval"/>
    /// until it is a real vendor or <paramref name="giveUp"/> has passed. At least one read is made even if
    /// <paramref name="firstRequest"/> is already past <paramref name="giveUp"/>.
    /// </summary>
    public static ResetResult WaitForVendor(IConfigSpace config, PciAddress function, TimeProvider time, long resetEnd, long firstRequest, long giveUp)
    {
        if (!ResetWait.DelayUntil(time, firstRequest))
        {
            return Result(ResetOutcome.ClockStalled, function, time, resetEnd);
        }

        while (true)
        {
            ushort vendor = config.Read16(function, PciHeader.VendorId);
            if (vendor != 0xFFFF && vendor != 0x0000 && vendor != PciExpressReadiness.RetryStatusVendorId)
            {
                return Result(ResetOutcome.Completed, function, time, resetEnd);
            }

            if (ResetWait.HasPassed(time, giveUp))
            {
                return Result(ResetOutcome.NotResponding, function, time, resetEnd);
            }

            if (!ResetWait.Delay(time, ResetTiming.PollInterval))
            {
                return Result(ResetOutcome.ClockStalled, function, time, resetEnd);
            }
        }
    }

    public static ResetResult Result(ResetOutcome outcome, PciAddress function, TimeProvider time, long resetEnd) =>
        new(outcome, function, time.GetElapsedTime(resetEnd));
}
