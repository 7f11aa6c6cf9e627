using System.Collections.Generic;

namespace Vmd.Enumeration.Errors;

/// <summary>
/// The names of error bits, register by register (PCIe Base r6.0 §7.5.1.1.4, §7.5.3.5, §7.8.4, §7.9.14), as the
/// reports, the logs and <c>vmd errors</c> print them. Names are stable: tools may match on them.
/// </summary>
public static class PciErrorNames
{
    /// <summary>The name of bit <paramref name="bit"/> of <paramref name="source"/>'s register, or "bitN" for a bit without a defined error.</summary>
    public static string BitName(PciErrorSource source, int bit) => source switch
    {
        PciErrorSource.Status or PciErrorSource.SecondaryStatus => bit switch
        {
            8 => "MasterDataParityError",
            11 => "SignaledTargetAbort",
            12 => "ReceivedTargetAbort",
            13 => "ReceivedMasterAbort",
            14 => source == PciErrorSource.Status ? "SignaledSystemError" : "ReceivedSystemError",
            15 => "DetectedParityError",
            _ => Unnamed(bit),
        },
        PciErrorSource.DeviceStatus => bit switch
        {
            0 => "CorrectableErrorDetected",
            1 => "NonFatalErrorDetected",
            2 => "FatalErrorDetected",
            3 => "UnsupportedRequestDetected",
            _ => Unnamed(bit),
        },
        PciErrorSource.AerCorrectable => bit switch
        {
            0 => "ReceiverError",
            6 => "BadTlp",
            7 => "BadDllp",
            8 => "ReplayNumRollover",
            12 => "ReplayTimerTimeout",
            13 => "AdvisoryNonFatal",
            14 => "CorrectedInternal",
            15 => "HeaderLogOverflow",
            _ => Unnamed(bit),
        },
        PciErrorSource.AerUncorrectable => bit switch
        {
            4 => "DataLinkProtocol",
            5 => "SurpriseDown",
            12 => "PoisonedTlp",
            13 => "FlowControlProtocol",
            14 => "CompletionTimeout",
            15 => "CompleterAbort",
            16 => "UnexpectedCompletion",
            17 => "ReceiverOverflow",
            18 => "MalformedTlp",
            19 => "Ecrc",
            20 => "UnsupportedRequest",
            21 => "AcsViolation",
            22 => "UncorrectableInternal",
            23 => "McBlockedTlp",
            24 => "AtomicOpEgressBlocked",
            25 => "TlpPrefixBlocked",
            26 => "PoisonedTlpEgressBlocked",
            _ => Unnamed(bit),
        },
        PciErrorSource.RootError => bit switch
        {
            0 => "ErrCorReceived",
            1 => "MultipleErrCorReceived",
            2 => "ErrFatalNonFatalReceived",
            3 => "MultipleErrFatalNonFatalReceived",
            4 => "FirstUncorrectableFatal",
            5 => "NonFatalErrorMessagesReceived",
            6 => "FatalErrorMessagesReceived",
            _ => Unnamed(bit),
        },
        _ => bit switch
        {
            // Bit 0 is DPC Trigger Status; bits 1-4 stand for the trigger reason code 0-3 (ErrorCollector's encoding).
            0 => "DpcTriggered",
            1 => "UnmaskedUncorrectable",
            2 => "ErrNonFatalReceived",
            3 => "ErrFatalReceived",
            4 => "TriggerReasonExtension",
            _ => Unnamed(bit),
        },
    };

    /// <summary>The names of every bit set in <paramref name="record"/>'s status, lowest bit first.</summary>
    public static IReadOnlyList<string> Names(in PciErrorRecord record)
    {
        var names = new List<string>();
        uint status = record.Status;
        for (int bit = 0; bit < 32; bit++)
        {
            if ((status & (1u << bit)) != 0)
            {
                names.Add(BitName(record.Source, bit));
            }
        }

        return names;
    }

    /// <summary>The name of the lowest bit set (a log line's short form), or "none".</summary>
    public static string FirstName(in PciErrorRecord record)
    {
        uint status = record.Status;
        return status == 0 ? "none" : BitName(record.Source, System.Numerics.BitOperations.TrailingZeroCount(status));
    }

    /// <summary>The short lower-case name of a register source, as <c>vmd errors --json</c> prints it in "kind".</summary>
    public static string SourceName(PciErrorSource source) => source switch
    {
        PciErrorSource.Status => "status",
        PciErrorSource.SecondaryStatus => "secondary-status",
        PciErrorSource.DeviceStatus => "device-status",
        PciErrorSource.AerCorrectable => "aer-correctable",
        PciErrorSource.AerUncorrectable => "aer-uncorrectable",
        PciErrorSource.RootError => "root-error",
        _ => "containment",
    };

    /// <summary>"correctable", "non-fatal" or "fatal".</summary>
    public static string SeverityName(PciErrorSeverity severity) => severity switch
    {
        PciErrorSeverity.Correctable => "correctable",
        PciErrorSeverity.NonFatal => "non-fatal",
        _ => "fatal",
    };

    private static string Unnamed(int bit) => "bit" + bit.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
