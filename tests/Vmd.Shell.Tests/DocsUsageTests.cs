using System;
using System.IO;

namespace Vmd.Shell.Tests;

/// <summary>docs/commands.md shows the usage text twice (for --help and for no command): both must be what the tool prints.</summary>
public sealed class DocsUsageTests
{
    [Fact]
    public void Both_usage_blocks_in_the_docs_match_the_help_output()
    {
        string usage = Shell.Run("--help").Output.ReplaceLineEndings("\n").TrimEnd('\n');
        string docs = File.ReadAllText(FindDocs()).ReplaceLineEndings("\n");

        int first = docs.IndexOf("```text\n" + usage + "\n```", StringComparison.Ordinal);
        Assert.True(first >= 0, "the --help example in docs/commands.md differs from 'vmd --help'");
        Assert.True(docs.IndexOf("```text\n" + usage + "\n```", first + 1, StringComparison.Ordinal) > first, "the no-command example differs");
    }

    private static string FindDocs()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "docs", "commands.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/commands.md not found above " + AppContext.BaseDirectory);
    }
}
