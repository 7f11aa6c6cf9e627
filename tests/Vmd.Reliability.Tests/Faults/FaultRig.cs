using System;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vmd.Core;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;
using Vmd.Simulation.Faults;
using Vmd.Simulation.Machines;

namespace Vmd.Reliability.Tests.Faults;

/// <summary>One catalog machine seen through the fault-injecting wrappers, with one controller on them.</summary>
internal sealed class FaultRig
{
    public FaultRig(string machine)
    {
        // Every clock read moves time on, so the library's waits end without a wall-clock sleep.
        Time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(500) };
        Machine = MachineCatalog.Create(machine, Time);
        Host = new FaultingConfigSpace(Machine.HostConfig, Injector);
        Mapper = new FaultingMmioMapper(Machine.Memory, Injector);
        Interrupts = new FaultingInterruptController(Machine.Interrupts, Injector);
        BaselineHostVectors = Machine.Interrupts.AllocatedCount;
        Vmd = VmdHost.Detect(Host, Mapper, new VmdHostOptions { TimeProvider = Time }).Controllers[0];
    }

    public FakeTimeProvider Time { get; }

    public SimulatedMachine Machine { get; }

    public FaultInjector Injector { get; } = new();

    public FaultingConfigSpace Host { get; }

    public FaultingMmioMapper Mapper { get; }

    public FaultingInterruptController Interrupts { get; }

    public VmdController Vmd { get; }

    public int BaselineHostVectors { get; }

    /// <summary>Runs the bring-up steps from the controller's state up to InterruptsRouted; the step that failed, or null.</summary>
    public VmdStep? BringUp()
    {
        while (Vmd.State < VmdState.InterruptsRouted)
        {
            VmdStep step = Vmd.State switch
            {
                VmdState.Detected => VmdStep.Map,
                VmdState.Mapped => VmdStep.Enable,
                VmdState.Enabled => VmdStep.Enumerate,
                _ => VmdStep.RouteInterrupts,
            };
            bool ok = step switch
            {
                VmdStep.Map => Vmd.TryMap(),
                VmdStep.Enable => Vmd.TryEnable(),
                VmdStep.Enumerate => Vmd.TryEnumerate(),
                _ => Vmd.TryRouteInterrupts(Interrupts, new InterruptRoutingOptions()),
            };
            if (!ok)
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>What a retry must reproduce: fingerprint, every function's BARs as CPU addresses, the interrupt mode and vector count.</summary>
    public string Signature()
    {
        var text = new StringBuilder();
        text.Append("fingerprint ").Append(Vmd.Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" state ").Append(Vmd.State)
            .Append(" mode ").Append(Vmd.State == VmdState.InterruptsRouted ? Vmd.RoutingMode.ToString() : "-")
            .Append(" vectors ").Append(Vmd.Vectors?.ActiveCount ?? 0)
            .Append(" degraded ").Append(Vmd.InterruptDegradedReason ?? "no").Append('\n');
        foreach (PciFunction function in Vmd.Functions)
        {
            text.Append(function.Address.ToString()).Append(' ').Append(function.VendorId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture))
                .Append(':').Append(function.DeviceId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            for (int i = 0; i < function.BarCount; i++)
            {
                if (function.Bars[i].Kind is not PciBarKind.None)
                {
                    text.Append(" bar").Append(i).Append('=').Append(function.GetBarCpuAddress(i).ToString("x", System.Globalization.CultureInfo.InvariantCulture))
                        .Append('+').Append(function.Bars[i].Size.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Leaks against the state the controller is in: null when none, else what leaked.</summary>
    public string? Leaks()
    {
        var problems = new StringBuilder();
        if (Vmd.State == VmdState.Detected && Mapper.LiveRegions != 0)
        {
            problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Mapper.LiveRegions} regions mapped in state Detected; ");
        }

        if (Vmd.State < VmdState.InterruptsRouted && Interrupts.LiveVectors != 0)
        {
            problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"{Interrupts.LiveVectors} host vectors held in state {Vmd.State}; ");
        }

        if (Mapper.LiveRegions != Machine.Counters.ActiveMappings)
        {
            problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"wrapper sees {Mapper.LiveRegions} regions, the machine {Machine.Counters.ActiveMappings}; ");
        }

        if (Interrupts.LiveVectors != Machine.Interrupts.AllocatedCount - BaselineHostVectors)
        {
            problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"wrapper sees {Interrupts.LiveVectors} vectors, the machine {Machine.Interrupts.AllocatedCount - BaselineHostVectors}; ");
        }

        return problems.Length == 0 ? null : problems.ToString();
    }

    /// <summary>Disposes the controller and checks nothing stays mapped or allocated: null when clean.</summary>
    public string? TearDown()
    {
        Injector.Remove();
        Vmd.Dispose();
        string? leaks = Leaks();
        if (Mapper.LiveRegions != 0 || Machine.Counters.ActiveMappings != 0 || Interrupts.LiveVectors != 0 || Machine.Interrupts.AllocatedCount != BaselineHostVectors)
        {
            leaks = (leaks ?? string.Empty) + $"after Dispose: {Mapper.LiveRegions} regions, {Interrupts.LiveVectors} vectors, machine {Machine.Counters.ActiveMappings} mappings and {Machine.Interrupts.AllocatedCount - BaselineHostVectors} vectors";
        }

        return leaks;
    }
}
