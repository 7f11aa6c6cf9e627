namespace Vmd.Registers;

/// <summary>Offsets of the Bridge Subsystem Vendor ID capability (ID 0x0D), PCI-to-PCI Bridge Architecture 1.2.</summary>
public static class BridgeSubsystemVendorIdCapability
{
    /// <summary>Subsystem Vendor ID (16 bits).</summary>
    public const ushort SubsystemVendorId = 0x04;

    /// <summary>Subsystem ID (16 bits).</summary>
    public const ushort SubsystemId = 0x06;

    /// <summary>Length of the capability in bytes.</summary>
    public const int Length = 0x08;
}
