using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a Bridge Subsystem Vendor ID capability (ID 0x0D): how a type 1 header reports subsystem IDs.</summary>
public static class BridgeSubsystemCapabilityLayout
{
    /// <summary>Adds the capability with read-only Subsystem Vendor ID and Subsystem ID.</summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddBridgeSubsystem(this FunctionBuilder builder, ushort subsystemVendorId, ushort subsystemId, ushort offset = 0)
    {
        ushort at = builder.AddCapability(CapabilityId.BridgeSubsystemVendorId, BridgeSubsystemVendorIdCapability.Length, offset);
        builder.Function.Set16((ushort)(at + BridgeSubsystemVendorIdCapability.SubsystemVendorId), subsystemVendorId);
        builder.Function.Set16((ushort)(at + BridgeSubsystemVendorIdCapability.SubsystemId), subsystemId);
        return at;
    }
}
