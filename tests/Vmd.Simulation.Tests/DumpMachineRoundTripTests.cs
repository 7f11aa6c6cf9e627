using System;
using System.Text;
using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Dumps;
using Vmd.Simulation.Dumps.Import;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>
/// Every built-in machine printed as 'lspci -D -vv -xxxx' would print it (a test-local formatter), imported again: each
/// function comes back at its place with the same bytes and BAR sizes.
/// </summary>
public sealed class DumpMachineRoundTripTests
{
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (MachineInfo info in MachineCatalog.All)
        {
            names.Add(info.Name);
        }

        return names;
    }

    /// <summary>What 'lspci -D -vv -xxxx' would print for <paramref name="machine"/>: the project's own writer, with sizes.</summary>
    internal static string Print(SimulatedMachine machine) => LspciDumpWriter.ToText(machine, LspciDumpWriter.ExtendedBytes, withSizes: true);

    private static SimulatedFunction? Find(SimulatedMachine machine, PciAddress address)
    {
        if (address.Segment == 0)
        {
            return machine.FindHostFunction(address);
        }

        SimulatedVmd vmd = machine.Vmds[(int)(address.Segment - MachineBuilder.FirstDomainSegment)];
        if (!vmd.SplitsRootBuses || address.Bus >= vmd.BusStart)
        {
            return vmd.FindFunction(address.Bus, address.Device, address.Function);
        }

        return vmd.FindFunctionAtIndex((vmd.BusRange1 & 0xFF) + address.Bus - SimulatedVmd.SecondRootBusNumber, address.Device, address.Function);
    }

    /// <summary>
    /// The masks the importer derives from the PCI rules match the device models', except on a bridge whose I/O window
    /// reads 0/0: the importer takes it as not implemented (as on hardware without one), the models implement it.
    /// </summary>
    private static void AssertSameMasks(DumpFunction function, SimulatedFunction before, SimulatedFunction after)
    {
        bool ioWindowAssumedAbsent = before.IsBridge && function.Read16(Type1Header.IoBase) == 0;
        for (ushort offset = 0; offset < SimulatedFunction.ConfigSpaceSize; offset += 4)
        {
            uint writable = before.GetWritable(offset, 4);
            uint expectedWritable = writable;
            if (ioWindowAssumedAbsent && offset == PciHeader.Command)
            {
                expectedWritable &= ~(uint)PciCommand.IoSpaceEnable;
            }
            else if (ioWindowAssumedAbsent && offset == Type1Header.IoBase)
            {
                expectedWritable &= 0xFFFF_0000;
            }
            else if (ioWindowAssumedAbsent && offset == Type1Header.IoBaseUpper16)
            {
                expectedWritable = 0;
            }

            Assert.True(expectedWritable == after.GetWritable(offset, 4), $"{function.Address} +0x{offset:x3}: writable {writable:x8} became {after.GetWritable(offset, 4):x8}");
            Assert.True(before.GetWriteOneToClear(offset, 4) == after.GetWriteOneToClear(offset, 4), $"{function.Address} +0x{offset:x3}: RW1C {before.GetWriteOneToClear(offset, 4):x8} became {after.GetWriteOneToClear(offset, 4):x8}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_built_in_machine_comes_back_function_for_function(string name)
    {
        SimulatedMachine original = MachineCatalog.Create(name);
        string text = Print(original);
        DumpFile dump = LspciDumpReader.Parse(text);

        SimulatedMachine imported = DumpMachineBuilder.Build(dump, name, null, out ImportReport report);

        Assert.Empty(report.Skipped);
        Assert.DoesNotContain(report.Assumptions, a => a.Register.Contains("size", StringComparison.Ordinal));
        Assert.Equal(original.Vmds.Count, imported.Vmds.Count);
        Assert.Equal(original.Vmds.Count, report.VmdCount);
        foreach (DumpFunction function in dump.Functions)
        {
            SimulatedFunction before = Find(original, function.Address)!;
            SimulatedFunction? after = Find(imported, function.Address);
            Assert.True(after is not null, $"{function.Address} was not placed");
            Assert.True(before.ConfigBytes.SequenceEqual(after!.ConfigBytes), $"{function.Address} bytes differ");
            for (int i = 0; i < Type0Header.BarCount; i++)
            {
                Assert.Equal(before.GetBarSize(i), after.GetBarSize(i));
            }

            Assert.Equal(before.IsBridge, after.IsBridge);
            AssertSameMasks(function, before, after);
        }

        for (int k = 0; k < imported.Vmds.Count; k++)
        {
            Assert.Equal(original.Vmds[k].Address, imported.Vmds[k].Address);
            Assert.Equal(original.Vmds[k].BusStart, imported.Vmds[k].BusStart);
            Assert.Equal(original.Vmds[k].SplitsRootBuses, imported.Vmds[k].SplitsRootBuses);
            Assert.Equal(original.Vmds[k].MsixTable.EntryCount, imported.Vmds[k].MsixTable.EntryCount);
            Assert.Equal(original.Vmds[k].HasMemBar2Shadow, imported.Vmds[k].HasMemBar2Shadow);
            Assert.Equal(original.Vmds[k].MemBar1HostPhysical, imported.Vmds[k].MemBar1HostPhysical);
        }
    }

    [Theory]
    [InlineData("tigerlake", 4096)]
    [InlineData("skylake-sp", 4096)]
    [InlineData("arrowlake-s", 256)]
    public void The_exporters_text_imports_with_default_bar_sizes(string name, int bytesPerFunction)
    {
        SimulatedMachine original = MachineCatalog.Create(name);
        DumpFile dump = LspciDumpReader.Parse(Dumps.LspciDumpWriter.ToText(original, bytesPerFunction));

        SimulatedMachine imported = DumpMachineBuilder.Build(dump, name, null, out ImportReport report);

        Assert.Empty(report.Skipped);
        Assert.Contains(report.Assumptions, a => a.Register == "CFGBAR (BAR0) size");
        foreach (DumpFunction function in dump.Functions)
        {
            SimulatedFunction after = Find(imported, function.Address)!;
            Assert.True(function.Bytes.SequenceEqual(after.ConfigBytes[..function.Length]), $"{function.Address} bytes differ");
        }
    }
}
