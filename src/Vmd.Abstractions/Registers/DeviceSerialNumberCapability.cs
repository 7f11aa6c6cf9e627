namespace Vmd.Registers;

/// <summary>Offsets of the Device Serial Number extended capability (ID 0x0003), PCIe Base §7.9.3.</summary>
public static class DeviceSerialNumberCapability
{
    /// <summary>Serial number, low 32 bits.</summary>
    public const ushort SerialNumberLow = 0x04;

    /// <summary>Serial number, high 32 bits.</summary>
    public const ushort SerialNumberHigh = 0x08;

    /// <summary>Length of the capability in bytes.</summary>
    public const int Length = 0x0C;
}
