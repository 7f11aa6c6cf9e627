using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Interrupts;

namespace Vmd.Simulation.Tests;

/// <summary>Child interrupts through a VMD: remap onto the VMD's own MSI-X entries, bypass, masks and bus mastering.</summary>
public sealed class InterruptRoutingTests
{
    // The Samsung drive's layout (docs/machines.md): MSI-X capability at 0xB0, table at BAR0 + 0x3000.
    private const ushort NvmeMsixCapability = 0xB0;
    private const nuint NvmeMsixTable = 0x3000;

    [Fact]
    public void Identify_completion_fires_the_host_vector_once_through_vmd_entry_2()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 0x1234);

        drive.RingSubmissionTail(1);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(7u, drive.Sink.LastCookie);
        Assert.Equal(1, drive.Machine.Interrupts.DeliveredTo(drive.Vector));
        uint dw3 = drive.CompletionDw3(0);
        Assert.Equal(NvmeCommands.CqePhase, dw3 & NvmeCommands.CqePhase);
        Assert.Equal(0x1234u, dw3 & 0xFFFF);
        Assert.Equal(0, DriveHarness.StatusOf(dw3));
        Assert.Equal(1u, drive.CompletionDw2(0) & 0xFFFF);
        Assert.Equal(0x144D, drive.Data.Read16(NvmeIdentifyController.Vid));
        Assert.Equal(1, drive.Machine.Counters.MessagesRemapped);
        Assert.Equal(1, drive.Machine.Counters.MessagesToHost);
        Assert.Equal(0UL, drive.VmdPba);
        Assert.Equal(0UL, drive.DrivePbaBits);
    }

    [Fact]
    public void Bypass_on_icelake_sp_delivers_the_childs_own_host_message()
    {
        DriveHarness drive = DriveHarness.IceLake();
        drive.SetRemap(remap: false);
        drive.ProgramDriveEntry(0, drive.HostMessage, masked: false);
        drive.SetDriveMsix(enabled: true);
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 1);

        drive.RingSubmissionTail(1);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(1, drive.Machine.Counters.MessagesBypassed);
        Assert.Equal(0, drive.Machine.Counters.MessagesRemapped);
        Assert.Equal(0x8086, drive.Data.Read16(NvmeIdentifyController.Vid));
        Assert.False(drive.Vmd.RemapsInterrupts);
    }

    [Fact]
    public void Masked_child_entry_sets_its_pba_bit_and_unmasking_delivers()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2(driveEntryMasked: true);
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 5);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1UL, drive.DrivePbaBits);
        Assert.Equal(NvmeCommands.CqePhase, drive.CompletionDw3(0) & NvmeCommands.CqePhase); // a polling driver sees it
        Assert.Equal(1, drive.Machine.Counters.VectorsLatchedPending);

        drive.SetDriveEntryMask(0, masked: false);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(0UL, drive.DrivePbaBits);
    }

    [Fact]
    public void Child_function_mask_holds_the_message_until_cleared()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.SetDriveMsix(enabled: true, functionMask: true);

        Assert.Equal(InterruptOutcome.PendingInFunction, Nvme(drive).SignalVector(0));
        Assert.Equal(0, drive.Sink.Calls);

        drive.SetDriveMsix(enabled: true, functionMask: false);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(0UL, drive.DrivePbaBits);
    }

    [Fact]
    public void Bus_master_off_on_the_root_port_drops_dma_and_raises_nothing()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 9);
        drive.CfgBar.Write16(drive.Port(PciHeader.Command), (ushort)PciCommand.MemorySpaceEnable);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(0u, drive.CompletionDw3(0));
        Assert.Equal(0, drive.Data.Read16(NvmeIdentifyController.Vid));
        Assert.True(drive.Machine.Counters.BusMasterDrops >= 1);
        Assert.Equal(0, drive.Machine.Counters.DmaReads);
        Assert.Equal(NvmeRegisters.CstsCfs, drive.Bar0.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsCfs);
    }

    [Fact]
    public void Bus_master_off_on_the_vmd_drops_child_messages()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.Machine.HostConfig.Write16(drive.Vmd.Address, PciHeader.Command, (ushort)PciCommand.MemorySpaceEnable);

        Assert.Equal(InterruptOutcome.BusMasterDisabled, Nvme(drive).SignalVector(0));
        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1, drive.Machine.Counters.BusMasterDrops);
    }

    [Fact]
    public void Remap_index_beyond_the_vmd_table_is_dropped_and_counted()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.ProgramDriveEntry(0, new MsiMessage(X86MsiAddress.Base | (19U << X86MsiAddress.DestinationIdShift), 0), masked: false);
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 3);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1, drive.Machine.Counters.RemapIndexOutOfRange);
        Assert.Equal(0, drive.Machine.Counters.MessagesToHost);
        Assert.Equal(NvmeCommands.CqePhase, drive.CompletionDw3(0) & NvmeCommands.CqePhase);
    }

    [Fact]
    public void Masked_vmd_entry_sets_the_vmd_pba_bit_and_unmasking_delivers()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2(vmdEntryMasked: true);
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 4);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1UL << DriveHarness.VmdEntry, drive.VmdPba);
        Assert.Equal(0UL, drive.DrivePbaBits);
        Assert.Equal(1, drive.Machine.Counters.MessagesRemapped);

        drive.SetVmdEntryMask(DriveHarness.VmdEntry, masked: false);

        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(0UL, drive.VmdPba);
    }

    [Fact]
    public void Vmd_function_mask_holds_remapped_messages_until_cleared_in_host_config()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.SetVmdMsix(enabled: true, functionMask: true);

        Assert.Equal(InterruptOutcome.PendingInVmd, Nvme(drive).SignalVector(0));
        Assert.Equal(0, drive.Sink.Calls);

        drive.SetVmdMsix(enabled: true, functionMask: false);

        Assert.Equal(1, drive.Sink.Calls);
    }

    [Fact]
    public void Remapped_message_is_lost_while_the_vmds_msix_is_disabled()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.SetVmdMsix(enabled: false);

        Assert.Equal(InterruptOutcome.VmdNotEnabled, Nvme(drive).SignalVector(0));
        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(0UL, drive.VmdPba);
    }

    [Fact]
    public void Child_msi_is_remapped_like_msix_and_its_data_is_ignored()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.SetDriveMsix(enabled: false);
        ushort msi = drive.DriveMsi;
        drive.CfgBar.Write32(drive.Drive((ushort)(msi + MsiCapability.MessageAddress)), X86MsiAddress.Base | ((uint)DriveHarness.VmdEntry << X86MsiAddress.DestinationIdShift));
        drive.CfgBar.Write32(drive.Drive((ushort)(msi + MsiCapability.MessageUpperAddress)), 0);
        drive.CfgBar.Write16(drive.Drive((ushort)(msi + MsiCapability.MessageData64)), 0x00AB);
        drive.CfgBar.Write16(drive.Drive((ushort)(msi + MsiCapability.MessageControl)), MsiCapability.Enable);

        Assert.Equal(InterruptOutcome.DeliveredToHost, Nvme(drive).SignalVector(0));
        Assert.Equal(1, drive.Sink.Calls);
        Assert.Equal(InterruptOutcome.NotEnabled, Nvme(drive).SignalVector(1)); // Multiple Message Enable grants one vector
    }

    [Fact]
    public void Drive_without_msi_or_msix_raises_nothing_but_completes()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.SetRemap(remap: true);
        drive.ProgramVmdEntry(DriveHarness.VmdEntry, drive.HostMessage, masked: false);
        drive.SetVmdMsix(enabled: true);
        drive.EnableController();
        drive.SubmitIdentify(slot: 0, commandId: 2);

        drive.RingSubmissionTail(1);

        Assert.Equal(0, drive.Sink.Calls);
        Assert.Equal(1, drive.Machine.Counters.VectorsNotEnabled);
        Assert.Equal(NvmeCommands.CqePhase, drive.CompletionDw3(0) & NvmeCommands.CqePhase);
    }

    [Fact]
    public void Message_to_a_non_interrupt_address_is_a_memory_write()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.ProgramDriveEntry(0, new MsiMessage(drive.Buffer + 0x100, 0xCAFE_F00D), masked: false);

        Assert.Equal(InterruptOutcome.MemoryWrite, Nvme(drive).SignalVector(0));
        Assert.Equal(0xCAFE_F00Du, drive.Data.Read32(0x100));
        Assert.Equal(0, drive.Sink.Calls);
    }

    [Fact]
    public void Host_segment_drive_on_the_empty_machine_signals_the_host_directly()
    {
        SimulatedMachine machine = TestHelpers.Machine("empty");
        var address = new PciAddress(0, 1, 0, 0);
        Assert.True(machine.Interrupts.TryAllocate(out HostVector vector));
        var sink = new CountingSink();
        machine.Interrupts.Attach(vector, sink, 1);
        MsiMessage message = machine.Interrupts.ComposeMessage(vector);
        IMmioRegion bar0 = TestHelpers.MapBar(machine, address, 0, 16 * 1024);
        bar0.Write32(NvmeMsixTable + MsixCapability.EntryAddressLow, (uint)message.Address);
        bar0.Write32(NvmeMsixTable + MsixCapability.EntryData, message.Data);
        bar0.Write32(NvmeMsixTable + MsixCapability.EntryVectorControl, 0);
        machine.HostConfig.Write16(address, NvmeMsixCapability + MsixCapability.MessageControl, MsixCapability.Enable);
        Assert.True(NvmeEndpoint.TryGet(machine.FindHostFunction(address)!, out NvmeEndpoint? nvme));

        Assert.Equal(InterruptOutcome.DeliveredToHost, nvme.SignalVector(0));
        Assert.Equal(1, sink.Calls);
        Assert.Equal(1, machine.Counters.MessagesDirect);
    }

    [Fact]
    public void Detached_drive_has_no_way_to_the_host()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        NvmeEndpoint nvme = Nvme(drive);
        drive.Vmd.FindFunction(0xE0, 6, 0)!.SecondaryBus!.Remove(0, 0);

        Assert.Equal(InterruptOutcome.Unroutable, nvme.SignalVector(0));
    }

    [Fact]
    public void A_handler_may_use_the_ports_it_runs_after_the_doorbell_write_completed()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        drive.EnableController();
        var handler = new CompletionHandler(drive);
        drive.Machine.Interrupts.Detach(drive.Vector);
        drive.Machine.Interrupts.Attach(drive.Vector, handler, 0);
        drive.SubmitIdentify(0, 0x77);

        drive.RingSubmissionTail(1);

        Assert.Equal(0x77u | NvmeCommands.CqePhase, handler.SeenDw3 & (0xFFFF | NvmeCommands.CqePhase));
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public void Messages_raised_while_a_test_holds_the_machine_lock_arrive_after_the_next_port_access()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.RemapThroughEntry2();
        NvmeEndpoint nvme = Nvme(drive);

        lock (drive.Machine.SyncRoot)
        {
            Assert.Equal(InterruptOutcome.DeliveredToHost, nvme.SignalVector(0));
            Assert.Equal(0, drive.Sink.Calls);
        }

        drive.Machine.HostConfig.Write8(drive.Vmd.Address, PciHeader.CacheLineSize, 0);

        Assert.Equal(1, drive.Sink.Calls);
    }

    private static NvmeEndpoint Nvme(DriveHarness drive)
    {
        Assert.True(NvmeEndpoint.TryGet(drive.Vmd.FindFunction(drive.DriveBus, 0, 0)!, out NvmeEndpoint? nvme));
        return nvme;
    }

    /// <summary>A driver's handler: reads the completion and releases the entry through BAR0, from interrupt context.</summary>
    private sealed class CompletionHandler(DriveHarness drive) : IInterruptSink
    {
        public uint SeenDw3 { get; private set; }

        public int Calls { get; private set; }

        public void OnInterrupt(uint cookie)
        {
            Calls++;
            SeenDw3 = drive.CompletionDw3(0);
            drive.RingCompletionHead(1);
        }
    }
}
