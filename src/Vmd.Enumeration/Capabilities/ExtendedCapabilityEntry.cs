using System;
using System.Globalization;
using Vmd.Registers;

namespace Vmd.Enumeration.Capabilities;

/// <summary>One entry of a function's PCIe extended capability list (PCIe Base §7.6.3).</summary>
public readonly struct ExtendedCapabilityEntry : IEquatable<ExtendedCapabilityEntry>
{
    /// <summary>Creates an entry.</summary>
    /// <param name="offset">Config offset of the header (0x100–0xFFC).</param>
    /// <param name="id">Header bits 15:0; unnamed values are kept as read.</param>
    /// <param name="version">Header bits 19:16.</param>
    public ExtendedCapabilityEntry(ushort offset, ExtendedCapabilityId id, byte version)
    {
        Offset = offset;
        Id = id;
        Version = version;
    }

    /// <summary>Config offset of the header; registers of the capability are relative to it.</summary>
    public ushort Offset { get; }

    /// <summary>The capability ID (header bits 15:0).</summary>
    public ExtendedCapabilityId Id { get; }

    /// <summary>The capability version (header bits 19:16).</summary>
    public byte Version { get; }

    /// <inheritdoc />
    public bool Equals(ExtendedCapabilityEntry other) => Offset == other.Offset && Id == other.Id && Version == other.Version;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ExtendedCapabilityEntry other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Offset, Id, Version);

    /// <summary>As lspci prints it: <c>[100 v2] 0001</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Offset:x3} v{Version}] {(ushort)Id:x4}");

    /// <summary>Equality.</summary>
    public static bool operator ==(ExtendedCapabilityEntry left, ExtendedCapabilityEntry right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ExtendedCapabilityEntry left, ExtendedCapabilityEntry right) => !left.Equals(right);
}
