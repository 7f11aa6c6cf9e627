namespace Vmd.Registers;

/// <summary>24-bit class codes (base, sub-class, programming interface) used by the library (PCI Code and ID Assignment).</summary>
public static class ClassCodes
{
    /// <summary>0x010400: mass storage, RAID controller — the class of a VMD endpoint.</summary>
    public const uint RaidController = 0x010400;

    /// <summary>0x010601: mass storage, SATA, AHCI 1.0.</summary>
    public const uint SataAhci = 0x010601;

    /// <summary>0x010802: mass storage, non-volatile memory, NVM Express.</summary>
    public const uint NvmExpress = 0x010802;

    /// <summary>0x060000: bridge, host bridge.</summary>
    public const uint HostBridge = 0x060000;

    /// <summary>0x060100: bridge, ISA bridge (a chipset LPC/eSPI function).</summary>
    public const uint IsaBridge = 0x060100;

    /// <summary>0x060400: bridge, PCI-to-PCI bridge (normal decode).</summary>
    public const uint PciBridge = 0x060400;

    /// <summary>0x088000: system peripheral, other — the class of the 8086:09ab RST companion function.</summary>
    public const uint SystemPeripheralOther = 0x088000;

    /// <summary>0x030000: display controller, VGA compatible.</summary>
    public const uint VgaController = 0x030000;

    /// <summary>The 16-bit base class and sub-class of a PCI-to-PCI bridge, as read at offset 0x0A.</summary>
    public const ushort PciBridgeClassWord = 0x0604;
}
