using System;

namespace Vmd;

/// <summary>An MSI/MSI-X message: the address a function writes and the data it writes there.</summary>
public readonly struct MsiMessage : IEquatable<MsiMessage>
{
    /// <summary>Creates a message.</summary>
    /// <param name="address">64-bit message address (x86: 0xFEExxxxx).</param>
    /// <param name="data">32-bit message data.</param>
    public MsiMessage(ulong address, uint data)
    {
        Address = address;
        Data = data;
    }

    /// <summary>Message address (64 bits; the high half is 0 on x86).</summary>
    public ulong Address { get; }

    /// <summary>Message data.</summary>
    public uint Data { get; }

    /// <inheritdoc />
    public bool Equals(MsiMessage other) => Address == other.Address && Data == other.Data;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MsiMessage other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Address, Data);

    /// <inheritdoc />
    public override string ToString() => $"address {Address:x16} data {Data:x8}";

    /// <summary>Equality.</summary>
    public static bool operator ==(MsiMessage left, MsiMessage right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MsiMessage left, MsiMessage right) => !left.Equals(right);
}
