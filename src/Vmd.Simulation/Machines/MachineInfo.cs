using System;

namespace Vmd.Simulation.Machines;

/// <summary>A catalog entry: a machine's name and a one-line description.</summary>
public readonly struct MachineInfo : IEquatable<MachineInfo>
{
    /// <summary>Creates an entry.</summary>
    public MachineInfo(string name, string description)
    {
        Name = name;
        Description = description;
    }

    /// <summary>Name to pass to <see cref="MachineCatalog.TryCreate"/>.</summary>
    public string Name { get; }

    /// <summary>One-line description.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public bool Equals(MachineInfo other) => Name == other.Name && Description == other.Description;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MachineInfo other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Description);

    /// <inheritdoc />
    public override string ToString() => Name + ": " + Description;

    /// <summary>Equality.</summary>
    public static bool operator ==(MachineInfo left, MachineInfo right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MachineInfo left, MachineInfo right) => !left.Equals(right);
}
