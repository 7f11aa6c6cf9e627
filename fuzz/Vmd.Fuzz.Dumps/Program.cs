using System;
using System.IO;
using System.Text;
using SharpFuzz;

namespace Vmd.Fuzz.Dumps;

/// <summary>
/// <c>Vmd.Fuzz.Dumps --replay DIR</c> runs every file of a corpus without instrumentation and lists each exception
/// other than <c>DumpFormatException</c> (exit code 1 if any). Without arguments it is a fuzz target: under libFuzzer
/// (<c>libfuzzer-dotnet</c> sets <c>__LIBFUZZER_SHM_ID</c>) it runs <see cref="Fuzzer.LibFuzzer.Run"/>, otherwise
/// <see cref="Fuzzer.OutOfProcess.Run(Action{Stream})"/> for afl-fuzz (reading one input from standard input when not
/// started by AFL).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--replay")
        {
            return Replay(args[1]);
        }

        if (args.Length != 0)
        {
            Console.Error.WriteLine("usage: Vmd.Fuzz.Dumps [--replay CORPUS_DIR]   (no argument: run under afl-fuzz or libfuzzer-dotnet)");
            return 2;
        }

        if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
        {
            Fuzzer.LibFuzzer.Run(data => DumpTarget.Run(Decode(data)));
        }
        else
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                DumpTarget.Run(reader.ReadToEnd());
            });
        }

        return 0;
    }

    private static string Decode(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);

    private static int Replay(string directory)
    {
        if (!Directory.Exists(directory))
        {
            Console.Error.WriteLine($"no such directory: {directory}");
            return 2;
        }

        int files = 0;
        int findings = 0;
        foreach (string path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            files++;
            try
            {
                DumpTarget.Run(Decode(File.ReadAllBytes(path)));
            }
            catch (Exception e)
            {
                findings++;
                Console.WriteLine($"{path}: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }

        Console.WriteLine($"replayed {files} files, {findings} with an exception other than DumpFormatException");
        return findings == 0 ? 0 : 1;
    }
}
