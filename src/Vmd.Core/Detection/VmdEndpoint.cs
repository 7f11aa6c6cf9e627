using Vmd.Core.Identification;

namespace Vmd.Core.Detection;

/// <summary>A VMD endpoint found in the host's config space, with the domain number given to its private buses.</summary>
public sealed class VmdEndpoint
{
    /// <summary>Creates a detected endpoint.</summary>
    public VmdEndpoint(PciAddress address, VmdDeviceInfo device, byte revision, uint classCode, uint domain)
    {
        Address = address;
        Device = device;
        Revision = revision;
        ClassCode = classCode;
        Domain = domain;
    }

    /// <summary>Where the endpoint sits in the host's config space (e.g. <c>0000:00:0e.0</c>).</summary>
    public PciAddress Address { get; }

    /// <summary>Vendor ID (always 0x8086).</summary>
    public ushort VendorId => VmdDeviceTable.IntelVendorId;

    /// <summary>Device ID and its known features.</summary>
    public VmdDeviceInfo Device { get; }

    /// <summary>Revision ID.</summary>
    public byte Revision { get; }

    /// <summary>24-bit class code as read (0x010400 on every VMD seen; not used for matching).</summary>
    public uint ClassCode { get; }

    /// <summary>The PCI segment number of the VMD's private domain (0x10000 and up).</summary>
    public uint Domain { get; }
}
