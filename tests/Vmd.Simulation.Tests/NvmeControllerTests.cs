using System.Text;
using Vmd.Registers;

namespace Vmd.Simulation.Tests;

/// <summary>The NVMe controller model in BAR0, driven through the mapped BAR and host RAM only.</summary>
public sealed class NvmeControllerTests
{
    [Fact]
    public void Cap_and_version_read_as_specified()
    {
        DriveHarness drive = DriveHarness.TigerLake();

        ulong cap = drive.Bar0.Read64(NvmeRegisters.Cap);

        Assert.Equal(1023UL, cap & NvmeRegisters.CapMqesMask);
        Assert.Equal(NvmeRegisters.CapCqr, cap & NvmeRegisters.CapCqr);
        Assert.Equal(20UL, (cap >> NvmeRegisters.CapToShift) & 0xFF);
        Assert.Equal(0UL, (cap >> NvmeRegisters.CapDstrdShift) & 0xF);
        Assert.Equal(NvmeRegisters.CapCssNvm, cap & NvmeRegisters.CapCssNvm);
        Assert.Equal(0UL, (cap >> NvmeRegisters.CapMpsminShift) & 0xF);
        Assert.Equal((uint)cap, drive.Bar0.Read32(NvmeRegisters.Cap));
        Assert.Equal(0x0001_0400u, drive.Bar0.Read32(NvmeRegisters.Vs));
    }

    [Fact]
    public void Read_only_registers_ignore_writes_and_queue_bases_drop_reserved_bits()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        ulong cap = drive.Bar0.Read64(NvmeRegisters.Cap);

        drive.Bar0.Write64(NvmeRegisters.Cap, 0);
        drive.Bar0.Write32(NvmeRegisters.Csts, 0xFFFF_FFFF);
        drive.Bar0.Write64(NvmeRegisters.Asq, 0x1234_5FFF);
        drive.Bar0.Write32(NvmeRegisters.Aqa, 0xFFFF_FFFF);

        Assert.Equal(cap, drive.Bar0.Read64(NvmeRegisters.Cap));
        Assert.Equal(0u, drive.Bar0.Read32(NvmeRegisters.Csts));
        Assert.Equal(0x1234_5000UL, drive.Bar0.Read64(NvmeRegisters.Asq));
        Assert.Equal(0x0FFF_0FFFu, drive.Bar0.Read32(NvmeRegisters.Aqa));
        Assert.Equal(0u, drive.Bar0.Read32(NvmeRegisters.DoorbellBase));
    }

    [Fact]
    public void Ready_follows_enable_and_disable_clears_fatal_status()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.CfgBar.Write16(drive.Port(PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);
        drive.SubmitIdentify(0, 1);
        drive.RingSubmissionTail(1);
        Assert.Equal(NvmeRegisters.CstsRdy | NvmeRegisters.CstsCfs, drive.Bar0.Read32(NvmeRegisters.Csts));

        drive.Bar0.Write32(NvmeRegisters.Cc, 0);

        Assert.Equal(0u, drive.Bar0.Read32(NvmeRegisters.Csts));
        drive.CfgBar.Write16(drive.Port(PciHeader.Command), (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));
        drive.EnableController();
        drive.SubmitIdentify(0, 2);
        drive.RingSubmissionTail(1);
        Assert.Equal(2u, drive.CompletionDw3(0) & 0xFFFF);
    }

    [Fact]
    public void Shutdown_notification_completes_at_once()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();

        drive.Bar0.Write32(NvmeRegisters.Cc, drive.Bar0.Read32(NvmeRegisters.Cc) | (1U << 14));

        Assert.Equal(NvmeRegisters.CstsShstComplete, drive.Bar0.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsShstMask);
    }

    [Fact]
    public void Identify_controller_data_follows_the_specification_layout()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.SubmitIdentify(0, 1);

        drive.RingSubmissionTail(1);

        Assert.Equal(0x144D, drive.Data.Read16(NvmeIdentifyController.Vid));
        Assert.Equal(0x144D, drive.Data.Read16(NvmeIdentifyController.Ssvid));
        Assert.Equal("0025385211000001    ", Ascii(drive, NvmeIdentifyController.Sn, NvmeIdentifyController.SnLength));
        Assert.Equal("Samsung SSD 980 PRO 1TB".PadRight(40), Ascii(drive, NvmeIdentifyController.Mn, NvmeIdentifyController.MnLength));
        Assert.Equal(0x0001_0400u, drive.Data.Read32(NvmeIdentifyController.Ver));
        Assert.Equal(0x66, drive.Data.Read8(NvmeIdentifyController.Sqes));
        Assert.Equal(0x44, drive.Data.Read8(NvmeIdentifyController.Cqes));
    }

    [Fact]
    public void Identify_data_crosses_into_the_prp2_page()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.Submit(0, NvmeCommands.OpcodeIdentify, 1, NvmeCommands.CnsController, drive.Buffer + 0x800, drive.Buffer + 0x1000);

        drive.RingSubmissionTail(1);

        Assert.Equal(0x144D, drive.Data.Read16(0x800 + NvmeIdentifyController.Vid));
        Assert.Equal(0x66, drive.Data.Read8((nuint)(0x800 + NvmeIdentifyController.Sqes)));
        Assert.Equal(0, DriveHarness.StatusOf(drive.CompletionDw3(0)));
    }

    [Fact]
    public void Unknown_opcode_completes_with_invalid_command_opcode()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.Submit(0, opcode: 0x7F, commandId: 0x42, cdw10: 0, prp1: 0);

        drive.RingSubmissionTail(1);

        uint dw3 = drive.CompletionDw3(0);
        Assert.Equal(0x42u, dw3 & 0xFFFF);
        Assert.Equal(NvmeCommands.StatusInvalidCommandOpcode | NvmeCommands.StatusDoNotRetry, DriveHarness.StatusOf(dw3));
    }

    [Fact]
    public void Identify_with_another_cns_is_an_invalid_field()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.Submit(0, NvmeCommands.OpcodeIdentify, 1, cdw10: 0x10, drive.Buffer);

        drive.RingSubmissionTail(1);

        Assert.Equal(NvmeCommands.StatusInvalidField | NvmeCommands.StatusDoNotRetry, DriveHarness.StatusOf(drive.CompletionDw3(0)));
        Assert.Equal(0, drive.Data.Read16(NvmeIdentifyController.Vid));
    }

    [Fact]
    public void Full_completion_queue_stops_posting_and_the_phase_toggles_on_wrap()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController(sqEntries: 4, cqEntries: 2);
        for (int slot = 0; slot < 3; slot++)
        {
            drive.Submit(slot, opcode: 0x7F, commandId: (ushort)(slot + 1), cdw10: 0, prp1: 0);
        }

        drive.RingSubmissionTail(3);
        Assert.Equal(1u, drive.CompletionDw3(0) & 0xFFFF);
        Assert.Equal(0u, drive.CompletionDw3(1)); // a two-entry queue holds one completion until the head moves

        drive.RingCompletionHead(1);
        Assert.Equal(2u | NvmeCommands.CqePhase, drive.CompletionDw3(1) & (0xFFFF | NvmeCommands.CqePhase));
        Assert.Equal(1u, drive.CompletionDw3(0) & 0xFFFF);

        drive.RingCompletionHead(0);
        uint wrapped = drive.CompletionDw3(0);
        Assert.Equal(3u, wrapped & 0xFFFF);
        Assert.Equal(0u, wrapped & NvmeCommands.CqePhase);
        Assert.Equal(3u, drive.CompletionDw2(0) & 0xFFFF);
    }

    [Fact]
    public void Intms_masks_msi_until_intmc_clears_the_bit()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.SetDriveMsix(enabled: false);
        ushort msi = drive.DriveMsi;
        drive.CfgBar.Write32(drive.Drive((ushort)(msi + MsiCapability.MessageAddress)), X86MsiAddress.Base | ((uint)DriveHarness.VmdEntry << X86MsiAddress.DestinationIdShift));
        drive.CfgBar.Write16(drive.Drive((ushort)(msi + MsiCapability.MessageControl)), MsiCapability.Enable);
        drive.EnableController();
        drive.Bar0.Write32(NvmeRegisters.Intms, 1);
        drive.SubmitIdentify(0, 1);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1u, drive.Bar0.Read32(NvmeRegisters.Intmc));

        drive.Bar0.Write32(NvmeRegisters.Intmc, 1);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(0u, drive.Bar0.Read32(NvmeRegisters.Intms));
    }

    [Fact]
    public void Doorbells_are_ignored_until_the_controller_is_ready()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.SubmitIdentify(0, 1);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Machine.Counters.DmaReads);
        Assert.Equal(0u, drive.CompletionDw3(0));
    }

    private static string Ascii(DriveHarness drive, int offset, int length)
    {
        var text = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            text.Append((char)drive.Data.Read8((nuint)(offset + i)));
        }

        return text.ToString();
    }
}
