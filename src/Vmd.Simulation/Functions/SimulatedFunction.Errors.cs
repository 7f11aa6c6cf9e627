using System;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Errors;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Functions;

/// <summary>Error injection: the function detects an error as hardware would and signals it (see <see cref="InjectError"/>).</summary>
public sealed partial class SimulatedFunction
{
    private const int HeaderLogDwords = 4;

    private FunctionErrorState? _errorState;

    /// <summary>Where the error registers are, found on first use (the capability lists are fixed once built).</summary>
    internal FunctionErrorState ErrorState => _errorState ??= new FunctionErrorState(this);

    /// <summary>
    /// Makes the function detect <paramref name="kind"/> once, as hardware does (PCIe Base r6.0 §6.2.5, §7.8.4). It sets
    /// Device Status (correctable, non-fatal or fatal detected; unsupported request also bit 3) whatever the masks and
    /// enables say; with AER the Correctable or Uncorrectable Error Status bit, and for an unmasked uncorrectable error
    /// the First Error Pointer and Header Log when the pointer names no status bit still set. The Uncorrectable Error
    /// Severity register decides non-fatal or fatal. Unless the AER mask bit is set, the ERR_COR / ERR_NONFATAL / ERR_FATAL
    /// message is sent when Device Control enables that class (an uncorrectable one also with Command SERR# Enable, which
    /// then sets Signaled System Error; an Unsupported Request needs Unsupported Request Reporting Enable too). It travels
    /// to the nearest root port above (through switch ports whose Bridge Control SERR# Enable is set, over links that are
    /// up), or to the function itself when it is a root port. The root port sets Root Error Status and Error Source
    /// Identification (the requester ID the function answers at now) and, when Root Error Command enables the class, sends
    /// its MSI as the hot-plug interrupt does; a root port with DPC enabled for the class triggers it.
    /// </summary>
    /// <param name="kind">The error to detect.</param>
    /// <param name="headerLog">Up to four dwords for the Header Log (missing dwords read 0); ignored unless the error is logged.</param>
    /// <returns>How the error was classified and what became of its message.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined, or <paramref name="headerLog"/> has more than four dwords.</exception>
    /// <remarks>Thread-safe: takes the machine's lock. A root-port MSI reaches the host controller before this returns (as <see cref="SignalVector"/>).</remarks>
    public ErrorInjectionResult InjectError(InjectedError kind, ReadOnlySpan<uint> headerLog = default) => InjectErrors(kind, 1, headerLog);

    /// <summary>
    /// Injects <paramref name="kind"/> <paramref name="count"/> times in a row, each exactly as <see cref="InjectError"/> does
    /// (an error storm): one lock, no allocation per injection. Later errors find the status bits set by earlier ones, so the
    /// root port reports "multiple" and its MSI is sent at most on the first rising edge.
    /// </summary>
    /// <param name="kind">The error to detect.</param>
    /// <param name="count">How many times (at least 1).</param>
    /// <param name="headerLog">Up to four Header Log dwords, used for whichever injection is logged.</param>
    /// <returns>The result of the last injection.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined, <paramref name="count"/> is below 1, or <paramref name="headerLog"/> has more than four dwords.</exception>
    public ErrorInjectionResult InjectErrors(InjectedError kind, int count, ReadOnlySpan<uint> headerLog = default)
    {
        if (!ErrorSignalling.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an injectable error.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headerLog.Length, HeaderLogDwords, nameof(headerLog));
        MachineFabric? fabric = UpstreamPath.FindFabric(this);
        if (fabric is null)
        {
            // Not in a machine: the registers still change, nothing is counted and a root port's MSI finds no way up.
            return InjectUnlocked(kind, count, headerLog, counters: null);
        }

        ErrorInjectionResult result;
        lock (fabric.Sync)
        {
            result = InjectUnlocked(kind, count, headerLog, fabric.Counters);
        }

        fabric.RootComplex.DeliverQueued();
        return result;
    }

    /// <summary>
    /// The requester ID (bus &lt;&lt; 8 | device &lt;&lt; 3 | function) the function answers at now, through the bridges' current
    /// bus registers, a VMD's root bus number or its host address: what a root port records as an error's source.
    /// </summary>
    /// <param name="requesterId">The ID; 0 when false.</param>
    /// <returns>False when the function is not attached anywhere.</returns>
    public bool TryGetRequesterId(out ushort requesterId) => RequesterIds.TryGet(this, out requesterId);

    private ErrorInjectionResult InjectUnlocked(InjectedError kind, int count, ReadOnlySpan<uint> headerLog, HardwareCounters? counters)
    {
        FunctionErrorState state = ErrorState;
        ErrorInjectionResult result = default;
        for (int i = 0; i < count; i++)
        {
            result = ErrorSignalling.Detect(this, state, kind, headerLog, counters);
        }

        return result;
    }
}
