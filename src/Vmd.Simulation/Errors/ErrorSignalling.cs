using System;
using Vmd.Registers;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Errors;

/// <summary>
/// The error detection, logging and signalling a PCIe function and its root port perform (PCIe Base r6.0 §6.2.5 and
/// the flowchart there, §7.8.4 AER, §6.2.10 DPC): status bits in the detecting function, then the ERR_COR / ERR_NONFATAL /
/// ERR_FATAL message up to the root port, which logs it in Root Error Status and may send its MSI.
/// </summary>
/// <remarks>Callers hold the machine's lock. Nothing here allocates, so storms of injections cost only register updates.</remarks>
internal static class ErrorSignalling
{
    private const int KindRegisterShift = 8;
    private const int CorrectableKind = 1;
    private const int UncorrectableKind = 2;
    private const int StatusKind = 3;

    private const ushort NonFatalReportingEnable = PciExpressDevice.NonFatalErrorReportingEnable;
    private const ushort FatalReportingEnable = PciExpressDevice.FatalErrorReportingEnable;
    private const ushort UnsupportedRequestReportingEnable = PciExpressDevice.UnsupportedRequestReportingEnable;
    private const ushort CorrectableDetected = PciExpressDevice.CorrectableErrorDetected;
    private const ushort NonFatalDetected = PciExpressDevice.NonFatalErrorDetected;
    private const ushort FatalDetected = PciExpressDevice.FatalErrorDetected;
    private const ushort UnsupportedRequestDetected = PciExpressDevice.UnsupportedRequestDetected;

    private const int UnsupportedRequestBit = 20;
    private const int PoisonedTlpBit = 12;
    private const int CompleterAbortBit = 15;
    private const int HeaderLogDwords = 4;

    private const uint ErrCorReceived = AdvancedErrorReportingBits.ErrCorReceived;
    private const uint MultipleErrCorReceived = AdvancedErrorReportingBits.MultipleErrCorReceived;
    private const uint UncorrectableReceived = AdvancedErrorReportingBits.UncorrectableReceived;
    private const uint MultipleUncorrectableReceived = AdvancedErrorReportingBits.MultipleUncorrectableReceived;
    private const uint FirstUncorrectableFatal = AdvancedErrorReportingBits.FirstUncorrectableFatal;
    private const uint NonFatalMessagesReceived = AdvancedErrorReportingBits.NonFatalMessagesReceived;
    private const uint FatalMessagesReceived = AdvancedErrorReportingBits.FatalMessagesReceived;
    private const uint CorrectableInterruptEnable = AdvancedErrorReportingBits.CorrectableInterruptEnable;
    private const uint NonFatalInterruptEnable = AdvancedErrorReportingBits.NonFatalInterruptEnable;
    private const uint FatalInterruptEnable = AdvancedErrorReportingBits.FatalInterruptEnable;

    /// <summary>True when <paramref name="kind"/> is one of the defined values.</summary>
    public static bool IsDefined(InjectedError kind) => Enum.IsDefined(kind);

    /// <summary>
    /// The function detects <paramref name="kind"/>: sets its status bits, logs the first uncorrectable error, and sends the
    /// error message when it is unmasked and reporting is enabled.
    /// </summary>
    public static ErrorInjectionResult Detect(SimulatedFunction function, FunctionErrorState state, InjectedError kind, ReadOnlySpan<uint> headerLog, HardwareCounters? counters)
    {
        counters?.CountErrorInjected();
        int register = (int)kind >> KindRegisterShift;
        int bit = (int)kind & 0xFF;
        return register switch
        {
            CorrectableKind => DetectCorrectable(function, state, bit, counters),
            UncorrectableKind => DetectUncorrectable(function, state, bit, headerLog, counters),
            _ => DetectConventional(function, bit),
        };
    }

    /// <summary>Re-evaluates a root port's error interrupt condition after software changed Root Error Command or Status; sends the MSI on a rising edge.</summary>
    public static void ReevaluateRootInterrupt(SimulatedFunction rootPort, FunctionErrorState state)
    {
        bool asserted = RootInterruptCondition(rootPort, state.Aer);
        bool edge = asserted && !state.RootInterruptAsserted;
        state.RootInterruptAsserted = asserted;
        if (edge)
        {
            SignalRootInterrupt(rootPort, state.Aer, Upstream.UpstreamPath.FindFabric(rootPort)?.Counters);
        }
    }

    private static ErrorInjectionResult DetectConventional(SimulatedFunction function, int bit)
    {
        SetBits16(function, PciHeader.Status, (ushort)(1 << bit));
        return new ErrorInjectionResult(ErrorSeverity.None, ErrorMessageOutcome.NotApplicable);
    }

    private static ErrorInjectionResult DetectCorrectable(SimulatedFunction function, FunctionErrorState state, int bit, HardwareCounters? counters)
    {
        // Device Status logs the error whatever the mask and the enables say (PCIe Base §7.5.3.5).
        if (state.PciExpress != 0)
        {
            SetBits16(function, (ushort)(state.PciExpress + PciExpressCapability.DeviceStatus), CorrectableDetected);
        }

        uint mask = 1U << bit;
        if (state.Aer != 0)
        {
            SetBits32(function, (ushort)(state.Aer + AdvancedErrorReportingCapability.CorrectableStatus), mask);
            if ((function.Read32((ushort)(state.Aer + AdvancedErrorReportingCapability.CorrectableMask)) & mask) != 0)
            {
                return new ErrorInjectionResult(ErrorSeverity.Correctable, ErrorMessageOutcome.Masked);
            }
        }

        if (state.PciExpress == 0 || (DeviceControl(function, state) & PciExpressDevice.CorrectableErrorReportingEnable) == 0)
        {
            return new ErrorInjectionResult(ErrorSeverity.Correctable, ErrorMessageOutcome.ReportingDisabled);
        }

        return new ErrorInjectionResult(ErrorSeverity.Correctable, Send(function, state, ErrorSeverity.Correctable, counters));
    }

    private static ErrorInjectionResult DetectUncorrectable(SimulatedFunction function, FunctionErrorState state, int bit, ReadOnlySpan<uint> headerLog, HardwareCounters? counters)
    {
        uint mask = 1U << bit;
        uint severity = state.Aer != 0
            ? function.Read32((ushort)(state.Aer + AdvancedErrorReportingCapability.UncorrectableSeverity))
            : AdvancedErrorReportingBits.UncorrectableSeverityDefault;
        ErrorSeverity level = (severity & mask) != 0 ? ErrorSeverity.Fatal : ErrorSeverity.NonFatal;
        bool unsupportedRequest = bit == UnsupportedRequestBit;

        // The conventional Status bits these errors also set (PCIe Base §7.5.1.1.14, table 6-5): a poisoned TLP is a
        // detected parity error, completing a request with Completer Abort is a signaled target abort.
        if (bit == PoisonedTlpBit)
        {
            SetBits16(function, PciHeader.Status, (ushort)PciStatus.DetectedParityError);
        }
        else if (bit == CompleterAbortBit)
        {
            SetBits16(function, PciHeader.Status, (ushort)PciStatus.SignaledTargetAbort);
        }

        if (state.PciExpress != 0)
        {
            ushort detected = (ushort)((level == ErrorSeverity.Fatal ? FatalDetected : NonFatalDetected) | (unsupportedRequest ? UnsupportedRequestDetected : 0));
            SetBits16(function, (ushort)(state.PciExpress + PciExpressCapability.DeviceStatus), detected);
        }

        if (state.Aer != 0 && !LogUncorrectable(function, state.Aer, bit, headerLog))
        {
            return new ErrorInjectionResult(level, ErrorMessageOutcome.Masked);
        }

        ushort control = state.PciExpress != 0 ? DeviceControl(function, state) : (ushort)0;
        bool serr = (function.Command & (ushort)PciCommand.SerrEnable) != 0;
        bool enabled = (control & (level == ErrorSeverity.Fatal ? FatalReportingEnable : NonFatalReportingEnable)) != 0 || serr;
        if (state.PciExpress == 0 || !enabled || (unsupportedRequest && (control & UnsupportedRequestReportingEnable) == 0))
        {
            return new ErrorInjectionResult(level, ErrorMessageOutcome.ReportingDisabled);
        }

        if (serr)
        {
            // Signaled System Error: the function sent ERR_FATAL/ERR_NONFATAL with SERR# Enable set (PCIe Base §7.5.1.1.14).
            SetBits16(function, PciHeader.Status, (ushort)PciStatus.SignaledSystemError);
        }

        return new ErrorInjectionResult(level, Send(function, state, level, counters));
    }

    /// <summary>
    /// Sets the Uncorrectable Error Status bit; unless masked, records the First Error Pointer and Header Log when no
    /// earlier error is still pointed at (the pointer is valid only while the status bit it names is set). False when masked.
    /// </summary>
    private static bool LogUncorrectable(SimulatedFunction function, ushort aer, int bit, ReadOnlySpan<uint> headerLog)
    {
        ushort statusOffset = (ushort)(aer + AdvancedErrorReportingCapability.UncorrectableStatus);
        ushort controlOffset = (ushort)(aer + AdvancedErrorReportingCapability.CapabilitiesAndControl);
        uint status = function.Read32(statusOffset);
        uint control = function.Read32(controlOffset);
        bool pointerValid = (status & (1U << (int)(control & AdvancedErrorReportingBits.FirstErrorPointerMask))) != 0;
        function.Set32(statusOffset, status | (1U << bit));

        // A masked error is not recorded in the First Error Pointer or Header Log and is not reported (PCIe Base §7.8.4.3).
        if ((function.Read32((ushort)(aer + AdvancedErrorReportingCapability.UncorrectableMask)) & (1U << bit)) != 0)
        {
            return false;
        }

        if (!pointerValid)
        {
            function.Set32(controlOffset, (control & ~AdvancedErrorReportingBits.FirstErrorPointerMask) | (uint)bit);
            for (int i = 0; i < HeaderLogDwords; i++)
            {
                function.Set32((ushort)(aer + AdvancedErrorReportingCapability.HeaderLog + (4 * i)), i < headerLog.Length ? headerLog[i] : 0);
            }
        }

        return true;
    }

    /// <summary>
    /// Sends the error message towards the root port: up through the bridges' secondary interfaces, each switch port
    /// forwarding it only with Bridge Control SERR# Enable set and every link on the way up; a root port receives it.
    /// </summary>
    private static ErrorMessageOutcome Send(SimulatedFunction function, FunctionErrorState state, ErrorSeverity level, HardwareCounters? counters)
    {
        counters?.CountErrorMessageSent();
        if (!RequesterIds.TryGet(function, out ushort requesterId))
        {
            return ErrorMessageOutcome.NoRootPort;
        }

        if (state.IsRootPort)
        {
            // A root port's own error is logged as if it had received its own message (PCIe Base §7.8.4.10, §7.8.4.11).
            Receive(function, state, level, requesterId, ownError: true, counters);
            return ErrorMessageOutcome.DeliveredToRootPort;
        }

        SimulatedFunction current = function;
        for (int depth = 0; depth < Domain.DomainRouter.MaxDepth; depth++)
        {
            SimulatedFunction? bridge = current.ParentBus?.UpstreamBridge;
            if (bridge is null)
            {
                return ErrorMessageOutcome.NoRootPort;
            }

            if (!bridge.SecondaryLinkUp || bridge.DownstreamLink is { PassesRequests: false })
            {
                return ErrorMessageOutcome.Blocked;
            }

            FunctionErrorState bridgeState = bridge.ErrorState;
            if (bridgeState.IsRootPort)
            {
                Receive(bridge, bridgeState, level, requesterId, ownError: false, counters);
                return ErrorMessageOutcome.DeliveredToRootPort;
            }

            // PCI-to-PCI Bridge Control SERR# Enable gates forwarding of ERR_* messages from secondary to primary.
            if ((bridge.Read16(Type1Header.BridgeControl) & (ushort)BridgeControl.SerrEnable) == 0)
            {
                return ErrorMessageOutcome.Blocked;
            }

            current = bridge;
        }

        return ErrorMessageOutcome.NoRootPort;
    }

    /// <summary>The root port logs a received message in Root Error Status and Error Source Identification, may trigger DPC, and sends its MSI on a rising edge.</summary>
    private static void Receive(SimulatedFunction rootPort, FunctionErrorState state, ErrorSeverity level, ushort requesterId, bool ownError, HardwareCounters? counters)
    {
        counters?.CountErrorMessageToRootPort();
        if (level != ErrorSeverity.Correctable && state.Dpc != 0)
        {
            TriggerContainment(rootPort, state, level, requesterId, ownError, counters);
        }

        ushort aer = state.Aer;
        if (aer == 0)
        {
            // Without AER the port has no Root Error Status; only Root Control's system-error enables would act (not modelled).
            return;
        }

        bool before = RootInterruptCondition(rootPort, aer);
        ushort statusOffset = (ushort)(aer + AdvancedErrorReportingCapability.RootErrorStatus);
        ushort sourceOffset = (ushort)(aer + AdvancedErrorReportingCapability.ErrorSourceId);
        uint status = rootPort.Read32(statusOffset);
        if (level == ErrorSeverity.Correctable)
        {
            if ((status & ErrCorReceived) != 0)
            {
                status |= MultipleErrCorReceived;
            }
            else
            {
                // The source is loaded only by the message that sets ERR_COR Received.
                status |= ErrCorReceived;
                rootPort.Set16(sourceOffset, requesterId);
            }
        }
        else
        {
            if ((status & UncorrectableReceived) != 0)
            {
                status |= MultipleUncorrectableReceived;
            }
            else
            {
                status |= UncorrectableReceived | (level == ErrorSeverity.Fatal ? FirstUncorrectableFatal : 0);
                rootPort.Set16((ushort)(sourceOffset + 2), requesterId);
            }

            status |= level == ErrorSeverity.Fatal ? FatalMessagesReceived : NonFatalMessagesReceived;
        }

        rootPort.Set32(statusOffset, status);
        bool after = RootInterruptCondition(rootPort, aer);
        state.RootInterruptAsserted = after;
        if (after && !before)
        {
            SignalRootInterrupt(rootPort, aer, counters);
        }
    }

    /// <summary>
    /// PCIe Base §6.2.4.1.2: the root port sends its interrupt when ((ERR_COR Received and correctable enable) or (Non-Fatal
    /// Messages Received and non-fatal enable) or (Fatal Messages Received and fatal enable)) goes from false to true.
    /// </summary>
    private static bool RootInterruptCondition(SimulatedFunction rootPort, ushort aer)
    {
        uint command = rootPort.Read32((ushort)(aer + AdvancedErrorReportingCapability.RootErrorCommand));
        uint status = rootPort.Read32((ushort)(aer + AdvancedErrorReportingCapability.RootErrorStatus));
        return ((status & ErrCorReceived) != 0 && (command & CorrectableInterruptEnable) != 0)
            || ((status & NonFatalMessagesReceived) != 0 && (command & NonFatalInterruptEnable) != 0)
            || ((status & FatalMessagesReceived) != 0 && (command & FatalInterruptEnable) != 0);
    }

    private static void SignalRootInterrupt(SimulatedFunction rootPort, ushort aer, HardwareCounters? counters)
    {
        // Root Error Status bits 31:27 name the vector (Advanced Error Interrupt Message Number); the message takes the same
        // way as the hot-plug interrupt: the port's MSI/MSI-X state, its Bus Master Enable, then the VMD or the host.
        int vector = (int)(rootPort.Read32((ushort)(aer + AdvancedErrorReportingCapability.RootErrorStatus)) >> AdvancedErrorReportingBits.RootErrorStatusMessageNumberShift);
        counters?.CountRootErrorInterrupt();
        rootPort.Interrupts.Signal(vector);
    }

    /// <summary>
    /// DPC (PCIe Base §6.2.10): with DPC Trigger Enable 1 an ERR_FATAL, with 2 an ERR_NONFATAL or ERR_FATAL, (or the port's own
    /// unmasked uncorrectable error of that class) sets DPC Trigger Status, the reason and the source, unless DPC is already triggered.
    /// </summary>
    private static void TriggerContainment(SimulatedFunction rootPort, FunctionErrorState state, ErrorSeverity level, ushort requesterId, bool ownError, HardwareCounters? counters)
    {
        ushort control = rootPort.Read16((ushort)(state.Dpc + DownstreamPortContainmentCapability.Control));
        int enable = control & DownstreamPortContainmentCapability.TriggerEnableMask;
        bool triggers = enable == DownstreamPortContainmentCapability.TriggerOnNonFatalOrFatal
            || (enable == DownstreamPortContainmentCapability.TriggerOnFatal && level == ErrorSeverity.Fatal);
        ushort statusOffset = (ushort)(state.Dpc + DownstreamPortContainmentCapability.Status);
        ushort status = rootPort.Read16(statusOffset);
        if (!triggers || (status & DownstreamPortContainmentCapability.TriggerStatus) != 0)
        {
            return;
        }

        ushort reason = ownError ? DownstreamPortContainmentCapability.ReasonUncorrectableError
            : level == ErrorSeverity.Fatal ? DownstreamPortContainmentCapability.ReasonFatalReceived : DownstreamPortContainmentCapability.ReasonNonFatalReceived;
        status = (ushort)((status & ~DownstreamPortContainmentCapability.TriggerReasonMask) | DownstreamPortContainmentCapability.TriggerStatus
            | (reason << DownstreamPortContainmentCapability.TriggerReasonShift));
        rootPort.Set16((ushort)(state.Dpc + DownstreamPortContainmentCapability.ErrorSourceId), ownError ? (ushort)0 : requesterId);
        counters?.CountDpcTrigger();
        if ((control & DownstreamPortContainmentCapability.InterruptEnable) != 0)
        {
            rootPort.Set16(statusOffset, (ushort)(status | DownstreamPortContainmentCapability.InterruptStatus));
            int vector = rootPort.Read16((ushort)(state.Dpc + DownstreamPortContainmentCapability.Capability)) & DownstreamPortContainmentCapability.InterruptMessageNumberMask;
            rootPort.Interrupts.Signal(vector);
            return;
        }

        rootPort.Set16(statusOffset, status);
    }

    private static ushort DeviceControl(SimulatedFunction function, FunctionErrorState state) =>
        function.Read16((ushort)(state.PciExpress + PciExpressCapability.DeviceControl));

    private static void SetBits16(SimulatedFunction function, ushort offset, ushort bits) => function.Set16(offset, (ushort)(function.Read16(offset) | bits));

    private static void SetBits32(SimulatedFunction function, ushort offset, uint bits) => function.Set32(offset, function.Read32(offset) | bits);
}
