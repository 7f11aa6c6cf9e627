using System;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Errors;

/// <summary>
/// Reads one function's error registers, decodes them into <see cref="PciErrorRecord"/>s and clears what it read, as
/// the specification says (write 1 to clear, only the bits that were set, so an error arriving in between is not lost).
/// Allocation-free; a handful of config reads per function when nothing is wrong.
/// </summary>
/// <remarks>
/// <para>Conventional Status and Secondary Status errors count as non-fatal. Device Status takes the worst bit set
/// (Unsupported Request Detected counts as non-fatal). AER uncorrectable errors are fatal when any bit set is marked
/// fatal in Uncorrectable Error Severity. The First Error Pointer and Header Log are read before the status is cleared,
/// since clearing the pointed-to bit invalidates them.</para>
/// <para>Downstream Port Containment: a triggered port is reported and its trigger cleared, which lets the port take its
/// link out of containment; what was below it must then be treated as reset (the caller decides, e.g. a hot-plug rescan).</para>
/// <para>A function that reads all-ones is gone: nothing is reported and nothing written.</para>
/// </remarks>
public static class ErrorCollector
{
    /// <summary>Most records one function can give (one per error register).</summary>
    public const int MaxRecordsPerFunction = 7;

    private const ushort DpcStatus = DownstreamPortContainmentCapability.Status;
    private const ushort DpcErrorSourceId = DownstreamPortContainmentCapability.ErrorSourceId;
    private const ushort DpcTriggerStatus = DownstreamPortContainmentCapability.TriggerStatus;
    private const ushort DpcTriggerReasonMask = DownstreamPortContainmentCapability.TriggerReasonMask;
    private const ushort DpcInterruptStatus = DownstreamPortContainmentCapability.InterruptStatus;
    private const ushort DeviceStatusNonFatal = PciExpressDevice.NonFatalErrorDetected;
    private const ushort DeviceStatusFatal = PciExpressDevice.FatalErrorDetected;
    private const ushort DeviceStatusUnsupportedRequest = PciExpressDevice.UnsupportedRequestDetected;

    /// <summary>
    /// Collects and clears <paramref name="function"/>'s errors into <paramref name="records"/> (at least
    /// <see cref="MaxRecordsPerFunction"/> long); returns how many were written.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="records"/> is shorter than <see cref="MaxRecordsPerFunction"/>.</exception>
    public static int Collect(IConfigSpace config, PciFunction function, Span<PciErrorRecord> records)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(function);
        if (records.Length < MaxRecordsPerFunction)
        {
            throw new ArgumentException($"Room for {MaxRecordsPerFunction} records is needed.", nameof(records));
        }

        PciAddress address = function.Address;
        int count = 0;
        ushort status = config.Read16(address, PciHeader.Status);
        if (status == 0xFFFF)
        {
            return 0;
        }

        ushort statusErrors = (ushort)(status & (ushort)PciStatus.ErrorBits);
        if (statusErrors != 0)
        {
            config.Write16(address, PciHeader.Status, statusErrors);
            records[count++] = new PciErrorRecord(address, PciErrorSource.Status, PciErrorSeverity.NonFatal, statusErrors);
        }

        if (function.IsBridge)
        {
            ushort secondary = (ushort)(config.Read16(address, Type1Header.SecondaryStatus) & (ushort)PciStatus.ErrorBits);
            if (secondary != 0)
            {
                config.Write16(address, Type1Header.SecondaryStatus, secondary);
                records[count++] = new PciErrorRecord(address, PciErrorSource.SecondaryStatus, PciErrorSeverity.NonFatal, secondary);
            }
        }

        if (function.Express.IsPresent)
        {
            ushort deviceStatusOffset = (ushort)(function.Express.CapabilityOffset + PciExpressCapability.DeviceStatus);
            ushort device = (ushort)(config.Read16(address, deviceStatusOffset) & PciExpressDevice.StatusErrorBits);
            if (device != 0)
            {
                config.Write16(address, deviceStatusOffset, device);
                PciErrorSeverity severity = (device & DeviceStatusFatal) != 0 ? PciErrorSeverity.Fatal
                    : (device & (DeviceStatusNonFatal | DeviceStatusUnsupportedRequest)) != 0 ? PciErrorSeverity.NonFatal
                    : PciErrorSeverity.Correctable;
                records[count++] = new PciErrorRecord(address, PciErrorSource.DeviceStatus, severity, device);
            }
        }

        if (function.TryGetExtendedCapability(ExtendedCapabilityId.AdvancedErrorReporting, out ushort aer))
        {
            count += CollectAer(config, function, aer, records[count..]);
        }

        if (function.TryGetExtendedCapability(ExtendedCapabilityId.DownstreamPortContainment, out ushort dpc))
        {
            ushort dpcStatus = config.Read16(address, (ushort)(dpc + DpcStatus));
            if (dpcStatus != 0xFFFF && (dpcStatus & DpcTriggerStatus) != 0)
            {
                ushort source = config.Read16(address, (ushort)(dpc + DpcErrorSourceId));
                int reason = (dpcStatus & DpcTriggerReasonMask) >> 1;
                config.Write16(address, (ushort)(dpc + DpcStatus), (ushort)(dpcStatus & (DpcTriggerStatus | DpcInterruptStatus)));

                // The 2-bit trigger reason becomes one named bit (1 + reason) so every code has its own name.
                records[count++] = new PciErrorRecord(address, PciErrorSource.Containment, reason == 2 ? PciErrorSeverity.Fatal : PciErrorSeverity.NonFatal,
                    DpcTriggerStatus | (1u << (1 + reason)), correctableSourceId: source);
            }
        }

        return count;
    }

    /// <summary>True when <paramref name="function"/> has an AER capability whose root-port registers exist (a root port).</summary>
    public static bool IsErrorCollector(PciFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Express.PortType == PciExpressPortType.RootPort
            && function.TryGetExtendedCapability(ExtendedCapabilityId.AdvancedErrorReporting, out _);
    }

    private static int CollectAer(IConfigSpace config, PciFunction function, ushort aer, Span<PciErrorRecord> records)
    {
        PciAddress address = function.Address;
        int count = 0;
        uint correctable = config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.CorrectableStatus)) & AdvancedErrorReportingBits.CorrectableDefined;
        if (correctable != 0)
        {
            config.Write32(address, (ushort)(aer + AdvancedErrorReportingCapability.CorrectableStatus), correctable);
            records[count++] = new PciErrorRecord(address, PciErrorSource.AerCorrectable, PciErrorSeverity.Correctable, correctable);
        }

        uint uncorrectable = config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.UncorrectableStatus)) & AdvancedErrorReportingBits.UncorrectableDefined;
        if (uncorrectable != 0)
        {
            uint severityBits = config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.UncorrectableSeverity));
            int pointer = (int)(config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.CapabilitiesAndControl)) & AdvancedErrorReportingBits.FirstErrorPointerMask);
            bool pointerValid = (uncorrectable & (1u << pointer)) != 0;
            ushort log = (ushort)(aer + AdvancedErrorReportingCapability.HeaderLog);
            uint h0 = pointerValid ? config.Read32(address, log) : 0;
            uint h1 = pointerValid ? config.Read32(address, (ushort)(log + 4)) : 0;
            uint h2 = pointerValid ? config.Read32(address, (ushort)(log + 8)) : 0;
            uint h3 = pointerValid ? config.Read32(address, (ushort)(log + 12)) : 0;
            config.Write32(address, (ushort)(aer + AdvancedErrorReportingCapability.UncorrectableStatus), uncorrectable);
            PciErrorSeverity severity = (uncorrectable & severityBits) != 0 ? PciErrorSeverity.Fatal : PciErrorSeverity.NonFatal;
            records[count++] = new PciErrorRecord(address, PciErrorSource.AerUncorrectable, severity, uncorrectable, pointerValid ? pointer : -1, h0, h1, h2, h3);
        }

        if (function.Express.PortType == PciExpressPortType.RootPort)
        {
            uint root = config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.RootErrorStatus)) & AdvancedErrorReportingBits.RootErrorStatusEvents;
            if (root != 0)
            {
                uint source = config.Read32(address, (ushort)(aer + AdvancedErrorReportingCapability.ErrorSourceId));
                config.Write32(address, (ushort)(aer + AdvancedErrorReportingCapability.RootErrorStatus), root);
                PciErrorSeverity severity = (root & AdvancedErrorReportingBits.FatalMessagesReceived) != 0 ? PciErrorSeverity.Fatal
                    : (root & (AdvancedErrorReportingBits.NonFatalMessagesReceived | AdvancedErrorReportingBits.UncorrectableReceived)) != 0 ? PciErrorSeverity.NonFatal
                    : PciErrorSeverity.Correctable;
                records[count++] = new PciErrorRecord(address, PciErrorSource.RootError, severity, root,
                    correctableSourceId: (ushort)source, uncorrectableSourceId: (ushort)(source >> 16));
            }
        }

        return count;
    }
}
