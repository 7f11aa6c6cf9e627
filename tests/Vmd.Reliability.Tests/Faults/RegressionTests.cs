using System.Collections.Generic;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Faults;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>Bugs the fault sweep found, each pinned at the access that showed it.</summary>
[Trait("Category", "Faults")]
public sealed class RegressionTests
{
    [Fact]
    public void A_lost_secondary_bus_reset_deassert_does_not_hold_the_drive_in_reset_for_good()
    {
        // Before the fix: the 23rd MMIO write of Reset() on tigerlake (Bridge Control, SBR cleared) was lost, the drive
        // behind 00:06.0 stayed in reset, and every later Reset() skipped the port because nothing was listed below it.
        var rig = new FaultRig("tigerlake");
        Assert.Null(rig.BringUp());
        string clean = rig.Signature();
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.DroppedWrite, 23));

        ResetReport report = rig.Vmd.Reset();

        Assert.Equal(1, rig.Injector.FaultsInjected);
        Assert.True(report.Restored, string.Join("; ", report.PortResults));
        Assert.Equal(clean, rig.Signature());
        Assert.Null(rig.TearDown());
    }

    [Theory]
    [InlineData("skylake-sp")]
    [InlineData("tigerlake")]
    [InlineData("arrowlake-s")]
    public void A_port_failing_while_the_vmd_bars_are_sized_does_not_destroy_them(string machine)
    {
        // Before the fix: the port died after the all-ones sizing write, the write-back was lost, the BAR kept its mask
        // (e.g. fffffffffe000000) and every retried Map failed with Malformed ("wraps past the top of memory").
        // Counting config writes only: #1 turns decode off, #2 and #3 write all-ones to CFGBAR's halves, #4 writes back.
        var rig = new FaultRig(machine);
        PciAddress vmd = rig.Vmd.Endpoint.Address;
        uint[] firmware = ReadBars(rig, vmd);
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.PortFailure, 4, FaultAccessClasses.ConfigWrite));

        Assert.False(rig.Vmd.TryMap());
        Assert.NotEqual(firmware, ReadBars(rig, vmd)); // the fault did leave a sizing mask behind
        rig.Injector.Remove();

        Assert.True(rig.Vmd.TryMap(), rig.Vmd.LastFailure?.ToString());
        Assert.Equal(firmware, ReadBars(rig, vmd));
        Assert.Null(rig.BringUp());
        Assert.Null(rig.TearDown());
    }

    [Fact]
    public void An_all_ones_read_anywhere_in_map_leaves_the_vmd_bars_as_firmware_left_them()
    {
        // Before the fix (skylake-sp, config read #14): the read of MEMBAR2's upper half returned all-ones, the sizer wrote
        // that back, and MEMBAR2 sat at fffffffffff00000 for good.
        for (int k = 1; k <= 40; k++)
        {
            var rig = new FaultRig("skylake-sp");
            PciAddress vmd = rig.Vmd.Endpoint.Address;
            uint[] firmware = ReadBars(rig, vmd);
            rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.AllOnesRead, k, FaultAccessClasses.ConfigRead));
            bool mapped = rig.Vmd.TryMap();
            rig.Injector.Remove();

            Assert.True(mapped || rig.Vmd.TryMap(), $"k={k}: {rig.Vmd.LastFailure}");
            Assert.Equal(firmware, ReadBars(rig, vmd));
            Assert.Null(rig.TearDown());
        }
    }

    [Fact]
    public void A_reset_whose_deassert_was_lost_to_a_dead_port_is_repaired_by_the_next_reset()
    {
        // Before the fix (tigerlake, MMIO read #33 of Reset()): the port died while 00:06.0 held Secondary Bus Reset, the
        // deassert was dropped, the drive stayed in reset, and a second Reset() skipped the port (nothing listed below it).
        var rig = new FaultRig("tigerlake");
        Assert.Null(rig.BringUp());
        string clean = rig.Signature();
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.PortFailure, 33));
        Assert.False(rig.Vmd.Reset().Restored);
        rig.Injector.Remove();
        var port = new PciAddress(rig.Vmd.Endpoint.Domain, 0xE0, 6, 0);
        Assert.NotEqual(0, rig.Vmd.Domain!.Read16(port, Type1Header.BridgeControl) & (ushort)BridgeControl.SecondaryBusReset);

        ResetReport report = rig.Vmd.Reset();

        Assert.Equal(0, rig.Vmd.Domain!.Read16(port, Type1Header.BridgeControl) & (ushort)BridgeControl.SecondaryBusReset);
        Assert.Equal(clean, rig.Signature());
        Assert.Contains(report.PortResults, line => line.StartsWith(port.ToString(), System.StringComparison.Ordinal) && line.Contains("Completed", System.StringComparison.Ordinal));
        Assert.Null(rig.TearDown());
    }

    [Fact]
    public void One_all_ones_slot_status_read_does_not_remove_a_working_drive()
    {
        // Before the fix (skylake-sp hot-plug, MMIO reads #2-5): one all-ones Slot Status or Vendor ID read during
        // ProcessHotPlugEvents surprise-removed a drive that was still there, and nothing ever brought it back.
        for (int k = 1; k <= 8; k++)
        {
            var rig = new FaultRig("skylake-sp");
            Assert.Null(rig.BringUp());
            string before = rig.Signature();
            var events = new List<HotPlugEvent>();
            rig.Vmd.HotPlug += events.Add;
            Assert.True(rig.Vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = false }));
            rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.AllOnesRead, k));

            rig.Vmd.ProcessHotPlugEvents();

            Assert.Empty(events);
            Assert.Equal(before, rig.Signature());
            Assert.Null(rig.TearDown());
        }
    }

    [Fact]
    public void A_lost_command_write_in_an_orderly_removal_is_written_again()
    {
        // Before the fix (skylake-sp hot-plug, MMIO write #91): the write turning decode off on the removed drive was lost
        // and the drive kept decoding its BAR0 inside the window the slot hands to the next card.
        var rig = new FaultRig("skylake-sp");
        Assert.Null(rig.BringUp());
        PciAddress drive = InsertSpareDrive(rig);
        ulong decodedBefore = rig.Machine.Vmds[0].DecodedApertureBytes;
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.DroppedWrite, 1, FaultAccessClasses.MmioWrite));

        // The removal's first MMIO write (no route to undo, no MSI-X enabled) is the drive's Command: that one is dropped.
        Assert.True(rig.Vmd.TryRemoveDevice(drive), rig.Vmd.LastFailure?.ToString());

        Assert.Equal(1, rig.Injector.FaultsInjected);
        Assert.Equal(0, rig.Vmd.Domain!.Read16(drive, PciHeader.Command) & (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));
        Assert.True(rig.Machine.Vmds[0].DecodedApertureBytes < decodedBefore);
        Assert.Null(rig.TearDown());
    }

    [Fact]
    public void Drives_dropped_while_the_host_port_was_dead_come_back_when_it_does()
    {
        // Before the fix: with the host port dead every slot read all-ones, every drive was surprise-removed, and after the
        // port recovered nothing brought them back (no slot event ever comes: the drives never moved).
        var rig = new FaultRig("skylake-sp");
        Assert.Null(rig.BringUp());
        string before = rig.Signature();
        var events = new List<HotPlugEvent>();
        rig.Vmd.HotPlug += events.Add;
        Assert.True(rig.Vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = false }));
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.PortFailure, 1));
        rig.Vmd.ProcessHotPlugEvents();
        Assert.Contains(events, e => e.Kind == HotPlugEventKind.SurpriseRemoved);
        Assert.NotEqual(before, rig.Signature());
        rig.Injector.Remove();
        events.Clear();

        rig.Vmd.ProcessHotPlugEvents();

        Assert.All(events, e => Assert.Equal(HotPlugEventKind.Inserted, e.Kind));
        Assert.Equal(before, rig.Signature());
        rig.Vmd.ProcessHotPlugEvents();
        Assert.Equal(before, rig.Signature());
        Assert.Null(rig.TearDown());
    }

    [Fact]
    public void An_orderly_removal_on_a_dead_port_fails_and_can_be_retried()
    {
        // Before the fix: TryRemoveDevice reported success while the port was dead, so the drive kept decoding its window
        // after the port came back. Now the removal fails (step HotPlug) with the drive still listed, and a retry completes.
        var rig = new FaultRig("skylake-sp");
        Assert.Null(rig.BringUp());
        PciAddress drive = InsertSpareDrive(rig);
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.PortFailure, 1, FaultAccessClasses.MmioWrite));

        Assert.False(rig.Vmd.TryRemoveDevice(drive));
        Assert.Equal(VmdStep.HotPlug, rig.Vmd.LastFailure?.Step);
        Assert.Contains(rig.Vmd.Functions.ToArray(), f => f.Address == drive);
        rig.Injector.Remove();

        Assert.True(rig.Vmd.TryRemoveDevice(drive), rig.Vmd.LastFailure?.ToString());
        Assert.DoesNotContain(rig.Vmd.Functions.ToArray(), f => f.Address == drive);
        Assert.Null(rig.TearDown());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void A_host_whose_vector_calls_throw_gets_every_granted_vector_back(int k)
    {
        // IInterruptController documents no failure for ComposeMessage, Attach or Unmask; a host that throws anyway is
        // outside the contract and its exception reaches the caller, but before the fix the vectors EnterRemapped had
        // already been granted stayed allocated.
        var rig = new FaultRig("tigerlake");
        Assert.True(rig.Vmd.TryMap() && rig.Vmd.TryEnable() && rig.Vmd.TryEnumerate());
        rig.Injector.Arm(FaultPlan.AtAccess(FaultKind.PortFailure, k, FaultAccessClasses.VectorCall));

        Assert.Throws<HostPortFailureException>(() => rig.Vmd.TryRouteInterrupts(rig.Interrupts, new InterruptRoutingOptions()));

        Assert.Equal(0, rig.Interrupts.LiveVectors);
        rig.Injector.Remove();
        Assert.True(rig.Vmd.TryRouteInterrupts(rig.Interrupts, new InterruptRoutingOptions()), rig.Vmd.LastFailure?.ToString());
        Assert.Null(rig.TearDown());
    }

    private static uint[] ReadBars(FaultRig rig, PciAddress vmd)
    {
        var bars = new uint[Type0Header.BarCount];
        for (int i = 0; i < bars.Length; i++)
        {
            bars[i] = rig.Machine.HostConfig.Read32(vmd, PciHeader.BaseAddress(i));
        }

        return bars;
    }

    private static PciAddress InsertSpareDrive(FaultRig rig)
    {
        var events = new List<HotPlugEvent>();
        rig.Vmd.HotPlug += events.Add;
        Assert.True(rig.Vmd.TryEnableHotPlug(new HotPlugOptions { UseInterrupts = false }));
        lock (rig.Machine.SyncRoot)
        {
            rig.Machine.Vmds[0].FindSlot(4)!.HotAdd(SpareDrives.IntelNvme(0x5A5A));
        }

        rig.Vmd.ProcessHotPlugEvents();
        rig.Vmd.HotPlug -= events.Add;
        HotPlugEvent inserted = Assert.Single(events, e => e.Kind == HotPlugEventKind.Inserted);
        return inserted.Functions[0];
    }
}
