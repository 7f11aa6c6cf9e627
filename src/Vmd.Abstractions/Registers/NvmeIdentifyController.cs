namespace Vmd.Registers;

/// <summary>
/// Byte offsets in the 4096-byte Identify Controller data structure (NVM Express Base 1.4 §5.15.2.1, CNS 01h).
/// ASCII fields are left-justified and padded with spaces (0x20).
/// </summary>
public static class NvmeIdentifyController
{
    /// <summary>VID, PCI Vendor ID (16 bits).</summary>
    public const int Vid = 0;

    /// <summary>SSVID, PCI Subsystem Vendor ID (16 bits).</summary>
    public const int Ssvid = 2;

    /// <summary>SN, Serial Number (20 ASCII bytes).</summary>
    public const int Sn = 4;

    /// <summary>Length of <see cref="Sn"/>.</summary>
    public const int SnLength = 20;

    /// <summary>MN, Model Number (40 ASCII bytes).</summary>
    public const int Mn = 24;

    /// <summary>Length of <see cref="Mn"/>.</summary>
    public const int MnLength = 40;

    /// <summary>FR, Firmware Revision (8 ASCII bytes).</summary>
    public const int Fr = 64;

    /// <summary>Length of <see cref="Fr"/>.</summary>
    public const int FrLength = 8;

    /// <summary>MDTS, Maximum Data Transfer Size (log2 of the minimum memory page size units; 0 = no limit).</summary>
    public const int Mdts = 77;

    /// <summary>CNTLID, Controller ID (16 bits).</summary>
    public const int Cntlid = 78;

    /// <summary>VER, Version (32 bits, the value of the VS register).</summary>
    public const int Ver = 80;

    /// <summary>CNTRLTYPE, Controller Type (1 = I/O controller).</summary>
    public const int Cntrltype = 111;

    /// <summary>SQES, Submission Queue Entry Size: bits 3:0 required, 7:4 maximum (log2).</summary>
    public const int Sqes = 512;

    /// <summary>CQES, Completion Queue Entry Size: bits 3:0 required, 7:4 maximum (log2).</summary>
    public const int Cqes = 513;

    /// <summary>NN, Number of Namespaces (32 bits).</summary>
    public const int Nn = 516;
}
