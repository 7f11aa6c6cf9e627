using System.Text;
using Vmd.Enumeration.Functions;

namespace Vmd.Core;

/// <summary>Sentences for <see cref="FunctionIssues"/> flags, as logs and reports print them.</summary>
public static class IssueText
{
    /// <summary>One short sentence per flag.</summary>
    public static string Describe(FunctionIssues issue) => issue switch
    {
        FunctionIssues.IoBarUnsupported => "has an I/O BAR; there is no I/O space behind a VMD",
        FunctionIssues.IoWindowUnsupported => "has an I/O window; it stays closed behind a VMD",
        FunctionIssues.MalformedCapabilities => "has a malformed capability list (cycle, pointer into the header or all-ones)",
        FunctionIssues.MalformedExtendedCapabilities => "has a malformed extended capability list",
        FunctionIssues.MalformedBar => "has a malformed BAR (reserved type, or 64-bit in the last slot)",
        FunctionIssues.BarLargerThanApertures => "needs a BAR or window larger than any aperture",
        FunctionIssues.NoApertureSpace => "got no resources: the apertures are full",
        FunctionIssues.BusNumbersExhausted => "is a bridge found after the domain's bus numbers ran out; nothing below it is enumerated",
        FunctionIssues.BusNumberNotWritable => "is a bridge whose bus numbers do not read back; nothing below it is enumerated",
        FunctionIssues.Vanished => "stopped answering while it was decoded",
        FunctionIssues.UnsupportedHeader => "has a header layout other than 0 or 1",
        FunctionIssues.TooManyFunctions => "was beyond the function limit",
        FunctionIssues.HardWiredPrimaryBus => "has a hard-wired primary bus number",
        FunctionIssues.UpstreamUnassigned => "sits below a bridge that got no window, so it cannot be reached",
        FunctionIssues.FoundByRescan => "appeared in a re-scan; it has no resources until the domain is enumerated again",
        _ => Combine(issue),
    };

    private static string Combine(FunctionIssues issues)
    {
        if (issues == FunctionIssues.None)
        {
            return "has no issue";
        }

        var text = new StringBuilder();
        for (int bit = 0; bit < 32; bit++)
        {
            var flag = (FunctionIssues)(1u << bit);
            if ((issues & flag) != 0)
            {
                if (text.Length > 0)
                {
                    text.Append("; ");
                }

                text.Append(Describe(flag));
            }
        }

        return text.ToString();
    }
}
