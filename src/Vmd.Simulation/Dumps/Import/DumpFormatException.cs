using System;

namespace Vmd.Simulation.Dumps.Import;

/// <summary>
/// The text given to <see cref="LspciDumpReader"/> is not an <c>lspci -x</c>/<c>-xxx</c>/<c>-xxxx</c> (optionally <c>-vv</c>) dump.
/// The message names the line number, the line's text and what was expected there.
/// </summary>
public sealed class DumpFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="lineNumber"/> (1-based) holding <paramref name="lineText"/>.</summary>
    public DumpFormatException(int lineNumber, string lineText, string problem)
        : base(FormatMessage(lineNumber, lineText, problem))
    {
        LineNumber = lineNumber;
        LineText = lineText ?? string.Empty;
        Problem = problem ?? string.Empty;
    }

    /// <summary>Creates an exception with a free message (no line).</summary>
    public DumpFormatException(string message)
        : base(message)
    {
        LineText = string.Empty;
        Problem = message ?? string.Empty;
    }

    /// <summary>Creates an exception with a free message and an inner exception.</summary>
    public DumpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        LineText = string.Empty;
        Problem = message ?? string.Empty;
    }

    /// <summary>Creates an exception with no message.</summary>
    public DumpFormatException()
        : this("The lspci dump is not well formed.")
    {
    }

    /// <summary>1-based line number of the offending line (0 when the problem is not tied to a line).</summary>
    public int LineNumber { get; }

    /// <summary>Text of the offending line as read (trailing line break removed).</summary>
    public string LineText { get; }

    /// <summary>What was wrong and what was expected.</summary>
    public string Problem { get; }

    private static string FormatMessage(int lineNumber, string lineText, string problem)
    {
        const int MaxShown = 80;
        string shown = lineText ?? string.Empty;
        if (shown.Length > MaxShown)
        {
            shown = string.Concat(shown.AsSpan(0, MaxShown), "...");
        }

        return $"line {lineNumber}: '{shown}' {problem}";
    }
}
