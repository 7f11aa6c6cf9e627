using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using Vmd.Simulation;
using Vmd.Simulation.Dumps.Import;

namespace Vmd.Shell;

/// <summary>Builds the machine of <c>vmd --dump FILE</c>: reads the file, imports it, and lists what the dump could not tell.</summary>
internal static class DumpMachine
{
    public static bool TryLoad(string path, TimeProvider time, TextWriter error, [NotNullWhen(true)] out SimulatedMachine? machine)
    {
        machine = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"vmd: cannot read the dump '{path}': {ex.Message}");
            return false;
        }

        ImportReport report;
        try
        {
            machine = DumpMachineBuilder.Build(LspciDumpReader.Parse(text), Path.GetFileName(path), time, out report);
        }
        catch (DumpFormatException ex)
        {
            error.WriteLine($"vmd: {path}: {ex.Message}");
            error.WriteLine("vmd: a dump is the text of 'lspci -D -xxxx' (or -xxx, -x; with -vv the BAR sizes come along)");
            return false;
        }

        // The assumptions go to standard error so standard output stays what the command prints.
        foreach (ImportAssumption assumption in report.Assumptions)
        {
            error.WriteLine($"vmd: {Path.GetFileName(path)}: assumed {assumption}");
        }

        foreach (ImportSkip skipped in report.Skipped)
        {
            error.WriteLine($"vmd: {Path.GetFileName(path)}: left out {skipped}");
        }

        return true;
    }
}
