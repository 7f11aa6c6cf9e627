using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core.Diagnostics;
using Vmd.Core.Identification;
using Vmd.Core.Mapping;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Resources;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>
/// The second VMD root bus of Arrow Lake desktops (issue 13) on the <c>arrowlake-s</c> machine: a CPU NVMe on root bus e0
/// and a chipset NVMe on root bus 80, each inside its own CFGBAR buses and aperture parts.
/// </summary>
public sealed class SecondRootBusTests
{
    private static readonly PciAddress CpuDrive = PciAddress.Parse("10000:e1:00.0");
    private static readonly PciAddress ChipsetDrive = PciAddress.Parse("10000:81:00.0");
    private static readonly PciAddress ChipsetPort = PciAddress.Parse("10000:80:1c.4");

    private static (SimulatedMachine Machine, VmdHostOptions Options) Machine(string name = "arrowlake-s")
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(100) };
        return (MachineCatalog.Create(name, time), new VmdHostOptions { TimeProvider = time });
    }

    private static PciFunction Find(VmdController vmd, PciAddress address) => TestDrives.Find(vmd, address);

    private static IdentifyResult Identify(SimulatedMachine machine, VmdController vmd, PciFunction drive) => TestDrives.Identify(machine, vmd, drive);

    private static bool Inside(Aperture aperture, ulong cpu, ulong size) =>
        cpu >= aperture.CpuBase && cpu + size - 1 <= aperture.CpuBase + aperture.Length - 1;

    [Fact]
    public void Map_reads_both_bus_ranges_and_splits_the_apertures()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Mapped, options: options);

        Assert.Equal(2, vmd.RootBuses.Length);
        VmdRootBus first = vmd.RootBuses[0];
        VmdRootBus second = vmd.SecondRootBus!;
        Assert.Same(second, vmd.RootBuses[1]);
        Assert.Equal((0xE0, 0xEF, 0, (ushort?)0x0F00), (first.FirstBus, first.LastBus, first.CfgBarIndex, first.BusRangeRegister));
        Assert.Equal((0x80, 0x8F, 16, (ushort?)0x1F10), (second.FirstBus, second.LastBus, second.CfgBarIndex, second.BusRangeRegister));
        Assert.Equal((0xE0, 0xEF, 3), (vmd.BusRange!.Start, vmd.BusRange.End, vmd.BusRange.Selector));

        // MEMBAR1 32 MiB split at 16 MiB; MEMBAR2 16 MiB split at 8 MiB, root bus 0's part after the VMD's MSI-X table and PBA.
        Assert.Equal((0UL, 16UL << 20), (first.MemBar1Offset, first.MemBar1Length));
        Assert.Equal((16UL << 20, 16UL << 20), (second.MemBar1Offset, second.MemBar1Length));
        Assert.Equal((0x2000UL, (8UL << 20) - 0x2000), (first.MemBar2Offset, first.MemBar2Length));
        Assert.Equal((8UL << 20, 8UL << 20), (second.MemBar2Offset, second.MemBar2Length));

        // Only the CFGBAR buses the two ranges use are mapped.
        Assert.Equal(32UL << 20, vmd.CfgBar!.MappedLength);
    }

    [Fact]
    public void Both_drives_are_enumerated_with_resources_inside_their_own_aperture_parts()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);

        Assert.Equal(6, vmd.Functions.Length);
        DomainInvariants.Check(vmd);
        foreach ((PciAddress drive, int root) in new[] { (CpuDrive, 0), (ChipsetDrive, 1) })
        {
            PciFunction function = Find(vmd, drive);
            Assert.True(function.Assigned, $"{drive}: {function.Issues}");
            VmdRootBus own = vmd.RootBuses[root];
            VmdRootBus other = vmd.RootBuses[1 - root];
            ulong bar0 = function.GetBarCpuAddress(0);
            ulong size = function.Bars[0].Size;
            Assert.True(Inside(own.MemBar1Aperture, bar0, size) || Inside(own.MemBar2Aperture, bar0, size), $"{drive} BAR0 {bar0:x} outside root bus {root}'s parts");
            Assert.False(Inside(other.MemBar1Aperture, bar0, size) || Inside(other.MemBar2Aperture, bar0, size), $"{drive} BAR0 {bar0:x} in the other root bus's part");
        }

        // The chipset root port keeps its hard-wired primary bus 80, which is its root bus's number: nothing to flag.
        PciFunction port = Find(vmd, ChipsetPort);
        Assert.Equal((0x80, 0x81), (port.Bridge.Primary, port.Bridge.Secondary));
        Assert.Equal(FunctionIssues.None, port.Issues & FunctionIssues.HardWiredPrimaryBus);
        Assert.Equal(0x81, vmd.GetHighestBus(1));
        Assert.Equal(0xE1, vmd.GetHighestBus(0));
    }

    [Fact]
    public void Bridge_windows_on_each_root_bus_stay_inside_that_root_bus_parts()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);

        foreach (PciFunction function in vmd.Functions)
        {
            if (!function.IsBridge || !function.Bridge.Memory.IsEnabled)
            {
                continue;
            }

            VmdRootBus root = vmd.RootBuses[function.Address.Bus >= 0xE0 ? 0 : 1];
            MemoryWindow window = function.Bridge.Memory;
            Assert.True(
                Inside(root.MemBar1Aperture, window.Base + root.MemBar1Aperture.BusOffset, window.Limit - window.Base + 1)
                || Inside(root.MemBar2Aperture, window.Base + root.MemBar2Aperture.BusOffset, window.Limit - window.Base + 1),
                $"{function.Address} window {window.Base:x}-{window.Limit:x} outside root bus {root.Index}'s parts");
        }
    }

    [Fact]
    public void Identify_round_trip_works_on_the_drive_of_each_root_bus_through_the_shared_vmd_vectors()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());

        foreach (PciAddress drive in new[] { CpuDrive, ChipsetDrive })
        {
            IdentifyResult result = Identify(machine, vmd, Find(vmd, drive));

            Assert.True(result.Passed, $"{drive}: {result.Error} completed={result.Completed} deliveries={result.Deliveries}");
            Assert.Equal(Find(vmd, drive).VendorId, result.VendorId);
            Assert.Equal(1, result.Deliveries);
            Assert.InRange(result.VmdVector, vmd.Vectors!.FirstUsable, vmd.Vectors.ActiveCount - 1);
        }
    }

    [Fact]
    public void A_domain_reset_restores_both_root_buses_and_both_drives_answer_again()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());
        ulong fingerprint = vmd.Fingerprint;
        var before = new List<PciAddress>();
        foreach (PciFunction function in vmd.Functions)
        {
            before.Add(function.Address);
        }

        ResetReport report = vmd.Reset();

        Assert.True(report.Restored, string.Join("; ", report.PortResults));
        Assert.Equal(2, report.PortResults.Count); // one root port with a drive below on each root bus
        Assert.Contains(report.PortResults, r => r.StartsWith("10000:80:1c.4", StringComparison.Ordinal));
        Assert.Contains(report.PortResults, r => r.StartsWith("10000:e0:06.0", StringComparison.Ordinal));
        Assert.Equal(fingerprint, vmd.Fingerprint);
        var after = new List<PciAddress>();
        foreach (PciFunction function in vmd.Functions)
        {
            after.Add(function.Address);
        }

        Assert.Equal(before, after);
        DomainInvariants.Check(vmd);
        foreach (PciAddress drive in new[] { CpuDrive, ChipsetDrive })
        {
            IdentifyResult result = Identify(machine, vmd, Find(vmd, drive));
            Assert.True(result.Passed, $"{drive} after reset: {result.Error}");
        }
    }

    [Fact]
    public void Rescan_of_the_unchanged_two_root_domain_allocates_nothing()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);
        ulong fingerprint = vmd.Fingerprint;
        Assert.True(vmd.Rescan());

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        bool unchanged = vmd.Rescan();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(unchanged);
        Assert.Equal(0, allocated);
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.Equal(6, vmd.Functions.Length);
    }

    [Fact]
    public void Every_domain_access_lands_on_a_bus_of_one_of_the_two_ranges()
    {
        var (machine, options) = Machine();
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts), vmd.LastFailure?.ToString());
        vmd.Reset();

        int domainAccesses = 0;
        foreach (ConfigAccess access in observer.Accesses)
        {
            if (access.Source != ConfigAccessSource.VmdDomain)
            {
                continue;
            }

            domainAccesses++;
            int bus = access.Address.Bus;
            Assert.True(bus is >= 0xE0 and <= 0xEF or >= 0x80 and <= 0x8F, $"access to {access.Address} outside both root buses");
        }

        Assert.True(domainAccesses > 0);
        Assert.Equal(0, vmd.Domain!.RejectedAccesses);
    }

    [Fact]
    public void The_library_refuses_to_reach_buses_between_the_two_ranges()
    {
        var (machine, options) = Machine();
        VmdController vmd = Bringup.To(machine, VmdState.Enabled, options: options);
        long reads = machine.Counters.DomainConfigReads;

        foreach (int bus in new[] { 0x7F, 0x90, 0xDF, 0xF0 })
        {
            Assert.Equal(0xFFFF_FFFFu, vmd.Domain!.Read32(new PciAddress(vmd.Endpoint.Domain, (byte)bus, 0, 0), 0));
        }

        Assert.Equal(reads, machine.Counters.DomainConfigReads);
        Assert.Equal(4, vmd.Domain!.RejectedAccesses);
    }

    [Fact]
    public void The_feature_missing_is_refused_naming_the_value_and_how_to_declare_it()
    {
        var (machine, options) = Machine("arrowlake-s-nofeature");
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, options).Controllers[0];

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.Unsupported, vmd.LastFailure!.Error);
        Assert.Contains("VMCONFIG of 0000:00:0e.0 reads 0300", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("= 3", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Contains("AddFeatures(0x7d0b, VmdFeatures.SecondRootBus)", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Equal(0, machine.Counters.DomainConfigReads);
        Assert.True(vmd.RootBuses.IsEmpty);
    }

    [Fact]
    public void A_host_can_add_the_feature_to_an_id_that_lacks_it()
    {
        var (machine, options) = Machine("arrowlake-s-nofeature");
        options.AddFeatures(0x7D0B, VmdFeatures.SecondRootBus);

        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);

        Assert.Equal(VmdFeatures.SecondRootBus, vmd.Endpoint.Device.FeaturesAddedByHost);
        Assert.NotEqual(VmdFeatures.None, vmd.Endpoint.Device.Features & VmdFeatures.BiosPmQuirk);
        Assert.Equal(2, vmd.RootBuses.Length);
        Find(vmd, CpuDrive);
        Find(vmd, ChipsetDrive);
    }

    [Fact]
    public void Adding_features_to_an_unlisted_id_or_none_at_all_is_refused()
    {
        var options = new VmdHostOptions();

        ArgumentException unlisted = Assert.Throws<ArgumentException>(() => options.AddFeatures(0x1234, VmdFeatures.SecondRootBus));
        Assert.Contains("AddDevice", unlisted.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => options.AddFeatures(0x7D0B, VmdFeatures.None));
    }

    public static TheoryData<string, ushort, ushort, uint, ulong, string[]> BadRegisters() => new()
    {
        // BUSRANGE registers that overlap: CFGBAR bus 15 would belong to both root buses.
        { "overlap", 0x0F00, 0x1F0F, 16u << 20, 8UL << 20, ["BUSRANGE0 (0f00", "BUSRANGE1 (1f0f", "overlap"] },

        // A range outside CFGBAR: 32 MiB holds CFGBAR buses 0-31.
        { "outside", 0x0F00, 0x2F10, 16u << 20, 8UL << 20, ["BUSRANGE1 (0xcc)", "reads 2f10", "CFGBAR buses 16-47", "only buses 0-31"] },

        // First after last.
        { "reversed", 0x000F, 0x1F10, 16u << 20, 8UL << 20, ["BUSRANGE0 (0xc8)", "reads 000f", "first CFGBAR bus (15) is after its last (0)"] },

        // A MEMBAR1 split at or past the end of MEMBAR1 (32 MiB).
        { "membar1 past end", 0x0F00, 0x1F10, 32u << 20, 8UL << 20, ["MEMBAR1 split (0xd0)", "0x2000000", "inside MEMBAR1 (32 MiB)"] },

        // A MEMBAR2 split past the end of MEMBAR2 (16 MiB).
        { "membar2 past end", 0x0F00, 0x1F10, 16u << 20, 1UL << 32, ["MEMBAR2 split (0xd8/0xdc)", "0x100000000", "inside MEMBAR2 (16 MiB)"] },

        // A MEMBAR2 split inside the VMD's own MSI-X table: root bus 0 would have nothing, root bus 1 the table.
        { "membar2 in msix area", 0x0F00, 0x1F10, 16u << 20, 0x1000, ["MEMBAR2 split (0xd8/0xdc)", "0x1000", "after the VMD's own registers"] },

        // A MEMBAR1 split of zero: root bus 0 would get none of MEMBAR1.
        { "membar1 zero", 0x0F00, 0x1F10, 0, 8UL << 20, ["MEMBAR1 split (0xd0)", "reads 0x0"] },
    };

    [Theory]
    [MemberData(nameof(BadRegisters))]
    public void Bad_split_registers_give_a_clear_error_and_no_access_to_the_domain(string _, ushort busRange0, ushort busRange1, uint memBar1Split, ulong memBar2Split, string[] expected)
    {
        var (machine, options) = Machine();
        Simulation.Functions.SimulatedFunction endpoint = machine.Vmds[0].Function;
        endpoint.Set16(VmdRegisters.BusRange0, busRange0);
        endpoint.Set16(VmdRegisters.BusRange1, busRange1);
        endpoint.Set32(VmdRegisters.MemBar1Bus1Offset, memBar1Split);
        endpoint.Set32(VmdRegisters.MemBar2Bus1OffsetLow, (uint)memBar2Split);
        endpoint.Set32(VmdRegisters.MemBar2Bus1OffsetHigh, (uint)(memBar2Split >> 32));
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, options).Controllers[0];
        ushort commandBefore = endpoint.Read16(PciHeader.Command);

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.Malformed, vmd.LastFailure!.Error);
        Assert.Equal(VmdStep.Map, vmd.LastFailure.Step);
        foreach (string part in expected)
        {
            Assert.Contains(part, vmd.LastFailure.Message, StringComparison.Ordinal);
        }

        Assert.Equal(VmdState.Detected, vmd.State);
        Assert.Equal(0, machine.Counters.ActiveMappings);
        Assert.Equal(0, machine.Counters.DomainConfigReads + machine.Counters.DomainConfigWrites);
        Assert.Equal(commandBefore, endpoint.Read16(PciHeader.Command));
        Assert.True(vmd.RootBuses.IsEmpty);
        Assert.Null(vmd.BusRange);
    }

    [Fact]
    public void All_ones_bus_range_registers_are_refused_as_a_vanished_endpoint()
    {
        var (machine, options) = Machine();
        machine.Vmds[0].Function.Set16(VmdRegisters.BusRange0, 0xFFFF);
        machine.Vmds[0].Function.Set16(VmdRegisters.BusRange1, 0xFFFF);
        VmdController vmd = VmdHost.Detect(machine.HostConfig, machine.Memory, options).Controllers[0];

        Assert.False(vmd.TryMap());

        Assert.Equal(VmdError.AllOnes, vmd.LastFailure!.Error);
        Assert.Contains("BUSRANGE0 and BUSRANGE1", vmd.LastFailure.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.Counters.ActiveMappings);
    }

    [Fact]
    public void A_second_range_too_long_for_the_bus_numbers_below_e0_is_clamped_not_overlapped()
    {
        // 113 CFGBAR buses for root bus 1 would number 80-f0, into root bus 0's e0-ef: only 80-df are used.
        VmdOptions client = TestMachines.Client(0xAD0B);
        SimulatedMachine machine = TestMachines.With(new VmdOptions
        {
            DeviceId = client.DeviceId, VmCap = 1, VmConfig = 3u << 8,
            CfgBarAddress = client.CfgBarAddress, CfgBarSize = 256UL << 20,
            MemBar1Address = client.MemBar1Address, MemBar1Size = 32UL << 20, MemBar2Address = client.MemBar2Address, MemBar2Size = 16UL << 20,
            HasSecondRootBus = true, BusRange0 = 0x0F00, BusRange1 = 0x8010, MemBar1Bus1Offset = 16u << 20, MemBar2Bus1Offset = 8UL << 20,
        });

        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        Assert.Equal((0x80, 0xDF, 16), (vmd.SecondRootBus!.FirstBus, vmd.SecondRootBus.LastBus, vmd.SecondRootBus.CfgBarIndex));
        Assert.Equal((0xE0, 0xEF), (vmd.RootBuses[0].FirstBus, vmd.RootBuses[0].LastBus));
        Assert.Equal((16UL + 0x60) << 20, vmd.CfgBar!.MappedLength); // CFGBAR buses 0-111, not all 256
    }
}
