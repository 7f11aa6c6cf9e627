using System;

namespace Vmd;

/// <summary>A host interrupt vector handed out by <see cref="IInterruptController"/>; opaque to the library.</summary>
public readonly struct HostVector : IEquatable<HostVector>
{
    /// <summary>Wraps the host's own vector number.</summary>
    public HostVector(uint value) => Value = value;

    /// <summary>The host's vector number.</summary>
    public uint Value { get; }

    /// <inheritdoc />
    public bool Equals(HostVector other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HostVector other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)Value;

    /// <inheritdoc />
    public override string ToString() => "vector " + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(HostVector left, HostVector right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(HostVector left, HostVector right) => !left.Equals(right);
}
