using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Vmd.Registers;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Dumps;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

public sealed class LspciDumpWriterTests
{
    private static readonly string[] AllMachines = MachineCatalog.All.Select(info => info.Name).ToArray();

    public static IEnumerable<object[]> MachineNames() => AllMachines.Select(name => new object[] { name });

    /// <summary>One function's block of a dump: its header line and its hex lines.</summary>
    private sealed record Block(string Header, string[] Lines)
    {
        public string Address => Header[..Header.IndexOf(' ', StringComparison.Ordinal)];
    }

    private static List<Block> Blocks(string dump)
    {
        Assert.DoesNotContain('\r', dump);
        Assert.EndsWith("\n\n", dump, StringComparison.Ordinal);
        var blocks = new List<Block>();
        foreach (string text in dump[..^2].Split("\n\n"))
        {
            string[] lines = text.Split('\n');
            Assert.DoesNotContain(string.Empty, lines);
            blocks.Add(new Block(lines[0], lines[1..]));
        }

        return blocks;
    }

    private static string Dump(SimulatedMachine machine, int bytes = 4096) => LspciDumpWriter.ToText(machine, bytes);

    [Fact]
    public void WriteFunction_writes_the_header_sixteen_bytes_a_line_and_an_empty_line()
    {
        byte[] bytes = new byte[64];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(0xA0 + i);
        }

        bytes[0] = 0x4D;
        bytes[1] = 0x14;
        bytes[2] = 0x0A;
        bytes[3] = 0xA8;
        bytes[8] = 0x00;
        bytes[9] = 0x02;
        bytes[10] = 0x08;
        bytes[11] = 0x01;
        using var writer = new StringWriter();

        LspciDumpWriter.WriteFunction(new PciAddress(0x10000, 0xE1, 0, 0), bytes, writer);

        Assert.Equal(
            "10000:e1:00.0 Class 0108: Device 144d:a80a (rev 00)\n"
            + "00: 4d 14 0a a8 a4 a5 a6 a7 00 02 08 01 ac ad ae af\n"
            + "10: b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf\n"
            + "20: c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 ca cb cc cd ce cf\n"
            + "30: d0 d1 d2 d3 d4 d5 d6 d7 d8 d9 da db dc dd de df\n"
            + "\n",
            writer.ToString());
    }

    [Fact]
    public void WriteFunction_uses_three_digit_offsets_from_0x100_and_four_digit_domains()
    {
        byte[] bytes = new byte[4096];
        bytes[0xFFF] = 0xAB;
        bytes[0x100] = 0x01;
        using var writer = new StringWriter();

        LspciDumpWriter.WriteFunction(new PciAddress(0, 0x5D, 5, 5), bytes, writer);

        string[] lines = writer.ToString().Split('\n');
        Assert.Equal("0000:5d:05.5 Class 0000: Device 0000:0000 (rev 00)", lines[0]);
        Assert.Equal(1 + 256 + 2, lines.Length); // header, 256 hex lines, the empty line, the end after it
        Assert.StartsWith("f0: ", lines[1 + 15], StringComparison.Ordinal);
        Assert.Equal("100: 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", lines[1 + 16]);
        Assert.Equal("ff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ab", lines[256]);
        Assert.Equal(string.Empty, lines[257]);
        for (int line = 0; line < 256; line++)
        {
            string expectedOffset = line < 16 ? (line * 16).ToString("x2") : (line * 16).ToString("x3");
            Assert.Equal(expectedOffset + ":", lines[1 + line].Split(' ')[0]);
            Assert.Equal(17, lines[1 + line].Split(' ').Length);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(72)]
    [InlineData(4112)]
    public void WriteFunction_refuses_lengths_lspci_cannot_show(int length)
    {
        using var writer = new StringWriter();

        Assert.Throws<ArgumentOutOfRangeException>(() => LspciDumpWriter.WriteFunction(default, new byte[length], writer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(128)]
    [InlineData(512)]
    [InlineData(8192)]
    public void Write_accepts_only_64_256_or_4096_bytes(int bytes)
    {
        SimulatedMachine machine = TestHelpers.Machine();

        Assert.Throws<ArgumentOutOfRangeException>(() => LspciDumpWriter.Write(machine, TextWriter.Null, bytes));
    }

    [Theory]
    [InlineData(64, 4)]
    [InlineData(256, 16)]
    [InlineData(4096, 256)]
    public void Every_function_gets_the_asked_number_of_bytes(int bytes, int lines)
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");

        List<Block> blocks = Blocks(Dump(machine, bytes));

        Assert.Equal(LspciDumpWriter.ReachableFunctions(machine).Count, blocks.Count);
        foreach (Block block in blocks)
        {
            Assert.Equal(lines, block.Lines.Length);
            foreach (string line in block.Lines)
            {
                Assert.Matches("^[0-9a-f]{2,3}:( [0-9a-f]{2}){16}$", line);
            }
        }
    }

    [Fact]
    public void The_bytes_are_the_functions_registers_as_they_stand()
    {
        SimulatedMachine machine = TestHelpers.Machine("icelake-sp");

        List<Block> blocks = Blocks(Dump(machine));

        IReadOnlyList<KeyValuePair<PciAddress, SimulatedFunction>> functions = LspciDumpWriter.ReachableFunctions(machine);
        Assert.Equal(functions.Count, blocks.Count);
        for (int i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(functions[i].Key.ToString(), blocks[i].Address);
            Assert.Equal(
                Convert.ToHexString(functions[i].Value.ConfigBytes),
                Convert.ToHexString(TestHelpers.ParseLspciHex(string.Join('\n', blocks[i].Lines.Select(StripOffset)))));
        }
    }

    [Theory]
    [MemberData(nameof(MachineNames))]
    public void Functions_are_written_in_lspci_order_host_first(string name)
    {
        SimulatedMachine machine = TestHelpers.Machine(name);

        List<PciAddress> written = Blocks(Dump(machine)).Select(b => PciAddress.Parse(b.Address)).ToList();

        Assert.NotEmpty(written);
        Assert.Equal(written.Order().ToList(), written);
        Assert.Equal(written.Distinct().Count(), written.Count);
        Assert.Equal(0u, written[0].Segment);
        Assert.All(written, a => Assert.True(a.Segment == 0 || machine.Vmds.Any(v => v.DomainSegment == a.Segment)));
        foreach (SimulatedVmd vmd in machine.Vmds)
        {
            Assert.Contains(vmd.Address, written);
        }
    }

    [Fact]
    public void Domains_are_written_with_five_hex_digits_and_absolute_buses()
    {
        string dump = Dump(TestHelpers.Machine("icelake-sp"), 64);

        string[] headers = Blocks(dump).Select(b => b.Address).ToArray();

        Assert.Contains("10000:00:00.0", headers);
        Assert.Contains("10000:01:00.0", headers);
        Assert.Contains("10001:80:02.0", headers);
        Assert.Contains(headers, h => h.StartsWith("10001:81:", StringComparison.Ordinal));
    }

    [Fact]
    public void Tigerlake_writes_the_host_then_the_root_port_and_the_nvme()
    {
        string[] headers = Blocks(Dump(TestHelpers.Machine("tigerlake"), 64)).Select(b => b.Header).ToArray();

        Assert.Equal(
            [
                "0000:00:00.0 Class 0600: Device 8086:9a14 (rev 00)",
                "0000:00:02.0 Class 0300: Device 8086:9a49 (rev 00)",
                "0000:00:0e.0 Class 0104: Device 8086:9a0b (rev 00)",
                "0000:00:1f.0 Class 0601: Device 8086:a082 (rev 00)",
                "10000:e0:06.0 Class 0604: Device 8086:9a09 (rev 00)",
                "10000:e1:00.0 Class 0108: Device 144d:a80a (rev 00)",
            ],
            headers.Select(h => h[..(h.LastIndexOf('(') - 1)] + " (rev 00)"));
    }

    [Fact]
    public void Arrowlake_s_writes_both_root_buses()
    {
        SimulatedMachine machine = TestHelpers.Machine("arrowlake-s");
        Assert.True(machine.Vmds[0].SplitsRootBuses);

        string[] addresses = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();

        Assert.Contains(addresses, a => a.StartsWith("10000:80:", StringComparison.Ordinal));
        Assert.Contains(addresses, a => a.StartsWith("10000:81:", StringComparison.Ordinal));
        Assert.Contains("10000:e0:06.0", addresses);
        Assert.Contains("10000:e1:00.0", addresses);
    }

    [Fact]
    public void A_legacy_host_gets_256_bytes_for_its_own_functions_and_the_domain_keeps_4096()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        machine.HostConfigSpace.HasExtendedSpace = false;

        List<Block> blocks = Blocks(Dump(machine));

        Assert.All(blocks.Where(b => b.Address.StartsWith("0000:", StringComparison.Ordinal)), b => Assert.Equal(16, b.Lines.Length));
        Assert.All(blocks.Where(b => b.Address.StartsWith("10000:", StringComparison.Ordinal)), b => Assert.Equal(256, b.Lines.Length));
        Assert.Equal(4, Blocks(Dump(machine, 64)).First().Lines.Length);
    }

    [Fact]
    public void A_builder_host_without_extended_space_gets_256_bytes()
    {
        SimulatedFunction function = new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, 0x1234, 0x060000).Build();
        SimulatedMachine machine = TestHelpers.WithHostFunction(new PciAddress(0, 0, 0, 0), function, extendedSpace: false);

        List<Block> blocks = Blocks(Dump(machine));

        Block only = Assert.Single(blocks);
        Assert.Equal("0000:00:00.0 Class 0600: Device 8086:1234 (rev 00)", only.Header);
        Assert.Equal(16, only.Lines.Length);
    }

    [Fact]
    public void Functions_no_bus_number_routes_to_are_not_written()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedFunction port = machine.Vmds[0].RootBus.Get(6, 0)!;
        Assert.Contains("10000:e1:00.0", Blocks(Dump(machine, 64)).Select(b => b.Address));

        // Move the port's buses: the NVMe is now reached at e5, and nothing at e1.
        port.Set8(Type1Header.SecondaryBusNumber, 0xE5);
        port.Set8(Type1Header.SubordinateBusNumber, 0xE5);
        string[] moved = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();
        Assert.DoesNotContain("10000:e1:00.0", moved);
        Assert.Contains("10000:e5:00.0", moved);

        // Close the port's bus range: the NVMe is unreachable.
        port.Set8(Type1Header.SecondaryBusNumber, 0);
        port.Set8(Type1Header.SubordinateBusNumber, 0);
        string[] closed = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();
        Assert.DoesNotContain(closed, a => a.StartsWith("10000:e5", StringComparison.Ordinal) || a.StartsWith("10000:e1", StringComparison.Ordinal));
        Assert.Contains("10000:e0:06.0", closed);
    }

    [Fact]
    public void The_second_root_bus_is_not_written_when_the_vmd_does_not_split_the_buses()
    {
        SimulatedMachine machine = TestHelpers.Machine("arrowlake-s");
        SimulatedVmd vmd = machine.Vmds[0];
        vmd.Function.Set16(VmdRegisters.VmConfig, (ushort)(vmd.VmConfig & ~VmdRegisters.VmConfigBusStartMask | 0x0200));
        Assert.False(vmd.SplitsRootBuses);

        string[] addresses = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();

        Assert.DoesNotContain(addresses, a => a.StartsWith("10000:80:", StringComparison.Ordinal) || a.StartsWith("10000:81:", StringComparison.Ordinal));
        Assert.Contains("10000:e0:06.0", addresses);
    }

    [Fact]
    public void Functions_below_a_port_held_in_secondary_bus_reset_read_all_ones_and_are_not_written()
    {
        SimulatedMachine machine = TestHelpers.Machine("tigerlake");
        SimulatedFunction port = machine.Vmds[0].RootBus.Get(6, 0)!;
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        int start = machine.Vmds[0].BusStart;

        port.Write16(Type1Header.BridgeControl, (ushort)(port.Read16(Type1Header.BridgeControl) | (ushort)BridgeControl.SecondaryBusReset));

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32(TestHelpers.Ecam(start, 0xE1, 0, 0, 0)));
        string[] addresses = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();
        Assert.DoesNotContain("10000:e1:00.0", addresses);
        Assert.Contains("10000:e0:06.0", addresses);
    }

    [Fact]
    public void A_function_that_never_becomes_ready_after_a_reset_reads_all_ones_and_is_not_written()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        SimulatedMachine machine = MachineCatalog.Create("tigerlake", clock);
        SimulatedFunction port = machine.Vmds[0].RootBus.Get(6, 0)!;
        SimulatedFunction nvme = port.SecondaryBus!.Get(0, 0)!;
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);
        int start = machine.Vmds[0].BusStart;
        nvme.NeverReadyAfterReset = true;
        ushort control = port.Read16(Type1Header.BridgeControl);

        port.Write16(Type1Header.BridgeControl, (ushort)(control | (ushort)BridgeControl.SecondaryBusReset));
        port.Write16(Type1Header.BridgeControl, control);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0xFFFF_FFFFu, cfgbar.Read32(TestHelpers.Ecam(start, 0xE1, 0, 0, 0)));
        Assert.True(nvme.IsInReset);
        string[] addresses = Blocks(Dump(machine, 64)).Select(b => b.Address).ToArray();
        Assert.DoesNotContain("10000:e1:00.0", addresses);
        Assert.Contains("10000:e0:06.0", addresses);
    }

    [Fact]
    public void Writing_has_no_side_effects()
    {
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        var observer = new RecordingObserver();
        machine.ConfigAccessObserver = observer;
        var before = Snapshot(machine);
        long hostReads = machine.Counters.HostConfigReads;
        long domainReads = machine.Counters.DomainConfigReads;

        string first = Dump(machine);
        string second = Dump(machine);

        Assert.Equal(first, second);
        Assert.Empty(observer.Accesses);
        Assert.Equal(hostReads, machine.Counters.HostConfigReads);
        Assert.Equal(domainReads, machine.Counters.DomainConfigReads);
        Assert.Equal(before, Snapshot(machine));
    }

    [Fact]
    public void Skylake_root_port_a_written_by_the_writer_equals_the_shared_fixture()
    {
        string fixture = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "201d-rootport-10000-00-00.0.lspci"));
        string[] fixtureLines = fixture.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l[0] != '#').ToArray();

        Block portA = Blocks(Dump(TestHelpers.Machine("skylake-sp"), 64)).Single(b => b.Address == "10000:00:00.0");

        Assert.StartsWith("10000:00:00.0 ", fixtureLines[0], StringComparison.Ordinal);
        Assert.Equal(fixtureLines[1..], portA.Lines);
        Assert.Equal(
            Convert.ToHexString(TestHelpers.ParseLspciHex(fixture)),
            Convert.ToHexString(TestHelpers.ParseLspciHex(string.Join('\n', portA.Lines))));
    }

    private static string StripOffset(string line) => "00" + line[line.IndexOf(':', StringComparison.Ordinal)..];

    private static string Snapshot(SimulatedMachine machine) =>
        string.Join(';', LspciDumpWriter.ReachableFunctions(machine).Select(f => f.Key + "=" + Convert.ToHexString(f.Value.ConfigBytes)));

    private sealed class RecordingObserver : IConfigAccessObserver
    {
        public List<ConfigAccess> Accesses { get; } = [];

        public void OnConfigAccess(in ConfigAccess access) => Accesses.Add(access);
    }
}
