using System;
using System.IO;
using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

public sealed class FixtureTests
{
    private static byte[] Fixture(string name) =>
        TestHelpers.ParseLspciHex(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name)));

    [Fact]
    public void Skylake_root_port_a_reproduces_the_real_dump_through_cfgbar()
    {
        byte[] expected = Fixture("201d-rootport-10000-00-00.0.lspci");
        SimulatedMachine machine = TestHelpers.Machine("skylake-sp");
        IMmioRegion cfgbar = TestHelpers.MapCfgBar(machine, machine.Vmds[0]);

        var actual = new byte[expected.Length];
        for (int offset = 0; offset < actual.Length; offset += 4)
        {
            BitConverter.TryWriteBytes(actual.AsSpan(offset), cfgbar.Read32((nuint)Ecam.Offset(0, 0, 0, (ushort)offset)));
        }

        Assert.Equal(64, expected.Length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Fact]
    public void Skylake_root_port_a_raw_bytes_match_the_dump()
    {
        byte[] expected = Fixture("201d-rootport-10000-00-00.0.lspci");
        SimulatedVmd vmd = TestHelpers.Machine("skylake-sp").Vmds[0];

        ReadOnlySpan<byte> raw = vmd.RootBus.Get(0, 0)!.ConfigBytes[..expected.Length];

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(raw));
    }
}
