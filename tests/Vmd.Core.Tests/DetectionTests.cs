using System;
using System.Collections.Generic;
using Vmd.Core.Detection;
using Vmd.Core.Identification;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

public sealed class DetectionTests
{
    public static TheoryData<string, string[], ushort[]> Machines => new()
    {
        { "tigerlake", ["0000:00:0e.0"], [0x9A0B] },
        { "tigerlake-dummy", ["0000:00:0e.0"], [0x9A0B] },
        { "alderlake", ["0000:00:0e.0"], [0x467F] },
        { "meteorlake", ["0000:00:0e.0"], [0x7D0B] },
        { "skylake-sp", ["0000:5d:05.5"], [0x201D] },
        { "icelake-sp", ["0000:64:00.5", "0000:b2:00.5"], [0x28C0, 0x28C0] },
        { "guest", ["0000:00:05.0"], [0x9A0B] },
        { "two-vmd", ["0000:5d:05.5", "0000:d7:05.5"], [0x201D, 0x201D] },
        { "empty", [], [] },
    };

    [Theory]
    [MemberData(nameof(Machines))]
    public void Finds_each_built_in_machines_vmds_in_address_order_with_domains_from_10000(string name, string[] addresses, ushort[] deviceIds)
    {
        SimulatedMachine machine = MachineCatalog.Create(name);

        VmdDetection detection = VmdDetector.Detect(machine.HostConfig);

        Assert.Equal(addresses.Length, detection.Endpoints.Count);
        for (int i = 0; i < addresses.Length; i++)
        {
            VmdEndpoint endpoint = detection.Endpoints[i];
            Assert.Equal(addresses[i], endpoint.Address.ToString());
            Assert.Equal(deviceIds[i], endpoint.Device.DeviceId);
            Assert.Equal(0x10000u + (uint)i, endpoint.Domain);
            Assert.Equal(0x010400u, endpoint.ClassCode);
        }

        Assert.Empty(detection.Unsupported);
    }

    [Fact]
    public void Rst_companion_09ab_is_never_a_vmd()
    {
        SimulatedMachine machine = MachineCatalog.Create("empty"); // has 8086:09ab at 00:0e.0

        VmdDetection detection = VmdDetector.Detect(machine.HostConfig);

        Assert.Empty(detection.Endpoints);
        Assert.Empty(detection.Unsupported);
        Assert.Throws<ArgumentException>(() => new VmdHostOptions().AddDevice(0x09AB, VmdFeatures.Client));
    }

    [Fact]
    public void Unlisted_raid_class_intel_function_is_reported_unsupported_with_how_to_declare_it()
    {
        SimulatedMachine machine = TestMachines.With(TestMachines.Client(deviceId: 0x1234));

        VmdDetection detection = VmdDetector.Detect(machine.HostConfig);

        Assert.Empty(detection.Endpoints);
        UnsupportedFunction unsupported = Assert.Single(detection.Unsupported);
        Assert.Equal(0x1234, unsupported.DeviceId);
        Assert.Contains("8086:1234", unsupported.Reason, StringComparison.Ordinal);
        Assert.Contains("AddDevice", unsupported.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_declared_id_is_detected_with_the_features_the_host_gave()
    {
        SimulatedMachine machine = TestMachines.With(TestMachines.Client(deviceId: 0x1234));
        var options = new VmdHostOptions().AddDevice(0x1234, VmdFeatures.Client, "future part");

        VmdEndpoint endpoint = Assert.Single(VmdDetector.Detect(machine.HostConfig, options).Endpoints);

        Assert.True(endpoint.Device.SuppliedByHost);
        Assert.Equal(VmdFeatures.Client, endpoint.Device.Features);
        Assert.Equal("future part", endpoint.Device.Platform);
    }

    [Fact]
    public void A_known_id_cannot_be_redeclared()
    {
        Assert.Throws<ArgumentException>(() => new VmdHostOptions().AddDevice(0x9A0B, VmdFeatures.None));
    }

    [Fact]
    public void Domains_start_above_every_host_segment()
    {
        SimulatedMachine machine = MachineCatalog.Create("two-vmd");
        var options = new VmdHostOptions().SetHostSegments(0, 0x10004);

        VmdDetection detection = VmdDetector.Detect(machine.HostConfig, options);

        Assert.Equal(0x10005u, detection.Endpoints[0].Domain);
        Assert.Equal(0x10006u, detection.Endpoints[1].Domain);
    }

    [Fact]
    public void Every_id_of_the_hardware_digest_is_known_with_its_features()
    {
        var expected = new Dictionary<ushort, VmdFeatures>
        {
            [0x201D] = VmdFeatures.MemBarShadowVendorCapability,
            [0x28C0] = VmdFeatures.MemBarShadow | VmdFeatures.BusRestrictions | VmdFeatures.CanBypassMsiRemap,
            [0x467F] = VmdFeatures.Client,
            [0x4C3D] = VmdFeatures.Client,
            [0x9A0B] = VmdFeatures.Client,
            [0xA77F] = VmdFeatures.Client,
            [0x7D0B] = VmdFeatures.Client,
            [0xAD0B] = VmdFeatures.Client | VmdFeatures.SecondRootBus,
            [0xB60B] = VmdFeatures.Client | VmdFeatures.SecondRootBus,
            [0xB06F] = VmdFeatures.Client | VmdFeatures.SecondRootBus,
            [0xB07F] = VmdFeatures.Client | VmdFeatures.SecondRootBus,
        };

        Assert.Equal(VmdDeviceTable.Count, expected.Count);
        for (int i = 0; i < VmdDeviceTable.Count; i++)
        {
            ushort id = VmdDeviceTable.GetDeviceId(i);
            Assert.True(VmdDeviceTable.TryGet(id, out VmdDeviceInfo? info));
            Assert.Equal(expected[id], info.Features);
        }

        Assert.Equal((VmdFeatures)0x2E, VmdFeatures.Client);
        Assert.Equal((VmdFeatures)0x40, VmdFeatures.SecondRootBus);
        Assert.False(VmdDeviceTable.TryGet(0x09AB, out _));
    }

    [Fact]
    public void Scan_costs_one_read_per_absent_device_slot()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        long before = machine.Counters.HostConfigReads;

        VmdDetection detection = VmdDetector.Detect(machine.HostConfig);

        long reads = machine.Counters.HostConfigReads - before;
        Assert.Equal(reads, detection.ConfigReads);
        // 256 buses × 32 slots: one Vendor ID read each (8192). The four host functions (all Intel) add a
        // header-type read, a device-ID read and a class read each (12); the multi-function ISA bridge at
        // 00:1f adds one Vendor ID read for each of functions 1–7 (7).
        Assert.Equal(8192 + 12 + 7, reads);
    }

    [Fact]
    public void Detection_writes_nothing()
    {
        SimulatedMachine machine = MachineCatalog.Create("icelake-sp");

        VmdDetector.Detect(machine.HostConfig);

        Assert.Equal(0, machine.Counters.HostConfigWrites);
    }
}
