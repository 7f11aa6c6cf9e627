using System.Collections.Generic;

namespace Vmd.Shell;

/// <summary>The parsed command line: global options, the command and its own arguments.</summary>
internal sealed class ShellOptions
{
    public string Machine { get; set; } = Vmd.Simulation.Machines.MachineCatalog.DefaultName;

    public bool Json { get; set; }

    /// <summary>An lspci dump to build the machine from (<c>--dump FILE</c>), instead of a built-in machine.</summary>
    public string? DumpFile { get; set; }

    /// <summary>True when <c>--machine</c> was given explicitly.</summary>
    public bool MachineGiven { get; set; }

    public bool Verbose { get; set; }

    public bool Help { get; set; }

    public string? Command { get; set; }

    public List<string> Arguments { get; } = [];
}
