namespace Vmd.Core.Reports;

/// <summary>
/// Names for the classes, vendors and devices the reports print, as the PCI ID Repository (pci.ids)
/// names them. A small built-in subset: an unknown vendor or device prints as lspci does without a name
/// ("Device 1234").
/// </summary>
public static class PciNames
{
    /// <summary>The class name of a 16-bit base class and sub-class (e.g. 0x0108 "Non-Volatile memory controller").</summary>
    public static string ClassName(ushort baseAndSubClass) => baseAndSubClass switch
    {
        0x0100 => "SCSI storage controller",
        0x0104 => "RAID bus controller",
        0x0106 => "SATA controller",
        0x0107 => "Serial Attached SCSI controller",
        0x0108 => "Non-Volatile memory controller",
        0x0180 => "Mass storage controller",
        0x0200 => "Ethernet controller",
        0x0300 => "VGA compatible controller",
        0x0380 => "Display controller",
        0x0600 => "Host bridge",
        0x0601 => "ISA bridge",
        0x0604 => "PCI bridge",
        0x0880 => "System peripheral",
        0x0c03 => "USB controller",
        0x0c05 => "SMBus",
        _ => "Class " + baseAndSubClass.ToString("x4", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The vendor's name, or null when not in the built-in table.</summary>
    public static string? VendorName(ushort vendorId) => vendorId switch
    {
        0x8086 => "Intel Corporation",
        0x144D => "Samsung Electronics Co Ltd",
        0x15B7 => "Sandisk Corp",
        0x10B5 => "PLX Technology, Inc.",
        0x1987 => "Phison Electronics Corporation",
        0x1C5C => "SK hynix",
        0x1E0F => "KIOXIA Corporation",
        0x126F => "Silicon Motion, Inc.",
        _ => null,
    };

    /// <summary>The device's name, or null when not in the built-in table.</summary>
    public static string? DeviceName(ushort vendorId, ushort deviceId) => ((uint)vendorId << 16 | deviceId) switch
    {
        0x8086_201D or 0x8086_28C0 or 0x8086_467F or 0x8086_4C3D or 0x8086_9A0B or 0x8086_A77F or 0x8086_7D0B
            or 0x8086_AD0B or 0x8086_B60B or 0x8086_B06F or 0x8086_B07F => "Volume Management Device NVMe RAID Controller",
        0x8086_09AB => "RST VMD Managed Controller",
        0x8086_9A09 => "11th Gen Core Processor PCIe Controller",
        0x8086_A0BC => "Tiger Lake-LP PCI Express Root Port #9",
        0x8086_464D => "12th Gen Core Processor PCI Express x4 Controller #0",
        0x8086_51B0 => "Alder Lake PCI Express x1 Root Port #9",
        0x8086_51D3 => "Alder Lake-P SATA AHCI Controller",
        0x8086_2030 => "Sky Lake-E PCI Express Root Port A",
        0x8086_2031 => "Sky Lake-E PCI Express Root Port B",
        0x8086_2032 => "Sky Lake-E PCI Express Root Port C",
        0x8086_2033 => "Sky Lake-E PCI Express Root Port D",
        0x8086_347A => "Ice Lake Xeon PCI Express Root Port A",
        0x8086_347B => "Ice Lake Xeon PCI Express Root Port B",
        0x8086_347C => "Ice Lake Xeon PCI Express Root Port C",
        0x8086_347D => "Ice Lake Xeon PCI Express Root Port D",
        0x8086_0A54 => "NVMe Datacenter SSD [3DNAND, Beta Rock Controller]",
        0x8086_9A14 => "11th Gen Core Processor Host Bridge/DRAM Registers",
        0x8086_9A49 => "TigerLake-LP GT2 [Iris Xe Graphics]",
        0x144D_A80A => "NVMe SSD Controller PM9A1/PM9A3/980PRO",
        0x144D_A808 => "NVMe SSD Controller SM981/PM981/PM983",
        0x15B7_5009 => "WD Blue SN550 NVMe SSD",
        0x10B5_9733 => "PEX 9733 33-lane, 9-port PCI Express Gen 3 (8.0 GT/s) Switch",
        _ => null,
    };

    /// <summary>"Vendor Device" as lspci prints it, with "Device xxxx" for unknown devices.</summary>
    public static string Describe(ushort vendorId, ushort deviceId)
    {
        string vendor = VendorName(vendorId) ?? "Vendor " + vendorId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        string device = DeviceName(vendorId, deviceId) ?? "Device " + deviceId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        return vendor + " " + device;
    }
}
