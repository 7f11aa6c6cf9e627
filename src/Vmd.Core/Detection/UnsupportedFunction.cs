namespace Vmd.Core.Detection;

/// <summary>An Intel function that looks like a VMD (RAID class) but whose device ID the library does not know.</summary>
public sealed class UnsupportedFunction
{
    /// <summary>Creates an entry.</summary>
    public UnsupportedFunction(PciAddress address, ushort deviceId, uint classCode, string reason)
    {
        Address = address;
        DeviceId = deviceId;
        ClassCode = classCode;
        Reason = reason;
    }

    /// <summary>Host address of the function.</summary>
    public PciAddress Address { get; }

    /// <summary>Its device ID (vendor 0x8086).</summary>
    public ushort DeviceId { get; }

    /// <summary>Its class code.</summary>
    public uint ClassCode { get; }

    /// <summary>Why it is not used, and how a host can declare it.</summary>
    public string Reason { get; }
}
