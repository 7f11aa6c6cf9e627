using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core.Diagnostics;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Step 5: a domain reset brings back the same device list and fingerprint, and the drives answer again.</summary>
public sealed class ResetTests
{
    private static (SimulatedMachine Machine, VmdController Vmd, FakeTimeProvider Time) Routed(string name, InterruptRoutingMode mode = InterruptRoutingMode.Remapped)
    {
        // Every clock read moves time on, so the driver's waits end without a wall-clock sleep.
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(100) };
        SimulatedMachine machine = MachineCatalog.Create(name, time);
        var options = new VmdHostOptions { TimeProvider = time };
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated, options: options);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts, new InterruptRoutingOptions { Mode = mode }), vmd.LastFailure?.ToString());
        return (machine, vmd, time);
    }

    private static IdentifyResult Identify(SimulatedMachine machine, VmdController vmd, PciFunction drive) => TestDrives.Identify(machine, vmd, drive);

    private static List<PciFunction> Drives(VmdController vmd)
    {
        var drives = new List<PciFunction>();
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                drives.Add(function);
            }
        }

        return drives;
    }

    [Theory]
    [InlineData("tigerlake", InterruptRoutingMode.Remapped)]
    [InlineData("alderlake", InterruptRoutingMode.Remapped)]
    [InlineData("skylake-sp", InterruptRoutingMode.Remapped)]
    [InlineData("icelake-sp", InterruptRoutingMode.Bypass)]
    public void Reset_restores_the_device_list_and_fingerprint_and_identify_works_again(string name, InterruptRoutingMode mode)
    {
        var (machine, vmd, _) = Routed(name, mode);
        ulong fingerprint = vmd.Fingerprint;
        int functions = vmd.Functions.Length;

        ResetReport report = vmd.Reset();

        Assert.True(report.Restored, string.Join("; ", report.PortResults));
        Assert.Equal(fingerprint, vmd.Fingerprint);
        Assert.Equal(functions, vmd.Functions.Length);
        Assert.Equal(VmdState.InterruptsRouted, vmd.State);
        Assert.Equal(mode, vmd.RoutingMode);
        DomainInvariants.Check(vmd);
        foreach (PciFunction drive in Drives(vmd))
        {
            IdentifyResult result = Identify(machine, vmd, drive);
            Assert.True(result.Passed, $"{drive.Address}: {result.Error} deliveries={result.Deliveries}");
        }
    }

    [Fact]
    public void Reset_restores_the_same_domain_when_hardware_forgets_everything_firmware_programmed()
    {
        var (machine, vmd, _) = Routed("alderlake");
        foreach (PciFunction function in vmd.Functions)
        {
            machine.Vmds[0].FindFunction(function.Address.Bus, function.Address.Device, function.Address.Function)!.ResetLosesFirmwareSettings = true;
        }

        ulong fingerprint = vmd.Fingerprint;

        ResetReport report = vmd.Reset();

        Assert.True(report.Restored, string.Join("; ", report.PortResults));
        Assert.Equal(fingerprint, vmd.Fingerprint);
        DomainInvariants.Check(vmd);
        foreach (PciFunction drive in Drives(vmd))
        {
            Assert.True(Identify(machine, vmd, drive).Passed);
        }
    }

    [Fact]
    public void Secondary_bus_reset_is_held_at_least_1_ms_and_nothing_below_is_asked_for_100_ms()
    {
        var (machine, vmd, _) = Routed("alderlake");

        vmd.Reset();

        int ports = 0;
        foreach (PciAddress address in new[] { new PciAddress(0, 0xE0, 6, 0), new PciAddress(0, 0xE0, 0x1D, 0) })
        {
            SimulatedFunction port = machine.Vmds[0].FindFunction(address.Bus, address.Device, address.Function)!;
            SecondaryBusResetRecord record = Assert.Single(port.SecondaryBusResets);
            Assert.True(record.HoldTime >= TimeSpan.FromMilliseconds(1), $"held {record.HoldTime}");
            Assert.True(record.FirstConfigRequestDelay >= TimeSpan.FromMilliseconds(100), $"first request after {record.FirstConfigRequestDelay}");
            ports++;
        }

        Assert.Equal(2, ports);
    }

    [Fact]
    public void Handlers_attached_before_the_reset_are_attached_again()
    {
        var (machine, vmd, _) = Routed("alderlake");
        var sink = NSubstitute.Substitute.For<IInterruptSink>();
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e1:00.0"), 0, sink, 7, out _));
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e0:17.0"), 0, sink, 8, out _));

        vmd.Reset();

        Assert.Equal(2, vmd.InterruptRoutes.Count);
        Assert.Contains(vmd.InterruptRoutes, r => r.Function == PciAddress.Parse("10000:e1:00.0") && r.Cookie == 7);
        Assert.Contains(vmd.InterruptRoutes, r => r.Function == PciAddress.Parse("10000:e0:17.0") && r.Cookie == 8);
    }

    [Fact]
    public void A_drive_that_never_comes_back_is_removed_with_a_diagnostic_and_the_rest_returns()
    {
        var (machine, vmd, _) = Routed("alderlake");
        machine.Vmds[0].FindFunction(0xE2, 0, 0)!.NeverReadyAfterReset = true;

        ResetReport report = vmd.Reset();

        Assert.False(report.Restored);
        Assert.Equal([PciAddress.Parse("10000:e2:00.0")], report.Lost);
        Assert.Equal(report.FunctionsBefore - 1, report.FunctionsAfter);
        Assert.Contains(report.PortResults, line => line.Contains("NotResponding", StringComparison.Ordinal));
        IdentifyResult survivor = Identify(machine, vmd, Drives(vmd)[0]);
        Assert.True(survivor.Passed, survivor.Error);
    }

    [Fact]
    public void Resume_puts_back_the_remapping_firmware_changed_and_the_drive_answers()
    {
        var (machine, vmd, _) = Routed("tigerlake");
        var sink = NSubstitute.Substitute.For<IInterruptSink>();
        Assert.True(vmd.TryAttachInterrupt(PciAddress.Parse("10000:e0:06.0"), 0, sink, 3, out _));

        vmd.Suspend();
        Assert.True(vmd.IsSuspended);
        Assert.Equal(0, machine.Interrupts.AllocatedCount);
        // Firmware turned remapping off across the sleep (digest §10.2).
        machine.Vmds[0].Function.Write16(VmdRegisters.VmConfig, (ushort)(machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) | VmdRegisters.VmConfigMsiRemapDisable));

        Assert.True(vmd.TryResume());

        Assert.False(vmd.IsSuspended);
        Assert.Equal(VmdState.InterruptsRouted, vmd.State);
        Assert.Equal(0, machine.Vmds[0].Function.Read16(VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable);
        Assert.Contains(vmd.InterruptRoutes, r => r.Cookie == 3);
        Assert.True(Identify(machine, vmd, Drives(vmd)[0]).Passed);
    }

    [Fact]
    public void Resume_without_suspend_names_what_it_needs()
    {
        var (_, vmd, _) = Routed("tigerlake");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => vmd.TryResume());

        Assert.Contains("Resume needs a suspended VMD", error.Message, StringComparison.Ordinal);
        Assert.Contains("not suspended", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Function_level_reset_restores_bars_decode_and_the_routed_msix_entry()
    {
        var (machine, vmd, _) = Routed("tigerlake");
        PciFunction drive = Drives(vmd)[0];
        var sink = NSubstitute.Substitute.For<IInterruptSink>();
        Assert.True(vmd.TryAttachInterrupt(drive.Address, 0, sink, 5, out ChildInterrupt? route));
        uint bar0 = vmd.Domain!.Read32(drive.Address, PciHeader.BaseAddress(0));
        ushort command = vmd.Domain.Read16(drive.Address, PciHeader.Command);
        Vmd.Simulation.Memory.MsixTable table = Vmd.Simulation.Devices.NvmeEndpoint.TryGet(machine.Vmds[0].FindFunction(0xE1, 0, 0)!, out var nvme)
            ? nvme.MsixTable : throw new Xunit.Sdk.XunitException("no NVMe model");
        MsiMessage message = table.GetMessage(0);

        Assert.True(vmd.TryResetFunction(drive.Address), vmd.LastFailure?.ToString());

        Assert.Equal(bar0, vmd.Domain.Read32(drive.Address, PciHeader.BaseAddress(0)));
        Assert.Equal(command, vmd.Domain.Read16(drive.Address, PciHeader.Command));
        Assert.Equal(message, table.GetMessage(0));
        Assert.False(table.IsMasked(0));
        vmd.DetachInterrupt(route);
        Assert.True(Identify(machine, vmd, drive).Passed);
    }

    [Fact]
    public void Function_level_reset_is_refused_for_a_function_without_it()
    {
        var (_, vmd, _) = Routed("tigerlake");

        Assert.False(vmd.TryResetFunction(PciAddress.Parse("10000:e0:06.0")));

        Assert.Contains("does not advertise function-level reset", vmd.LastFailure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_before_enumeration_names_the_state_it_needs()
    {
        SimulatedMachine machine = MachineCatalog.Create("tigerlake");
        VmdController vmd = Bringup.To(machine, VmdState.Enabled);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => vmd.Reset());

        Assert.Contains("Reset needs state Enumerated", error.Message, StringComparison.Ordinal);
    }
}
