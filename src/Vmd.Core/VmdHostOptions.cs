using System;
using System.Collections.Generic;
using Vmd.Core.Identification;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Walk;

namespace Vmd.Core;

/// <summary>What the host tells the library before detection. Not thread-safe; set up once, then pass it in.</summary>
public sealed class VmdHostOptions
{
    private readonly List<uint> _segments = [0];
    private readonly List<VmdDeviceInfo> _extraDevices = [];
    private readonly Dictionary<ushort, VmdFeatures> _addedFeatures = [];

    /// <summary>The host's own PCI segments, scanned for VMDs (default: segment 0). VMD domains are numbered above all of them.</summary>
    public IReadOnlyList<uint> HostSegments => _segments;

    /// <summary>The clock every wait the PCIe specification demands goes through (resets, power-state changes). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The window of the error-log throttle (default 10 s): per function and error register, the first report of each
    /// window is logged and the rest are summarised when it ends (docs/decisions.md, step 7).
    /// </summary>
    public TimeSpan? ErrorLogWindow { get; set; }

    /// <summary>Where the <c>Vmd</c> meter comes from (a host's dependency-injection factory); null: a plain <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>Enumeration choices (hot-plug bus reserve, function limit).</summary>
    public EnumerationOptions Enumeration { get; } = new();

    /// <summary>Resource assignment choices (hot-plug window reserves).</summary>
    public ResourceOptions Resources { get; } = new();

    /// <summary>IDs the host declared itself (<see cref="AddDevice"/>).</summary>
    public IReadOnlyList<VmdDeviceInfo> ExtraDevices => _extraDevices;

    /// <summary>Replaces the list of host segments to scan.</summary>
    public VmdHostOptions SetHostSegments(params uint[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Length == 0)
        {
            throw new ArgumentException("At least one host segment is needed.", nameof(segments));
        }

        _segments.Clear();
        _segments.AddRange(segments);
        return this;
    }

    /// <summary>
    /// Declares an Intel device ID the library does not list as a VMD with the given features
    /// (e.g. a newer part). A listed ID cannot be overridden: its facts come from the hardware digest.
    /// </summary>
    public VmdHostOptions AddDevice(ushort deviceId, VmdFeatures features, string platform = "declared by host")
    {
        if (VmdDeviceTable.TryGet(deviceId, out _))
        {
            throw new ArgumentException($"8086:{deviceId:x4} is a known VMD; its features come from the device table.", nameof(deviceId));
        }

        if (deviceId == VmdDeviceTable.RstCompanionDeviceId)
        {
            throw new ArgumentException("8086:09ab is the RST companion function, not a VMD.", nameof(deviceId));
        }

        _extraDevices.Add(new VmdDeviceInfo(deviceId, platform, features, suppliedByHost: true));
        return this;
    }

    /// <summary>
    /// Adds features to a listed ID, for parts whose capabilities public data does not settle — for example
    /// <see cref="VmdFeatures.SecondRootBus"/> on a client ID from before Arrow Lake that turns out to have it.
    /// Features are only ever added: what the device table gives an ID cannot be taken away.
    /// </summary>
    /// <exception cref="ArgumentException">The ID is not listed (declare it with <see cref="AddDevice"/>), or no feature is given.</exception>
    public VmdHostOptions AddFeatures(ushort deviceId, VmdFeatures features)
    {
        if (!VmdDeviceTable.TryGet(deviceId, out _))
        {
            throw new ArgumentException($"8086:{deviceId:x4} is not a listed VMD; declare it with AddDevice and its full feature set.", nameof(deviceId));
        }

        if (features == VmdFeatures.None)
        {
            throw new ArgumentException("Name at least one feature to add.", nameof(features));
        }

        _addedFeatures[deviceId] = _addedFeatures.GetValueOrDefault(deviceId) | features;
        return this;
    }

    /// <summary>Finds a device ID in the table (with any features the host added), then among the host's declarations.</summary>
    public bool TryResolve(ushort deviceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VmdDeviceInfo? info)
    {
        if (VmdDeviceTable.TryGet(deviceId, out info))
        {
            if (_addedFeatures.TryGetValue(deviceId, out VmdFeatures added) && (info.Features & added) != added)
            {
                info = new VmdDeviceInfo(deviceId, info.Platform, info.Features, suppliedByHost: false, featuresAddedByHost: added & ~info.Features);
            }

            return true;
        }

        foreach (VmdDeviceInfo extra in _extraDevices)
        {
            if (extra.DeviceId == deviceId)
            {
                info = extra;
                return true;
            }
        }

        info = null;
        return false;
    }
}
