using System;

namespace Vmd.Simulation.Fuzzing;

/// <summary>How large and how hostile the domains <see cref="FuzzDomainGenerator"/> builds are.</summary>
public sealed class FuzzOptions
{
    /// <summary>The defaults: small domains (a dozen functions at most), about one hostile choice in three.</summary>
    public static FuzzOptions Default { get; } = new();

    /// <summary>Most functions built behind one VMD (both root buses together); the generator stops adding at this count.</summary>
    public int MaxFunctions { get; init; } = 12;

    /// <summary>Most bridge levels below a root bus.</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Most device numbers populated on a root bus or a switch's internal bus.</summary>
    public int MaxDevicesPerBus { get; init; } = 5;

    /// <summary>Probability (0–1) that each choice the generator makes is a hostile one rather than a well-formed one.</summary>
    public double HostileProbability { get; init; } = 0.3;

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the probability outside 0–1.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFunctions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDevicesPerBus, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDevicesPerBus, PciAddress.MaxDevice + 1);
        if (!(HostileProbability >= 0 && HostileProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(HostileProbability), HostileProbability, "A probability lies in 0–1.");
        }
    }
}
