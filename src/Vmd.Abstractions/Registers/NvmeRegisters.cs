namespace Vmd.Registers;

/// <summary>
/// NVMe controller registers in BAR0 (NVM Express Base 1.4 §3.1, "Controller Registers"): offsets and the bit
/// fields of CAP, CC, CSTS and AQA, named as the specification names them.
/// </summary>
public static class NvmeRegisters
{
    /// <summary>CAP, Controller Capabilities (64 bits, read-only).</summary>
    public const int Cap = 0x00;

    /// <summary>VS, Version (32 bits): bits 31:16 major, 15:8 minor, 7:0 tertiary.</summary>
    public const int Vs = 0x08;

    /// <summary>INTMS, Interrupt Mask Set (32 bits, write 1 to set; reads the mask). Pin-based and MSI only.</summary>
    public const int Intms = 0x0C;

    /// <summary>INTMC, Interrupt Mask Clear (32 bits, write 1 to clear; reads the mask). Pin-based and MSI only.</summary>
    public const int Intmc = 0x10;

    /// <summary>CC, Controller Configuration (32 bits).</summary>
    public const int Cc = 0x14;

    /// <summary>CSTS, Controller Status (32 bits).</summary>
    public const int Csts = 0x1C;

    /// <summary>NSSR, NVM Subsystem Reset (32 bits; only when CAP.NSSRS is set).</summary>
    public const int Nssr = 0x20;

    /// <summary>AQA, Admin Queue Attributes (32 bits).</summary>
    public const int Aqa = 0x24;

    /// <summary>ASQ, Admin Submission Queue Base Address (64 bits, bits 11:0 reserved).</summary>
    public const int Asq = 0x28;

    /// <summary>ACQ, Admin Completion Queue Base Address (64 bits, bits 11:0 reserved).</summary>
    public const int Acq = 0x30;

    /// <summary>First doorbell: SQ 0 Tail Doorbell. Queue y's SQ tail is at 0x1000 + (2y × (4 &lt;&lt; CAP.DSTRD)), its CQ head one stride later.</summary>
    public const int DoorbellBase = 0x1000;

    /// <summary>CAP bits 15:0: MQES, Maximum Queue Entries Supported (0's based).</summary>
    public const ulong CapMqesMask = 0xFFFF;

    /// <summary>CAP bit 16: CQR, Contiguous Queues Required.</summary>
    public const ulong CapCqr = 1UL << 16;

    /// <summary>CAP bits 31:24: TO, Timeout, worst-case time to become ready, in 500 ms units.</summary>
    public const int CapToShift = 24;

    /// <summary>CAP bits 35:32: DSTRD, Doorbell Stride (stride = 4 &lt;&lt; DSTRD bytes).</summary>
    public const int CapDstrdShift = 32;

    /// <summary>CAP bit 36: NSSRS, NVM Subsystem Reset Supported.</summary>
    public const ulong CapNssrs = 1UL << 36;

    /// <summary>CAP bits 44:37: CSS, Command Sets Supported; bit 37 is the NVM command set.</summary>
    public const ulong CapCssNvm = 1UL << 37;

    /// <summary>CAP bits 51:48: MPSMIN, Memory Page Size Minimum (2 ^ (12 + MPSMIN) bytes).</summary>
    public const int CapMpsminShift = 48;

    /// <summary>CAP bits 55:52: MPSMAX, Memory Page Size Maximum.</summary>
    public const int CapMpsmaxShift = 52;

    /// <summary>CC bit 0: EN, Enable.</summary>
    public const uint CcEn = 1U << 0;

    /// <summary>CC bits 6:4: CSS, I/O Command Set Selected (0 = NVM).</summary>
    public const uint CcCssMask = 0x7U << 4;

    /// <summary>CC bits 10:7: MPS, Memory Page Size (2 ^ (12 + MPS) bytes).</summary>
    public const int CcMpsShift = 7;

    /// <summary>CC MPS field after <see cref="CcMpsShift"/>.</summary>
    public const uint CcMpsMask = 0xF;

    /// <summary>CC bits 13:11: AMS, Arbitration Mechanism Selected.</summary>
    public const uint CcAmsMask = 0x7U << 11;

    /// <summary>CC bits 15:14: SHN, Shutdown Notification (01b normal, 10b abrupt).</summary>
    public const uint CcShnMask = 0x3U << 14;

    /// <summary>CC bits 19:16: IOSQES, I/O Submission Queue Entry Size (log2; 6 = 64 bytes).</summary>
    public const int CcIosqesShift = 16;

    /// <summary>CC bits 23:20: IOCQES, I/O Completion Queue Entry Size (log2; 4 = 16 bytes).</summary>
    public const int CcIocqesShift = 20;

    /// <summary>CSTS bit 0: RDY, Ready.</summary>
    public const uint CstsRdy = 1U << 0;

    /// <summary>CSTS bit 1: CFS, Controller Fatal Status.</summary>
    public const uint CstsCfs = 1U << 1;

    /// <summary>CSTS bits 3:2: SHST, Shutdown Status (00b normal, 01b occurring, 10b complete).</summary>
    public const uint CstsShstMask = 0x3U << 2;

    /// <summary>CSTS SHST value 10b: shutdown processing complete.</summary>
    public const uint CstsShstComplete = 0x2U << 2;

    /// <summary>AQA bits 11:0: ASQS, Admin Submission Queue Size (0's based).</summary>
    public const uint AqaAsqsMask = 0xFFF;

    /// <summary>AQA bits 27:16: ACQS, Admin Completion Queue Size (0's based).</summary>
    public const int AqaAcqsShift = 16;

    /// <summary>ASQ/ACQ bits 63:12: the queue's base (4 KiB aligned).</summary>
    public const ulong QueueBaseMask = ~0xFFFUL;
}
