namespace Vmd.Core.Identification;

/// <summary>
/// The VMD device IDs (vendor 0x8086) the library knows, with their features (hardware digest §2.1,
/// §16.4). The client IDs from Arrow Lake on (ad0b, b60b, b06f, b07f) carry <see cref="VmdFeatures.SecondRootBus"/>. A VMD is matched by vendor and device ID, never by class code.
/// </summary>
public static class VmdDeviceTable
{
    /// <summary>Intel's PCI vendor ID.</summary>
    public const ushort IntelVendorId = 0x8086;

    /// <summary>The RST "VMD Managed Controller" companion function (8086:09ab). It is not a VMD.</summary>
    public const ushort RstCompanionDeviceId = 0x09AB;

    /// <summary>Number of known IDs.</summary>
    public const int Count = 11;

    /// <summary>The known device IDs in table order.</summary>
    public static ushort GetDeviceId(int index) => index switch
    {
        0 => 0x201D,
        1 => 0x28C0,
        2 => 0x467F,
        3 => 0x4C3D,
        4 => 0x9A0B,
        5 => 0xA77F,
        6 => 0x7D0B,
        7 => 0xAD0B,
        8 => 0xB60B,
        9 => 0xB06F,
        10 => 0xB07F,
        _ => throw new System.ArgumentOutOfRangeException(nameof(index), index, "The table has 11 entries."),
    };

    /// <summary>Looks up a device ID; false when the ID is not a known VMD.</summary>
    public static bool TryGet(ushort deviceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VmdDeviceInfo? info)
    {
        info = deviceId switch
        {
            0x201D => new VmdDeviceInfo(deviceId, "Sky Lake-SP / Cascade Lake (Purley)", VmdFeatures.MemBarShadowVendorCapability),
            0x28C0 => new VmdDeviceInfo(deviceId, "Ice Lake-SP / Sapphire Rapids (Whitley, Eagle Stream)", VmdFeatures.MemBarShadow | VmdFeatures.BusRestrictions | VmdFeatures.CanBypassMsiRemap),
            0x467F => new VmdDeviceInfo(deviceId, "Alder Lake", VmdFeatures.Client),
            0x4C3D => new VmdDeviceInfo(deviceId, "Rocket Lake (unconfirmed)", VmdFeatures.Client),
            0x9A0B => new VmdDeviceInfo(deviceId, "Tiger Lake", VmdFeatures.Client),
            0xA77F => new VmdDeviceInfo(deviceId, "Raptor Lake", VmdFeatures.Client),
            0x7D0B => new VmdDeviceInfo(deviceId, "Meteor Lake", VmdFeatures.Client),
            0xAD0B => new VmdDeviceInfo(deviceId, "Arrow Lake (unconfirmed)", VmdFeatures.Client | VmdFeatures.SecondRootBus),
            0xB60B => new VmdDeviceInfo(deviceId, "client SKU (unconfirmed)", VmdFeatures.Client | VmdFeatures.SecondRootBus),
            0xB06F => new VmdDeviceInfo(deviceId, "client SKU (unconfirmed)", VmdFeatures.Client | VmdFeatures.SecondRootBus),
            0xB07F => new VmdDeviceInfo(deviceId, "Panther Lake", VmdFeatures.Client | VmdFeatures.SecondRootBus),
            _ => null,
        };
        return info is not null;
    }

    /// <summary>Feature names as the reports print them (camelCase, stable).</summary>
    public static string FeatureName(VmdFeatures feature) => feature switch
    {
        VmdFeatures.MemBarShadow => "memBarShadow",
        VmdFeatures.BusRestrictions => "busRestrictions",
        VmdFeatures.MemBarShadowVendorCapability => "memBarShadowVendorCapability",
        VmdFeatures.OffsetFirstVector => "offsetFirstVector",
        VmdFeatures.CanBypassMsiRemap => "canBypassMsiRemap",
        VmdFeatures.BiosPmQuirk => "biosPmQuirk",
        VmdFeatures.SecondRootBus => "secondRootBus",
        _ => "unknown",
    };
}
