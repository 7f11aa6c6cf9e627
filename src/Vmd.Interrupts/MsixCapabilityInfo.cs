using System;
using Vmd.Enumeration.Capabilities;
using Vmd.Registers;

namespace Vmd.Interrupts;

/// <summary>
/// What a function's MSI-X capability says (PCIe Base §7.7.2): how many table entries it has and where
/// the table and the Pending Bit Array live (BAR indicator and offset), and whether MSI-X is enabled or
/// the whole function masked.
/// </summary>
/// <remarks>
/// A snapshot: Enable and Function Mask change when software writes Message Control. Reading it only
/// reads configuration space (three reads), never writes, never allocates, never throws for hardware values.
/// </remarks>
public readonly struct MsixCapabilityInfo : IEquatable<MsixCapabilityInfo>
{
    private const ushort AllOnes16 = 0xFFFF;
    private const uint AllOnes32 = 0xFFFF_FFFF;

    // BIR values 6 and 7 are reserved: a BIR names one of the six BARs of a type 0 header.
    private const uint MaxBir = Type0Header.BarCount - 1;

    // The capability is 12 bytes and must end inside the 256-byte standard space.
    private const int MaxCapabilityOffset = ConfigSpaceExtensions.MaxLegacyOffset + 1 - MsixCapability.Length;

    private MsixCapabilityInfo(ushort messageControl, uint table, uint pba)
    {
        TableSize = (messageControl & MsixCapability.TableSizeMask) + 1;
        TableBir = (int)(table & MsixCapability.BirMask);
        TableOffset = table & MsixCapability.OffsetMask;
        PbaBir = (int)(pba & MsixCapability.BirMask);
        PbaOffset = pba & MsixCapability.OffsetMask;
        Enabled = (messageControl & MsixCapability.Enable) != 0;
        FunctionMasked = (messageControl & MsixCapability.FunctionMask) != 0;
    }

    /// <summary>Number of MSI-X table entries, 1–2048 (the Table Size field plus one).</summary>
    public int TableSize { get; }

    /// <summary>BAR (0–5) whose memory holds the MSI-X table.</summary>
    public int TableBir { get; }

    /// <summary>Byte offset of the table inside that BAR (QWORD aligned; the register's 32-bit field, widen it for MMIO access).</summary>
    public uint TableOffset { get; }

    /// <summary>BAR (0–5) whose memory holds the Pending Bit Array.</summary>
    public int PbaBir { get; }

    /// <summary>Byte offset of the Pending Bit Array inside that BAR (QWORD aligned; 32-bit field).</summary>
    public uint PbaOffset { get; }

    /// <summary>Message Control bit 15: MSI-X Enable.</summary>
    public bool Enabled { get; }

    /// <summary>Message Control bit 14: Function Mask (every vector masked regardless of its own mask bit).</summary>
    public bool FunctionMasked { get; }

    /// <summary>
    /// Decodes the three registers of the capability, in the manner of <c>BinaryPrimitives</c>: pure, no port access.
    /// </summary>
    /// <param name="messageControl">Message Control (capability + 0x02).</param>
    /// <param name="table">Table Offset/Table BIR (capability + 0x04).</param>
    /// <param name="pba">PBA Offset/PBA BIR (capability + 0x08).</param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="error"><see cref="VmdError.AllOnes"/> for all-ones registers, <see cref="VmdError.Malformed"/> for a reserved BIR (6 or 7).</param>
    public static bool TryDecode(ushort messageControl, uint table, uint pba, out MsixCapabilityInfo info, out VmdError error)
    {
        info = default;
        if (messageControl == AllOnes16 || table == AllOnes32 || pba == AllOnes32)
        {
            error = VmdError.AllOnes;
            return false;
        }

        if ((table & MsixCapability.BirMask) > MaxBir || (pba & MsixCapability.BirMask) > MaxBir)
        {
            error = VmdError.Malformed;
            return false;
        }

        info = new MsixCapabilityInfo(messageControl, table, pba);
        error = VmdError.None;
        return true;
    }

    /// <summary>Reads the MSI-X capability at <paramref name="capabilityOffset"/>; see the overload with an error.</summary>
    public static bool TryRead(IConfigSpace config, PciAddress address, ushort capabilityOffset, out MsixCapabilityInfo info) =>
        TryRead(config, address, capabilityOffset, out info, out _);

    /// <summary>Reads the MSI-X capability at <paramref name="capabilityOffset"/>.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="capabilityOffset">
    /// Offset of the capability as a capability walk reported it (dword aligned, 0x40–0xFC; anything else is a
    /// caller mistake). The ID there is not checked again.
    /// </param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="error">
    /// <see cref="VmdError.Malformed"/> for a reserved BIR or a capability that runs past 0xFF (nothing read then),
    /// <see cref="VmdError.AllOnes"/> for a function that vanished; None on success.
    /// </param>
    public static bool TryRead(IConfigSpace config, PciAddress address, ushort capabilityOffset, out MsixCapabilityInfo info, out VmdError error)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (capabilityOffset < PciHeader.Length || capabilityOffset > ConfigSpaceExtensions.MaxLegacyOffset || (capabilityOffset & 3) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capabilityOffset), capabilityOffset, "A standard capability lies at a dword-aligned offset from 0x40 to 0xFC.");
        }

        if (capabilityOffset > MaxCapabilityOffset)
        {
            info = default;
            error = VmdError.Malformed; // the hardware placed it where its last register would leave the standard space
            return false;
        }

        ushort messageControl = config.Read16(address, (ushort)(capabilityOffset + MsixCapability.MessageControl));
        uint table = config.Read32(address, (ushort)(capabilityOffset + MsixCapability.TableOffset));
        uint pba = config.Read32(address, (ushort)(capabilityOffset + MsixCapability.PbaOffset));
        return TryDecode(messageControl, table, pba, out info, out error);
    }

    /// <summary>Finds and reads the function's MSI-X capability; see the overload with an error.</summary>
    public static bool TryFind(IConfigSpace config, PciAddress address, out MsixCapabilityInfo info, out ushort capabilityOffset) =>
        TryFind(config, address, out info, out capabilityOffset, out _);

    /// <summary>Finds the function's MSI-X capability with a bounded capability walk and reads it.</summary>
    /// <param name="config">The configuration port.</param>
    /// <param name="address">The function.</param>
    /// <param name="info">The decoded capability; default when false is returned.</param>
    /// <param name="capabilityOffset">Where the capability is; 0 when there is none.</param>
    /// <param name="error">
    /// None with false when the function has no MSI-X capability; otherwise why the walk or the read failed.
    /// </param>
    public static bool TryFind(IConfigSpace config, PciAddress address, out MsixCapabilityInfo info, out ushort capabilityOffset, out VmdError error)
    {
        if (!CapabilityWalker.TryFind(config, address, CapabilityId.MsiX, out capabilityOffset, out error))
        {
            info = default;
            return false;
        }

        return TryRead(config, address, capabilityOffset, out info, out error);
    }

    /// <inheritdoc />
    public bool Equals(MsixCapabilityInfo other) =>
        TableSize == other.TableSize && TableBir == other.TableBir && TableOffset == other.TableOffset
        && PbaBir == other.PbaBir && PbaOffset == other.PbaOffset
        && Enabled == other.Enabled && FunctionMasked == other.FunctionMasked;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MsixCapabilityInfo other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TableSize, TableBir, TableOffset, PbaBir, PbaOffset, Enabled, FunctionMasked);

    /// <summary>As lspci prints it: <c>MSI-X: Enable+ Count=19 Masked- Vector table: BAR=4 offset=00000000 PBA: BAR=4 offset=00001000</c>.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"MSI-X: Enable{(Enabled ? '+' : '-')} Count={TableSize} Masked{(FunctionMasked ? '+' : '-')} Vector table: BAR={TableBir} offset={TableOffset:x8} PBA: BAR={PbaBir} offset={PbaOffset:x8}");

    /// <summary>Equality.</summary>
    public static bool operator ==(MsixCapabilityInfo left, MsixCapabilityInfo right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MsixCapabilityInfo left, MsixCapabilityInfo right) => !left.Equals(right);
}
