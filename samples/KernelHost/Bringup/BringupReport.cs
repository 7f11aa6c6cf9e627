using System.Collections.Generic;

namespace KernelHost.Bringup;

/// <summary>What the kernel's bring-up did: one line per step, the drives it proved, and why it failed if it did.</summary>
public sealed class BringupReport
{
    private readonly List<string> _lines = [];

    /// <summary>Readable lines, in order.</summary>
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>NVMe functions found behind every VMD.</summary>
    public int Drives { get; internal set; }

    /// <summary>Drives whose Identify completed and whose completion interrupt arrived exactly once, through the IDT.</summary>
    public int IdentifyPassed { get; internal set; }

    /// <summary>The first failure; null when every step succeeded.</summary>
    public string? Failure { get; private set; }

    /// <summary>True when at least one drive was found and every step and Identify succeeded.</summary>
    public bool Succeeded => Failure is null && Drives > 0 && IdentifyPassed == Drives;

    internal void Add(string step, string text) => _lines.Add($"{step,-10} {text}");

    internal void Fail(string step, string text)
    {
        Add(step, "FAILED: " + text);
        Failure ??= $"{step}: {text}";
    }
}
