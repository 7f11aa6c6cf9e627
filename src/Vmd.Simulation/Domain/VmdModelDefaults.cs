namespace Vmd.Simulation.Domain;

/// <summary>What the device ID decides about a VMD endpoint when options leave it open (hardware digest §2.1, §2.3).</summary>
internal static class VmdModelDefaults
{
    public const ushort SkylakeServer = 0x201D;
    public const ushort IceLakeServer = 0x28C0;
    public const ushort MeteorLake = 0x7D0B;

    private const ulong DefaultMemBar1Size = 32UL << 20;
    private const ulong DefaultMemBar2Size = 1UL << 20;
    private const ulong MeteorLakeMemBarSize = 16UL << 20;

    public static bool CfgBarPrefetchable(ushort deviceId) => deviceId is SkylakeServer or IceLakeServer;

    public static ulong MemBar1Size(ushort deviceId) => deviceId == MeteorLake ? MeteorLakeMemBarSize : DefaultMemBar1Size;

    public static ulong MemBar2Size(ushort deviceId) => deviceId == MeteorLake ? MeteorLakeMemBarSize : DefaultMemBar2Size;

    public static bool HasMemBar2Shadow(ushort deviceId) => deviceId == IceLakeServer;
}
