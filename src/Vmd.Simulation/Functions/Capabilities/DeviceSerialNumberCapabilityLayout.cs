using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a Device Serial Number extended capability (ID 0x0003, PCIe Base §7.9.3).</summary>
public static class DeviceSerialNumberCapabilityLayout
{
    private const byte Version = 1;

    /// <summary>Adds the capability holding <paramref name="serialNumber"/> (read-only).</summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddDeviceSerialNumber(this FunctionBuilder builder, ulong serialNumber, ushort offset = 0)
    {
        ushort at = builder.AddExtendedCapability(ExtendedCapabilityId.DeviceSerialNumber, Version, DeviceSerialNumberCapability.Length, offset);
        builder.Function.Set32((ushort)(at + DeviceSerialNumberCapability.SerialNumberLow), (uint)serialNumber);
        builder.Function.Set32((ushort)(at + DeviceSerialNumberCapability.SerialNumberHigh), (uint)(serialNumber >> 32));
        return at;
    }
}
