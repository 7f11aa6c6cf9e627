namespace Vmd.Registers;

/// <summary>Values a driver meets while a function comes back from a reset, PCIe Base r6.0 §2.3.1 and §6.6.1.</summary>
public static class PciExpressReadiness
{
    /// <summary>
    /// Vendor ID 0x0001: what a root complex with Configuration RRS (CRS) Software Visibility enabled
    /// returns for a Vendor ID read that the function answered with Request Retry Status (PCIe Base §2.3.1).
    /// </summary>
    public const ushort RetryStatusVendorId = 0x0001;

    /// <summary>Link Capabilities Max Link Speed code for 5.0 GT/s; faster links wait for Data Link Layer Link Active (§6.6.1).</summary>
    public const uint LinkSpeed5GtPerSecond = 2;
}
