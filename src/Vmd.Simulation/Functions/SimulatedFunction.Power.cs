using System;
using Vmd.Registers;

namespace Vmd.Simulation.Functions;

/// <summary>PCI power management: PMCSR power states D0 and D3hot and what they do to the function.</summary>
public sealed partial class SimulatedFunction
{
    private const byte PowerStateD0 = 0;
    private const byte PowerStateD3Hot = 3;

    // PMC bits 9 and 10: D1 and D2 support.
    private const ushort PmcD1Support = 1 << 9;
    private const ushort PmcD2Support = 1 << 10;

    /// <summary>PCI PM 1.2 §5.6.1: a function needs 10 ms after D3hot → D0 before software may access it.</summary>
    public static TimeSpan D3HotRecoveryTime => TimeSpan.FromMilliseconds(10);

    /// <summary>PMCSR power state (0 = D0 … 3 = D3hot); 0 for a function without the Power Management capability.</summary>
    public int PowerState => _pmCapability == 0 ? PowerStateD0 : _bytes[_pmCapability + PowerManagementCapability.ControlStatus] & PowerManagementCapability.PowerStateMask;

    /// <summary>True when the function is in D0; a bridge out of D0 forwards nothing to its secondary side (PCI PM 1.2 §5.4.1).</summary>
    internal bool InD0 => PowerState == PowerStateD0;

    private bool _noSoftResetBeforeWrite;

    private bool NoSoftReset => _pmCapability != 0 && (Peek16(_pmCapability + PowerManagementCapability.ControlStatus) & PowerManagementCapability.NoSoftReset) != 0;

    private void OnPowerStateWritten(int oldState)
    {
        ushort controlStatus = (ushort)(_pmCapability + PowerManagementCapability.ControlStatus);
        int requested = _bytes[controlStatus] & PowerManagementCapability.PowerStateMask;
        ushort pmc = Peek16(_pmCapability + PowerManagementCapability.Capabilities);
        bool supported = requested switch
        {
            1 => (pmc & PmcD1Support) != 0,
            2 => (pmc & PmcD2Support) != 0,
            _ => true,
        };

        if (!supported)
        {
            // PCI PM 1.2 §3.2.4: a write of an unsupported state completes normally and leaves the state unchanged.
            _bytes[controlStatus] = (byte)((_bytes[controlStatus] & ~PowerManagementCapability.PowerStateMask) | oldState);
            return;
        }

        // No_Soft_Reset is read-only: judge it as it read before this write, even on a model whose masks made it writable.
        if (oldState == PowerStateD3Hot && requested == PowerStateD0 && !_noSoftResetBeforeWrite)
        {
            // No_Soft_Reset clear: D3hot → D0 is an internal reset back to the default state (PCI PM 1.2 §5.4.1).
            ResetToPowerOn();
            StartReadinessWait(Time(), D3HotRecoveryTime);
        }
    }
}
