namespace Vmd.Registers;

/// <summary>
/// Layout of NVMe queue entries and the admin commands the library and simulator use (NVM Express Base 1.4
/// §4.2 Submission Queue Entry, §4.6 Completion Queue Entry, §5 Admin Command Set).
/// </summary>
public static class NvmeCommands
{
    /// <summary>Bytes in a submission queue entry (2 ^ 6).</summary>
    public const int SubmissionEntrySize = 64;

    /// <summary>Bytes in a completion queue entry (2 ^ 4).</summary>
    public const int CompletionEntrySize = 16;

    /// <summary>SQ entry CDW0: bits 7:0 OPC (opcode), 9:8 FUSE, 15:14 PSDT, 31:16 CID.</summary>
    public const int Cdw0 = 0x00;

    /// <summary>SQ entry NSID (namespace identifier).</summary>
    public const int Nsid = 0x04;

    /// <summary>SQ entry MPTR (metadata pointer, 64 bits).</summary>
    public const int Mptr = 0x10;

    /// <summary>SQ entry PRP Entry 1 (64 bits).</summary>
    public const int Prp1 = 0x18;

    /// <summary>SQ entry PRP Entry 2 (64 bits).</summary>
    public const int Prp2 = 0x20;

    /// <summary>SQ entry Command Dword 10.</summary>
    public const int Cdw10 = 0x28;

    /// <summary>CDW0 bits 15:14: PSDT, PRP or SGL for Data Transfer (0 = PRPs; admin commands use PRPs).</summary>
    public const uint Cdw0PsdtMask = 0x3U << 14;

    /// <summary>CDW0 bits 31:16: CID, Command Identifier.</summary>
    public const int Cdw0CidShift = 16;

    /// <summary>CQ entry DW0: command specific.</summary>
    public const int CqeDw0 = 0x00;

    /// <summary>CQ entry DW2: bits 15:0 SQHD (SQ head pointer), 31:16 SQID.</summary>
    public const int CqeDw2 = 0x08;

    /// <summary>CQ entry DW3: bits 15:0 CID, bit 16 P (phase tag), bits 31:17 status field.</summary>
    public const int CqeDw3 = 0x0C;

    /// <summary>DW2 bits 31:16: SQID.</summary>
    public const int CqeSqidShift = 16;

    /// <summary>DW3 bit 16: P, Phase Tag.</summary>
    public const uint CqePhase = 1U << 16;

    /// <summary>DW3 bits 31:17: the status field (bits 7:0 SC, 10:8 SCT, 12:11 CRD, 13 M, 14 DNR of the field).</summary>
    public const int CqeStatusShift = 17;

    /// <summary>Status field bit 14: DNR, Do Not Retry.</summary>
    public const ushort StatusDoNotRetry = 1 << 14;

    /// <summary>Status field bits 10:8: SCT, Status Code Type (0 = generic command status).</summary>
    public const int StatusCodeTypeShift = 8;

    /// <summary>Generic command status 0x00: Successful Completion.</summary>
    public const byte StatusSuccess = 0x00;

    /// <summary>Generic command status 0x01: Invalid Command Opcode.</summary>
    public const byte StatusInvalidCommandOpcode = 0x01;

    /// <summary>Generic command status 0x02: Invalid Field in Command.</summary>
    public const byte StatusInvalidField = 0x02;

    /// <summary>Admin opcode 0x06: Identify.</summary>
    public const byte OpcodeIdentify = 0x06;

    /// <summary>Identify CDW10 bits 7:0: CNS, Controller or Namespace Structure.</summary>
    public const uint IdentifyCnsMask = 0xFF;

    /// <summary>CNS 0x01: Identify Controller data structure.</summary>
    public const byte CnsController = 0x01;

    /// <summary>Bytes an Identify data structure occupies.</summary>
    public const int IdentifyDataSize = 4096;
}
