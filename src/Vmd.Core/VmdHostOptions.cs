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

    /// <summary>The host's own PCI segments, scanned for VMDs (default: segment 0). VMD domains are numbered above all of them.</summary>
    public IReadOnlyList<uint> HostSegments => _segments;

    /// <summary>The clock every wait the PCIe specification demands goes through (resets, power-state changes). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

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

    /// <summary>Finds a device ID in the table, then among the host's declarations.</summary>
    public bool TryResolve(ushort deviceId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VmdDeviceInfo? info)
    {
        if (VmdDeviceTable.TryGet(deviceId, out info))
        {
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
