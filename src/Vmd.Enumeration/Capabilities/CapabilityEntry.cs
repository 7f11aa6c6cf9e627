using System;
using System.Globalization;
using Vmd.Registers;

namespace Vmd.Enumeration.Capabilities;

/// <summary>One entry of a function's standard capability list (PCI Local Bus 3.0 §6.7).</summary>
public readonly struct CapabilityEntry : IEquatable<CapabilityEntry>
{
    /// <summary>Creates an entry.</summary>
    /// <param name="offset">Config offset of the entry (0x40–0xFC).</param>
    /// <param name="id">The ID byte; values without a named <see cref="CapabilityId"/> member are kept as read.</param>
    public CapabilityEntry(ushort offset, CapabilityId id)
    {
        Offset = offset;
        Id = id;
    }

    /// <summary>Config offset of the entry; registers of the capability are relative to it.</summary>
    public ushort Offset { get; }

    /// <summary>The capability ID (byte 0 of the entry).</summary>
    public CapabilityId Id { get; }

    /// <inheritdoc />
    public bool Equals(CapabilityEntry other) => Offset == other.Offset && Id == other.Id;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CapabilityEntry other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (Offset << 8) | (byte)Id;

    /// <summary>As lspci prints it: <c>[40] 11</c> (offset, then ID, in hex).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Offset:x2}] {(byte)Id:x2}");

    /// <summary>Equality.</summary>
    public static bool operator ==(CapabilityEntry left, CapabilityEntry right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(CapabilityEntry left, CapabilityEntry right) => !left.Equals(right);
}
