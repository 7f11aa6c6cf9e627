using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Vmd.Simulation.Machines.Catalog;

namespace Vmd.Simulation.Machines;

/// <summary>
/// The built-in machines, each a fresh instance on every call, with firmware state (BAR addresses, bridge bus
/// numbers and windows) as a BIOS leaves it. docs/machines.md describes each one and which facts are real.
/// </summary>
public static class MachineCatalog
{
    /// <summary>The machine used when none is named.</summary>
    public const string DefaultName = "tigerlake";

    /// <summary>Every built-in machine, in a stable order.</summary>
    public static IReadOnlyList<MachineInfo> All =>
    [
        new("tigerlake", "Tiger Lake laptop: VMD 9a0b at 00:0e.0, buses e0-ff, one CPU root port with a Samsung NVMe"),
        new("tigerlake-dummy", "Tiger Lake: PCH root port at e0:1c.4 behind the 09ab companion at e0:1c.0, WD NVMe"),
        new("alderlake", "Alder Lake laptop: VMD 467f, CPU root port + NVMe, SATA AHCI at e0:17.0, PCH root port + NVMe"),
        new("meteorlake", "Meteor Lake laptop: VMD 7d0b with 16 MiB MEMBAR1/MEMBAR2, one root port with an NVMe"),
        new("skylake-sp", "Skylake-SP server: VMD 201d at 5d:05.5, buses 00-1f, four root ports, a switch, three NVMe"),
        new("icelake-sp", "Ice Lake-SP server: two VMD 28c0 (buses 00-1f and 80-9f), MEMBAR2 shadow registers, three NVMe"),
        new("guest", "Virtual machine: VMD 9a0b passed through with the SHDW capability, host-physical MEMBARs differ"),
        new("two-vmd", "Server with two VMD 201d (5d:05.5 and d7:05.5), one root port and NVMe each"),
        new("arrowlake-s", "Arrow Lake-S desktop: VMD ad0b, VMCONFIG 3, CPU root port + NVMe on bus e0, second root bus 80 with a chipset root port + NVMe, SATA and 09ab"),
        new("arrowlake-s-nofeature", "As arrowlake-s, but the VMD reports 7d0b, an ID without the second root bus: a driver must refuse VMCONFIG 3"),
        new("empty", "No VMD: host bridge, VGA, host root port with an NVMe, and an 09ab companion that is not a VMD"),
    ];

    /// <summary>Builds the machine called <paramref name="name"/> (case-sensitive); false when there is none.</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out SimulatedMachine? machine)
    {
        machine = null;
        foreach (MachineInfo info in All)
        {
            if (info.Name == name)
            {
                machine = Create(info);
                return true;
            }
        }

        return false;
    }

    /// <summary>Builds the machine called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No built-in machine has that name.</exception>
    public static SimulatedMachine Create(string name) =>
        TryCreate(name, out SimulatedMachine? machine)
            ? machine
            : throw new ArgumentException($"There is no built-in machine called '{name}'.", nameof(name));

    /// <summary>Builds the machine called <paramref name="name"/> with <paramref name="timeProvider"/> as its clock (a test passes a <c>FakeTimeProvider</c>).</summary>
    /// <exception cref="ArgumentException">No built-in machine has that name.</exception>
    public static SimulatedMachine Create(string name, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        SimulatedMachine machine = Create(name);
        machine.Fabric.Time = timeProvider;
        return machine;
    }

    private static SimulatedMachine Create(MachineInfo info) => info.Name switch
    {
        "tigerlake" => ClientMachines.TigerLake(info.Name, info.Description),
        "tigerlake-dummy" => ClientMachines.TigerLakeWithCompanion(info.Name, info.Description),
        "alderlake" => ClientMachines.AlderLake(info.Name, info.Description),
        "meteorlake" => ClientMachines.MeteorLake(info.Name, info.Description),
        "skylake-sp" => ServerMachines.SkylakeServer(info.Name, info.Description),
        "icelake-sp" => ServerMachines.IceLakeServer(info.Name, info.Description),
        "guest" => OtherMachines.Guest(info.Name, info.Description),
        "two-vmd" => ServerMachines.TwoVmds(info.Name, info.Description),
        "arrowlake-s" => ClientMachines.ArrowLakeS(info.Name, info.Description, 0xAD0B),
        "arrowlake-s-nofeature" => ClientMachines.ArrowLakeS(info.Name, info.Description, 0x7D0B),
        _ => OtherMachines.WithoutVmd(info.Name, info.Description),
    };
}
