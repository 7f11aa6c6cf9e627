using System;

namespace Vmd.Shell;

/// <summary>
/// Parses <c>vmd [--machine NAME | --dump FILE] [--json] [--verbose] &lt;command&gt; [args]</c>. Hand-written so the
/// shell stays NativeAOT-clean and every usage error gets a sentence naming what was wrong.
/// </summary>
internal static class CommandLine
{
    public static bool TryParse(string[] args, out ShellOptions options, out string? error)
    {
        options = new ShellOptions();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--dump=", StringComparison.Ordinal) || arg == "--dump")
            {
                string? file = arg == "--dump" ? (i + 1 < args.Length && !args[i + 1].StartsWith('-') ? args[++i] : null) : arg["--dump=".Length..];
                if (string.IsNullOrEmpty(file))
                {
                    error = "--dump needs a file: the text of 'lspci -D -xxxx' (or -xxx, -x, with or without -vv)";
                    return false;
                }

                options.DumpFile = file;
            }
            else if (arg.StartsWith("--machine=", StringComparison.Ordinal))
            {
                options.MachineGiven = true;
                options.Machine = arg["--machine=".Length..];
                if (options.Machine.Length == 0)
                {
                    error = "--machine needs a machine name (see 'vmd machines')";
                    return false;
                }
            }
            else if (arg == "--machine" || (arg == "-m" && options.Command is null))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                {
                    error = $"{arg} needs a machine name (see 'vmd machines')";
                    return false;
                }

                options.MachineGiven = true;
                options.Machine = args[++i];
            }
            else if (arg == "--json")
            {
                options.Json = true;
            }
            else if (arg == "--verbose" || (arg == "-v" && options.Command is null))
            {
                options.Verbose = true;
            }
            else if (arg == "--help" || (arg is "-h" or "help" && options.Command is null))
            {
                options.Help = true;
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                if (options.Command is null)
                {
                    error = $"unknown option '{arg}'; the options are --machine NAME, --dump FILE, --json, --verbose, --help";
                    return false;
                }

                options.Arguments.Add(arg);
            }
            else if (options.Command is null)
            {
                options.Command = arg;
            }
            else
            {
                options.Arguments.Add(arg);
            }
        }

        if (options.DumpFile is not null && options.MachineGiven)
        {
            error = "--dump and --machine both name the machine; give one of them";
            return false;
        }

        return true;
    }
}
