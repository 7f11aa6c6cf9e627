using System;
using System.Collections.Generic;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

public sealed class EnumerationTests
{
    public static TheoryData<string, int, string[]> Machines => new()
    {
        { "tigerlake", 0, ["10000:e0:06.0 8086:9a09", "10000:e1:00.0 144d:a80a"] },
        { "tigerlake-dummy", 0, ["10000:e0:1c.0 8086:09ab", "10000:e0:1c.4 8086:a0bc", "10000:e1:00.0 15b7:5009"] },
        { "alderlake", 0, ["10000:e0:06.0 8086:464d", "10000:e0:17.0 8086:51d3", "10000:e0:1d.0 8086:51b0", "10000:e1:00.0 144d:a80a", "10000:e2:00.0 15b7:5009"] },
        { "meteorlake", 0, ["10000:e0:06.0 8086:7ecc", "10000:e1:00.0 144d:a80a"] },
        { "guest", 0, ["10000:e0:06.0 8086:9a09", "10000:e1:00.0 144d:a80a"] },
    };

    private static string[] Listing(VmdController vmd)
    {
        var lines = new List<string>();
        foreach (PciFunction function in vmd.Functions)
        {
            lines.Add($"{function.Address} {function.VendorId:x4}:{function.DeviceId:x4}");
        }

        return lines.ToArray();
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Lists_every_function_behind_the_vmd_once_in_address_order(string name, int index, string[] expected)
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create(name), VmdState.Enumerated, index);

        Assert.Equal(expected, Listing(vmd));
        DomainInvariants.Check(vmd);
    }

    [Theory]
    [InlineData("tigerlake")]
    [InlineData("tigerlake-dummy")]
    [InlineData("alderlake")]
    [InlineData("meteorlake")]
    [InlineData("skylake-sp")]
    [InlineData("icelake-sp")]
    [InlineData("guest")]
    [InlineData("two-vmd")]
    public void Every_nvme_gets_its_bar_inside_an_aperture_and_decode_on(string name)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);
        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory);
        int nvme = 0;
        foreach (VmdController vmd in host.Controllers)
        {
            Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate(), vmd.LastFailure?.ToString());
            DomainInvariants.Check(vmd);
            foreach (PciFunction function in vmd.Functions)
            {
                if (function.ClassCode == ClassCodes.NvmExpress)
                {
                    nvme++;
                    Assert.True(function.Assigned, $"{function.Address}: {function.Issues}");
                    Assert.True(DomainInvariants.Decodes(function));
                    Assert.NotEqual(0UL, function.GetBarCpuAddress(0));
                }
            }
        }

        Assert.True(nvme > 0);
    }

    [Fact]
    public void Nvme_registers_answer_at_the_assigned_cpu_address()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode != ClassCodes.NvmExpress)
            {
                continue;
            }

            // The NVMe's MSI-X table lives in BAR0 at the offset its capability names; an all-ones read
            // would mean the address is not routed through the root port's window to the drive.
            Assert.True(function.TryGetCapability(CapabilityId.MsiX, out ushort msix));
            uint table = vmd.Domain!.Read32(function.Address, (ushort)(msix + MsixCapability.TableOffset)) & MsixCapability.OffsetMask;
            ulong control = machine.PhysicalMemory.Read(function.GetBarCpuAddress(0) + table + MsixCapability.EntryVectorControl, 4);
            Assert.Equal(MsixCapability.EntryMasked, control);
        }
    }

    [Fact]
    public void Guest_programs_host_physical_bus_addresses()
    {
        SimulatedMachine machine = MachineCatalog.Create("guest");
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        PciFunction nvme = vmd.Functions[^1];
        ulong cpu = nvme.GetBarCpuAddress(0);
        ulong bus = nvme.Bars[0].Address;

        Assert.Equal(vmd.Shadow!.MemBar1Offset, cpu - bus);
        Assert.InRange(bus, machine.Vmds[0].MemBar1BusAddress, machine.Vmds[0].MemBar1BusAddress + machine.Vmds[0].MemBar1Size - 1);
        uint programmed = vmd.Domain!.Read32(nvme.Address, PciHeader.BaseAddress(0)) & BaseAddressBits.MemoryAddressMask;
        Assert.Equal((uint)bus, programmed);
    }

    [Fact]
    public void Client_root_port_keeps_its_hard_wired_primary_bus()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("tigerlake"), VmdState.Enumerated);

        PciFunction port = vmd.Functions[0];

        Assert.True(port.IsBridge);
        Assert.Equal((0, 0xE1, 0xE1), (port.Bridge.Primary, port.Bridge.Secondary, port.Bridge.Subordinate));
        Assert.NotEqual(FunctionIssues.None, port.Issues & FunctionIssues.HardWiredPrimaryBus);
        Assert.True(port.Assigned);
    }

    [Fact]
    public void Enumeration_never_writes_outside_the_domain_or_to_another_host_function()
    {
        SimulatedMachine machine = MachineCatalog.Create("skylake-sp");
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;

        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        foreach (ConfigAccess access in observer.Accesses)
        {
            if (!access.IsWrite)
            {
                continue;
            }

            if (access.Source == ConfigAccessSource.Host)
            {
                Assert.Equal(machine.Vmds[0].Address, access.Address);
            }
            else
            {
                Assert.True(vmd.BusRange!.Contains(access.Address.Bus), $"write to {access.Address}");
                Assert.True(access.Claimed, $"write to absent {access.Address}");
            }
        }
    }

    [Fact]
    public void Absent_slot_costs_one_config_read()
    {
        SimulatedMachine machine = MachineCatalog.Create("meteorlake");
        var observer = new RecordingObserver();
        VmdController vmd = Bringup.To(machine, VmdState.Enabled);
        machine.ConfigAccessObserver = observer;

        Assert.True(vmd.TryEnumerate());

        var perSlot = new Dictionary<(int Bus, int Device), int>();
        foreach (ConfigAccess access in observer.Accesses)
        {
            if (access.Source != ConfigAccessSource.Host && !access.Claimed)
            {
                var slot = (access.Address.Bus, access.Address.Device);
                perSlot[slot] = perSlot.GetValueOrDefault(slot) + 1;
            }
        }

        Assert.Equal(31, perSlot.Count); // 31 empty slots on the root bus; behind the root port only device 0 is probed
        Assert.All(perSlot.Values, reads => Assert.Equal(1, reads));
    }

    [Fact]
    public void Reenumerating_an_unchanged_domain_gives_the_same_list_and_fingerprint()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("alderlake"), VmdState.Enumerated);
        string[] first = Listing(vmd);
        ulong fingerprint = vmd.Fingerprint;

        Assert.True(vmd.TryEnumerate());

        Assert.Equal(first, Listing(vmd));
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.NotEqual(0UL, fingerprint);
    }

    [Fact]
    public void Rescan_of_an_unchanged_domain_allocates_nothing_and_keeps_the_fingerprint()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("skylake-sp"), VmdState.Enumerated);
        ulong fingerprint = vmd.Fingerprint;
        string[] listing = Listing(vmd);
        Assert.True(vmd.Rescan()); // warm-up: the second record pool is filled once
        Assert.True(vmd.Rescan());

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool unchanged = vmd.Rescan();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(unchanged);
        Assert.Equal(0, allocated);
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.Equal(listing, Listing(vmd));
    }

    [Fact]
    public void Rescan_sees_a_drive_that_went_away()
    {
        SimulatedMachine machine = MachineCatalog.Create("alderlake");
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);
        int before = vmd.Functions.Length;
        ulong fingerprint = vmd.Fingerprint;
        machine.Vmds[0].FindFunction(0xE2, 0, 0)!.Set16(PciHeader.VendorId, 0xFFFF);

        Assert.False(vmd.Rescan());

        Assert.Equal(before - 1, vmd.Functions.Length);
        Assert.NotEqual(fingerprint, vmd.Fingerprint);
    }

    [Fact]
    public void Enumerate_before_enable_names_the_state_it_needs()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("tigerlake"), VmdState.Mapped);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => vmd.TryEnumerate());

        Assert.Contains("Enumerate needs state Enabled", error.Message, StringComparison.Ordinal);
    }
}
