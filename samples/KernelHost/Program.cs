using System;
using KernelHost.Bringup;
using KernelHost.Interrupts;
using KernelHost.Logging;
using KernelHost.Simulated;
using Microsoft.Extensions.Logging;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace KernelHost;

/// <summary>
/// Boots the sample kernel on a simulated catalog machine: <c>KernelHost [machine]</c> (default tigerlake).
/// Exit code 0 when every drive answered Identify through the VMD's MSI-X, 1 when a step failed, 2 for a bad argument.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string name = args.Length > 0 ? args[0] : MachineCatalog.DefaultName;
        if (args.Length > 1 || !MachineCatalog.TryCreate(name, out SimulatedMachine? machine))
        {
            Console.Error.WriteLine($"usage: KernelHost [machine]; machines: {string.Join(", ", MachineNames())}");
            return 2;
        }

        // Firmware and the CPU: on hardware these come from ACPI and the IDT, here from the simulated machine.
        var platform = new SimulatedPlatform(machine);
        var table = new InterruptTable();
        platform.ConnectInterrupts(table);
        KernelPorts ports = KernelPorts.Over(platform, platform, table, platform.Info);

        Console.WriteLine($"kernel: booting on '{machine.Name}': {machine.Description}");
        Console.WriteLine($"kernel: ECAM at {platform.Info.EcamBase:x}, APIC {platform.Info.ApicId}, device vectors {platform.Info.FirstVector:x2}-{platform.Info.FirstVector + (uint)platform.Info.VectorCount - 1:x2}");
        using var log = new KernelLog(Console.Out, LogLevel.Warning);
        BringupReport report;
        try
        {
            report = KernelBringup.Run(ports, machine.TimeProvider, log);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // A port contract broken by the kernel's own code: say which, as a panic message would.
            Console.Error.WriteLine($"kernel: bring-up aborted: {e.Message}");
            return 1;
        }

        foreach (string line in report.Lines)
        {
            Console.WriteLine("  " + line);
        }

        if (!report.Succeeded)
        {
            Console.Error.WriteLine($"kernel: bring-up failed: {report.Failure ?? "no drive answered"}");
            return 1;
        }

        Console.WriteLine($"kernel: {report.IdentifyPassed} of {report.Drives} NVMe drive(s) answered Identify through the VMD's MSI-X");
        return 0;
    }

    private static string[] MachineNames()
    {
        var names = new string[MachineCatalog.All.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = MachineCatalog.All[i].Name;
        }

        return names;
    }
}
