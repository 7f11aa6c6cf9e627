using System;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Reset;

/// <summary>
/// The BIOS power-management quirk of client VMDs (digest §10.1): on laptops whose firmware leaves LTR and ASPM
/// unconfigured for the drives behind the VMD, the SoC never reaches its low-power states. Applied to every function
/// of the domain after resource assignment. Blocking (a D3hot function costs 10 ms); allocation-free.
/// </summary>
public static class BiosPmQuirk
{
    /// <summary>
    /// LTR Max Snoop and Max No-Snoop Latency both 0x1003: value 3, scale 4 (2^20 ns), about 3.1 ms each,
    /// the platform maximum that allows the deepest SoC power savings (digest §10.1).
    /// </summary>
    public const uint DefaultMaxLatencies = 0x1003_1003;

    /// <summary>As <see cref="Apply(IConfigSpace, PciFunction, TimeProvider)"/> on <see cref="TimeProvider.System"/>.</summary>
    public static BiosPmQuirkActions Apply(IConfigSpace config, PciFunction function) => Apply(config, function, TimeProvider.System);

    /// <summary>
    /// Applies the quirk to <paramref name="function"/>, in this order:
    /// <list type="number">
    /// <item>LTR: when the function has the LTR extended capability and its Max Snoop Latency value (bits 9:0) and
    /// scale (bits 12:10) are both zero, writes the dword <see cref="DefaultMaxLatencies"/> at LTR + 4; a non-zero
    /// value means firmware programmed LTR and it is left alone.</item>
    /// <item>Power: puts the function in D0 (<see cref="PowerState.TrySetD0(IConfigSpace, PciAddress, TimeProvider)"/>,
    /// with its recovery wait).</item>
    /// <item>ASPM: sets Link Control bits 1:0 to Link Capabilities bits 11:10 (the L0s/L1 states the link supports).</item>
    /// </list>
    /// D0 comes before ASPM because link power states, L1 PM Substates above all, may only be enabled while the
    /// function is in D0 (PCIe Base r6.0 §5.5.4); a function that cannot be put in D0 keeps its ASPM setting.
    /// </summary>
    /// <param name="config">Config space of the function's domain.</param>
    /// <param name="function">The enumerated function (its capability offsets are used; registers are read fresh).</param>
    /// <param name="time">The clock for the D3hot→D0 recovery wait.</param>
    /// <returns>What was changed.</returns>
    public static BiosPmQuirkActions Apply(IConfigSpace config, PciFunction function, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(time);
        BiosPmQuirkActions actions = BiosPmQuirkActions.None;
        PciAddress address = function.Address;

        if (function.TryGetExtendedCapability(ExtendedCapabilityId.LatencyToleranceReporting, out ushort ltr))
        {
            ushort maxSnoop = config.Read16(address, (ushort)(ltr + LatencyToleranceReportingCapability.MaxSnoopLatency));
            if ((maxSnoop & (LatencyToleranceReportingCapability.ValueMask | LatencyToleranceReportingCapability.ScaleMask)) == 0)
            {
                config.Write32(address, (ushort)(ltr + LatencyToleranceReportingCapability.MaxSnoopLatency), DefaultMaxLatencies);
                actions |= BiosPmQuirkActions.LtrWritten;
            }
        }

        // D3hot -> D0 without No_Soft_Reset resets the function (PCI PM 1.2 §5.4): the BARs, windows, bus numbers and
        // Command it was just given would read 0 while the records say assigned. Save them first, write them back after.
        FunctionState? saved = SaveIfPowerUpResets(config, function);
        if (!PowerState.TrySetD0(config, address, time, out PciPowerState previous, out VmdError error) && error != VmdError.Unsupported)
        {
            return actions | BiosPmQuirkActions.PowerStateFailed;
        }

        if (saved is not null && previous == PciPowerState.D3Hot)
        {
            saved.TryRestore(config, out _);
        }

        if (previous != PciPowerState.D0)
        {
            actions |= BiosPmQuirkActions.PowerStateChanged;
        }

        if (function.Express.IsPresent)
        {
            ushort express = function.Express.CapabilityOffset;
            uint linkCapabilities = config.Read32(address, (ushort)(express + PciExpressCapability.LinkCapabilities));
            ushort supported = (ushort)((linkCapabilities & PciExpressLink.AspmSupportMask) >> PciExpressLink.AspmSupportShift);
            if (supported != 0)
            {
                config.Update16(address, (ushort)(express + PciExpressCapability.LinkControl), PciExpressLink.AspmControlMask, supported);
                actions |= BiosPmQuirkActions.AspmEnabled;
            }
        }

        return actions;
    }

    private static FunctionState? SaveIfPowerUpResets(IConfigSpace config, PciFunction function)
    {
        if (!function.TryGetCapability(CapabilityId.PowerManagement, out ushort pm))
        {
            return null;
        }

        ushort pmcsr = config.Read16(function.Address, (ushort)(pm + PowerManagementCapability.ControlStatus));
        if (pmcsr == ushort.MaxValue || (PciPowerState)(pmcsr & PowerManagementCapability.PowerStateMask) != PciPowerState.D3Hot
            || (pmcsr & PowerManagementCapability.NoSoftReset) != 0)
        {
            return null;
        }

        var saved = new FunctionState();
        return saved.TrySave(config, function.Address, out _) ? saved : null;
    }
}
