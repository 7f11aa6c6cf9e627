namespace Vmd.Core.Devices;

/// <summary>
/// One function of a <see cref="VmdDeviceSnapshot"/>: a copy of what its <see cref="Vmd.Enumeration.Functions.PciFunction"/>
/// record said when the snapshot was published. Plain values, so it never changes under a reader.
/// </summary>
/// <param name="Address">Where the function answers.</param>
/// <param name="VendorId">Vendor ID.</param>
/// <param name="DeviceId">Device ID.</param>
/// <param name="ClassCode">24-bit class code.</param>
/// <param name="IsBridge">True for a type 1 header.</param>
/// <param name="HasParent">False for a function on a root bus.</param>
/// <param name="Parent">The bridge above (meaningful only with <paramref name="HasParent"/>).</param>
/// <param name="Secondary">Bridge secondary bus (0 for an endpoint).</param>
/// <param name="Subordinate">Bridge subordinate bus (0 for an endpoint).</param>
/// <param name="Assigned">True when its resources were assigned and decode is on.</param>
/// <param name="Bar0CpuAddress">CPU address of BAR0, 0 when it has none.</param>
public readonly record struct VmdDeviceEntry(
    PciAddress Address,
    ushort VendorId,
    ushort DeviceId,
    uint ClassCode,
    bool IsBridge,
    bool HasParent,
    PciAddress Parent,
    byte Secondary,
    byte Subordinate,
    bool Assigned,
    ulong Bar0CpuAddress);
