using System;
using System.Collections.Generic;
using System.Text;
using Vmd.Core.Diagnostics;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Dumps;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>The bring-up steps on a machine imported from an lspci dump run as on a built-in machine.</summary>
public sealed class DumpImportTests
{
    /// <summary>The hand-written Tiger Lake client dump of the importer tests (one copy, linked from Vmd.Simulation.Tests).</summary>
    private const string TigerLakeClient = Vmd.Simulation.Tests.DumpMachineTexts.TigerLakeClient;

    private static SimulatedMachine Imported(out ImportReport report) => DumpMachineBuilder.Build(TigerLakeClient, "imported", null, out report);

    private static string[] Listing(VmdController vmd)
    {
        var lines = new List<string>();
        foreach (PciFunction function in vmd.Functions)
        {
            lines.Add($"{function.Address} {function.VendorId:x4}:{function.DeviceId:x4}");
        }

        return lines.ToArray();
    }

    [Fact]
    public void Detect_map_enable_and_enumerate_list_the_dumped_functions()
    {
        SimulatedMachine machine = Imported(out ImportReport report);
        Assert.Empty(report.Skipped);

        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);

        Assert.Equal(new PciAddress(0, 0, 0x0E, 0), vmd.Endpoint.Address);
        Assert.Equal(["10000:e0:06.0 8086:9a09", "10000:e1:00.0 144d:a80a"], Listing(vmd));
        DomainInvariants.Check(vmd);
    }

    [Fact]
    public void The_imported_drive_answers_identify_through_remapped_interrupts()
    {
        SimulatedMachine machine = Imported(out _);
        VmdController vmd = Bringup.To(machine, VmdState.Enumerated);
        Assert.True(vmd.TryRouteInterrupts(machine.Interrupts, null), vmd.LastFailure?.ToString());
        PciFunction drive = TestDrives.Find(vmd, new PciAddress(0x10000, 0xE1, 0, 0));

        IdentifyResult result = TestDrives.Identify(machine, vmd, drive);

        Assert.True(result.Passed, $"{result.Error} completed={result.Completed} status={result.Status} deliveries={result.Deliveries}");
        Assert.Equal(0x144D, result.VendorId);
    }

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (MachineInfo info in MachineCatalog.All)
        {
            names.Add(info.Name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bring_up_on_a_re_imported_built_in_machine_matches_the_original(string name)
    {
        SimulatedMachine original = MachineCatalog.Create(name);
        SimulatedMachine imported = DumpMachineBuilder.Build(Print(original), name, null, out ImportReport report);
        Assert.Empty(report.Skipped);

        Assert.Equal(Outcome(original), Outcome(imported));
    }

    /// <summary>Each VMD's bring-up as text: detected address, step results, failure kind, then the enumerated functions.</summary>
    private static string Outcome(SimulatedMachine machine)
    {
        var text = new StringBuilder();
        foreach (VmdController vmd in VmdHost.Detect(machine.HostConfig, machine.Memory).Controllers)
        {
            bool ok = vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate();
            text.Append(vmd.Endpoint.Address.ToString()).Append(' ').Append(ok).Append(' ').Append(vmd.State).Append(' ').Append(vmd.LastFailure?.ToString()).Append('\n');
            if (ok)
            {
                text.AppendJoin('\n', Listing(vmd)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>What 'lspci -D -vv -xxxx' would print for <paramref name="machine"/>: the project's own writer, with sizes.</summary>
    private static string Print(SimulatedMachine machine) => LspciDumpWriter.ToText(machine, LspciDumpWriter.ExtendedBytes, withSizes: true);
}
