using System;
using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Tests;

/// <summary>Small helpers the tests share: driving a machine only through its ports.</summary>
internal static class TestHelpers
{
    public static readonly PciAddress TigerLakeVmd = new(0, 0, 0x0E, 0);

    public static SimulatedMachine Machine(string name = MachineCatalog.DefaultName) => MachineCatalog.Create(name);

    /// <summary>Sets MSE and BME on a host function through the host port, as a driver does before touching BARs.</summary>
    public static void EnableDecode(SimulatedMachine machine, PciAddress address) =>
        machine.HostConfig.Write16(address, PciHeader.Command, (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));

    /// <summary>Reads a BAR's address through the host port (64-bit when the type says so).</summary>
    public static ulong ReadBar(IConfigSpace config, PciAddress address, int index)
    {
        uint low = config.Read32(address, PciHeader.BaseAddress(index));
        ulong value = low & BaseAddressBits.MemoryAddressMask;
        if ((low & BaseAddressBits.TypeMask) == BaseAddressBits.Type64)
        {
            value |= (ulong)config.Read32(address, PciHeader.BaseAddress(index + 1)) << 32;
        }

        return value;
    }

    /// <summary>Enables the VMD and maps its CFGBAR through the ports, as a driver would.</summary>
    public static IMmioRegion MapCfgBar(SimulatedMachine machine, SimulatedVmd vmd)
    {
        EnableDecode(machine, vmd.Address);
        ulong address = ReadBar(machine.HostConfig, vmd.Address, VmdRegisters.CfgBarIndex);
        Assert.True(machine.Memory.TryMap(address, vmd.CfgBarSize, out IMmioRegion? region));
        return region!;
    }

    public static IMmioRegion MapBar(SimulatedMachine machine, PciAddress address, int index, ulong size)
    {
        ulong bar = ReadBar(machine.HostConfig, address, index);
        Assert.True(machine.Memory.TryMap(bar, size, out IMmioRegion? region));
        return region!;
    }

    /// <summary>ECAM offset inside CFGBAR for absolute <paramref name="bus"/> given the domain's bus start.</summary>
    public static nuint Ecam(int busStart, int bus, int device, int function, ushort register) =>
        (nuint)Registers.Ecam.Offset(bus - busStart, device, function, register);

    /// <summary>A one-function machine for register-level tests through the host port.</summary>
    public static SimulatedMachine WithHostFunction(PciAddress address, SimulatedFunction function, bool extendedSpace = true)
    {
        var builder = new MachineBuilder("test", "one function") { HostHasExtendedSpace = extendedSpace };
        builder.AddHostFunction(address, function);
        return builder.Build();
    }

    public static byte[] ParseLspciHex(string text)
    {
        var bytes = new System.Collections.Generic.List<byte>();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || colon != 2 || !IsHex(line.AsSpan(0, 2)))
            {
                continue;
            }

            foreach (string token in line[(colon + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                bytes.Add(Convert.ToByte(token, 16));
            }
        }

        return bytes.ToArray();
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!Uri.IsHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
