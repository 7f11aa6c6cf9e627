using System;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>
/// A root port left holding Secondary Bus Reset (an earlier kernel's reset whose deassert never arrived) keeps its
/// drive in reset, so a plain walk finds nothing below it: the first enumeration releases it, with the reset's waits,
/// and finds the drive (log 1021).
/// </summary>
public sealed class HeldRootPortTests
{
    [Fact]
    public void The_first_enumeration_releases_a_root_port_left_in_secondary_bus_reset_and_finds_its_drive()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(100) };
        SimulatedMachine machine = MachineCatalog.Create("tigerlake", time);
        SimulatedFunction port = machine.Vmds[0].FindFunction(0xE0, 6, 0)!;
        port.Write16(Type1Header.BridgeControl, (ushort)(port.Read16(Type1Header.BridgeControl) | (ushort)BridgeControl.SecondaryBusReset));
        var log = new RecordingLogger();
        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = time }, new RecordingLoggerFactory(log));
        VmdController vmd = host.Controllers[0];
        Assert.True(vmd.TryMap() && vmd.TryEnable());

        Assert.True(vmd.TryEnumerate());

        Assert.Equal(1, log.Count(1021));
        Assert.Equal(0, port.Read16(Type1Header.BridgeControl) & (ushort)BridgeControl.SecondaryBusReset);
        PciFunction drive = Assert.Single(vmd.Functions.ToArray(), f => f.ClassCode == ClassCodes.NvmExpress);
        Assert.True(drive.Assigned);
        DomainInvariants.Check(vmd);
    }

    [Fact]
    public void A_healthy_domain_releases_nothing_and_logs_nothing()
    {
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(100) };
        SimulatedMachine machine = MachineCatalog.Create("tigerlake", time);
        var log = new RecordingLogger();
        VmdHost host = VmdHost.Detect(machine.HostConfig, machine.Memory, new VmdHostOptions { TimeProvider = time }, new RecordingLoggerFactory(log));
        VmdController vmd = host.Controllers[0];
        Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate());

        Assert.Equal(0, log.Count(1021));
        Assert.Equal(2, vmd.Functions.Length);
    }
}
