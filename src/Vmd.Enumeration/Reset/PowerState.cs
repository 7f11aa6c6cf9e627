using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>Moves a function to D0 through its Power Management capability (PMCSR). Blocking; allocation-free.</summary>
public static class PowerState
{
    /// <summary>
    /// Puts <paramref name="function"/> in D0 if it is in D1, D2 or D3hot: writes PMCSR with the power state bits
    /// cleared (keeping PME_En, writing 0 to the RW1C PME_Status) and waits the recovery time of the state it left
    /// (<see cref="ResetTiming.D3HotToD0Recovery"/> from D3hot, <see cref="ResetTiming.D2ToD0Recovery"/> from D2).
    /// A function already in D0 is not written.
    /// </summary>
    /// <param name="config">Config space of the function's domain.</param>
    /// <param name="function">The function.</param>
    /// <param name="time">The clock for the recovery wait.</param>
    /// <param name="previous">The state the function was in (D0 when it has no PM capability).</param>
    /// <param name="error"><see cref="VmdError.Absent"/> for a function reading all-ones, <see cref="VmdError.Unsupported"/>
    /// without a PM capability, <see cref="VmdError.Malformed"/> when the capability list cannot be walked.</param>
    /// <returns>True when the function is in D0 (or was) and the recovery time has passed.</returns>
    public static bool TrySetD0(IConfigSpace config, PciAddress function, TimeProvider time, out PciPowerState previous, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        previous = PciPowerState.D0;
        if (!config.IsPresent(function))
        {
            error = VmdError.Absent;
            return false;
        }

        if (!CapabilityWalker.TryFind(config, function, CapabilityId.PowerManagement, out ushort pm, out error))
        {
            if (error == VmdError.None)
            {
                error = VmdError.Unsupported;
            }

            return false;
        }

        ushort offset = (ushort)(pm + PowerManagementCapability.ControlStatus);
        ushort pmcsr = config.Read16(function, offset);
        previous = (PciPowerState)(pmcsr & PowerManagementCapability.PowerStateMask);
        if (previous == PciPowerState.D0)
        {
            error = VmdError.None;
            return true;
        }

        // PME_Status is RW1C: writing back a 1 would clear an event somebody else owns.
        config.Write16(function, offset, (ushort)(pmcsr & ~(PowerManagementCapability.PowerStateMask | PowerManagementCapability.PmeStatus)));
        TimeSpan recovery = previous switch
        {
            PciPowerState.D3Hot => ResetTiming.D3HotToD0Recovery,
            PciPowerState.D2 => ResetTiming.D2ToD0Recovery,
            _ => TimeSpan.Zero,
        };

        if (!ResetWait.Delay(time, recovery))
        {
            error = VmdError.HostPortFailed;
            return false;
        }

        error = VmdError.None;
        return true;
    }

    /// <summary>As <see cref="TrySetD0(IConfigSpace, PciAddress, TimeProvider, out PciPowerState, out VmdError)"/> without the details.</summary>
    public static bool TrySetD0(IConfigSpace config, PciAddress function, TimeProvider time) =>
        TrySetD0(config, function, time, out _, out _);
}
