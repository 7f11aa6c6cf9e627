using System;
using System.Text;
using Vmd.Simulation.Errors;

namespace Vmd.Shell.Commands;

/// <summary>The <c>--inject KIND</c> names of <c>vmd errors</c>: three severity shorthands and every <see cref="InjectedError"/> in kebab-case.</summary>
internal static class ErrorKinds
{
    private static readonly (string Name, InjectedError Kind)[] Table =
    [
        ("correctable", InjectedError.ReceiverError),
        ("non-fatal", InjectedError.CompletionTimeout),
        ("fatal", InjectedError.SurpriseDown),
        ("receiver-error", InjectedError.ReceiverError),
        ("bad-tlp", InjectedError.BadTlp),
        ("bad-dllp", InjectedError.BadDllp),
        ("replay-number-rollover", InjectedError.ReplayNumberRollover),
        ("replay-timer-timeout", InjectedError.ReplayTimerTimeout),
        ("advisory-non-fatal", InjectedError.AdvisoryNonFatal),
        ("corrected-internal", InjectedError.CorrectedInternal),
        ("data-link-protocol", InjectedError.DataLinkProtocol),
        ("surprise-down", InjectedError.SurpriseDown),
        ("poisoned-tlp", InjectedError.PoisonedTlp),
        ("flow-control-protocol", InjectedError.FlowControlProtocol),
        ("completion-timeout", InjectedError.CompletionTimeout),
        ("completer-abort", InjectedError.CompleterAbort),
        ("unexpected-completion", InjectedError.UnexpectedCompletion),
        ("receiver-overflow", InjectedError.ReceiverOverflow),
        ("malformed-tlp", InjectedError.MalformedTlp),
        ("ecrc", InjectedError.Ecrc),
        ("unsupported-request", InjectedError.UnsupportedRequest),
        ("uncorrectable-internal", InjectedError.UncorrectableInternal),
        ("master-data-parity-error", InjectedError.MasterDataParityError),
        ("signaled-target-abort", InjectedError.SignaledTargetAbort),
        ("received-target-abort", InjectedError.ReceivedTargetAbort),
        ("received-master-abort", InjectedError.ReceivedMasterAbort),
        ("detected-parity-error", InjectedError.DetectedParityError),
    ];

    /// <summary>"correctable, non-fatal, fatal, receiver-error, …, detected-parity-error".</summary>
    public static string List()
    {
        var text = new StringBuilder();
        foreach ((string name, _) in Table)
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(name);
        }

        return text.ToString();
    }

    /// <summary>Every accepted name, in the order <see cref="List"/> gives.</summary>
    public static string[] Names()
    {
        var names = new string[Table.Length];
        for (int i = 0; i < Table.Length; i++)
        {
            names[i] = Table[i].Name;
        }

        return names;
    }

    /// <summary>Finds a kind by name (case-insensitive).</summary>
    public static bool TryParse(string text, out InjectedError kind)
    {
        foreach ((string name, InjectedError value) in Table)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                kind = value;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The kebab-case name of <paramref name="kind"/> itself (never a shorthand).</summary>
    public static string Name(InjectedError kind)
    {
        for (int i = 3; i < Table.Length; i++)
        {
            if (Table[i].Kind == kind)
            {
                return Table[i].Name;
            }
        }

        return kind.ToString();
    }

    public static string SeverityName(ErrorSeverity severity) => severity switch
    {
        ErrorSeverity.Correctable => "correctable",
        ErrorSeverity.NonFatal => "non-fatal",
        ErrorSeverity.Fatal => "fatal",
        _ => "none",
    };

    public static string OutcomeName(ErrorMessageOutcome outcome) => outcome switch
    {
        ErrorMessageOutcome.Masked => "masked",
        ErrorMessageOutcome.ReportingDisabled => "reporting-disabled",
        ErrorMessageOutcome.Blocked => "blocked",
        ErrorMessageOutcome.NoRootPort => "no-root-port",
        ErrorMessageOutcome.DeliveredToRootPort => "delivered-to-root-port",
        _ => "not-applicable",
    };
}
