namespace Vmd.Core.Identification;

/// <summary>One known VMD device ID: its platform and features.</summary>
public sealed class VmdDeviceInfo
{
    /// <summary>Creates an entry.</summary>
    /// <param name="deviceId">PCI device ID (vendor is always 0x8086).</param>
    /// <param name="platform">Platform name; "(unconfirmed)" where public data does not settle it.</param>
    /// <param name="features">Feature flags of the ID.</param>
    /// <param name="suppliedByHost">True when the host supplied the entry for an ID the library does not list.</param>
    /// <param name="featuresAddedByHost">Features the host added to a listed ID (<see cref="VmdHostOptions.AddFeatures"/>); included in <paramref name="features"/>.</param>
    public VmdDeviceInfo(ushort deviceId, string platform, VmdFeatures features, bool suppliedByHost = false, VmdFeatures featuresAddedByHost = VmdFeatures.None)
    {
        DeviceId = deviceId;
        Platform = platform;
        Features = features | featuresAddedByHost;
        SuppliedByHost = suppliedByHost;
        FeaturesAddedByHost = featuresAddedByHost;
    }

    /// <summary>PCI device ID.</summary>
    public ushort DeviceId { get; }

    /// <summary>Platform name, e.g. "Tiger Lake".</summary>
    public string Platform { get; }

    /// <summary>Feature flags.</summary>
    public VmdFeatures Features { get; }

    /// <summary>True when the host supplied this entry (<see cref="VmdHostOptions.AddDevice"/>).</summary>
    public bool SuppliedByHost { get; }

    /// <summary>Features the host added to a listed ID (<see cref="VmdHostOptions.AddFeatures"/>); None otherwise.</summary>
    public VmdFeatures FeaturesAddedByHost { get; }

    /// <summary>Display name, e.g. "Intel VMD 9a0b (Tiger Lake)".</summary>
    public string Name => $"Intel VMD {DeviceId:x4} ({Platform})";
}
