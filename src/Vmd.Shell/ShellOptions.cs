using System.Collections.Generic;

namespace Vmd.Shell;

/// <summary>The parsed command line: global options, the command and its own arguments.</summary>
internal sealed class ShellOptions
{
    public string Machine { get; set; } = Vmd.Simulation.Machines.MachineCatalog.DefaultName;

    public bool Json { get; set; }

    public bool Verbose { get; set; }

    public bool Help { get; set; }

    public string? Command { get; set; }

    public List<string> Arguments { get; } = [];
}
