using System;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>
/// Seeded generator of random and adversarial VMD domains: root ports and switches with any stale bus numbers,
/// drives with BARs of any size, capability lists broken at random, bus numbers that do not stick, small CFGBARs.
/// The same seed always builds the same machine.
/// </summary>
internal static class RandomDomains
{
    public static SimulatedMachine Build(int seed, out int functions)
    {
        var random = new Random(seed);
        var builder = new MachineBuilder($"random-{seed}", "seeded random domain");
        VmdOptions o = TestMachines.Client();
        int buses = random.Next(4) switch { 0 => 1, 1 => 2, 2 => 4, _ => 32 };
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            DeviceId = o.DeviceId, VmCap = o.VmCap, VmConfig = o.VmConfig, CfgBarSize = (ulong)buses << 20,
            CfgBarAddress = o.CfgBarAddress, MemBar1Address = o.MemBar1Address, MemBar2Address = o.MemBar2Address,
        });
        functions = 0;
        int ports = random.Next(0, 9);
        for (int i = 0; i < ports; i++)
        {
            PciePort port = Port(random, downstream: false);
            vmd.RootBus.Add(i * 2, 0, port.Function);
            functions++;
            functions += Fill(random, port, depth: 0);
        }

        if (random.Next(3) == 0)
        {
            vmd.RootBus.Add(0x17, 0, Drive(random).Function); // a drive straight on the root bus
            functions++;
        }

        return builder.Build();
    }

    private static int Fill(Random random, PciePort port, int depth)
    {
        switch (random.Next(depth < 2 ? 4 : 2))
        {
            case 0:
                return 0; // empty slot
            case 1:
                port.SecondaryBus.Add(0, 0, Drive(random).Function);
                return 1;
            default:
                PciePort upstream = PciePort.CreateSwitchUpstreamPort(Options(random));
                port.SecondaryBus.Add(0, 0, upstream.Function);
                Maybe(random, upstream.Function);
                int count = 1;
                int downstreamPorts = random.Next(0, 5);
                for (int d = 0; d < downstreamPorts; d++)
                {
                    PciePort downstream = Port(random, downstream: true);
                    upstream.SecondaryBus.Add(d, 0, downstream.Function);
                    count += 1 + Fill(random, downstream, depth + 1);
                }

                return count;
        }
    }

    private static PciePort Port(Random random, bool downstream)
    {
        PciePortOptions options = Options(random);
        PciePort port = downstream ? PciePort.CreateSwitchDownstreamPort(options) : PciePort.CreateRootPort(options);
        Maybe(random, port.Function);
        if (random.Next(20) == 0)
        {
            port.Function.SetWritable(Type1Header.SecondaryBusNumber, 1, 0); // secondary does not stick
        }

        return port;
    }

    private static PciePortOptions Options(Random random) => new()
    {
        DeviceId = (ushort)random.Next(0x1000, 0xFFFF),
        PrimaryBus = (byte)random.Next(256),
        SecondaryBus = (byte)random.Next(256),
        SubordinateBus = (byte)random.Next(256),
        HotPlugCapable = random.Next(3) == 0,
        MemoryBase = (ushort)(random.Next(0x1000) << 4),
        MemoryLimit = (ushort)(random.Next(0x1000) << 4),
    };

    private static NvmeEndpoint Drive(Random random)
    {
        ulong size = 1UL << random.Next(14, 31); // 16 KiB .. 1 GiB: some never fit the 32 MiB MEMBAR1
        var drive = new NvmeEndpoint(new NvmeOptions { Bar0Size = size, DeviceId = (ushort)random.Next(0x1000, 0xFFFF) });
        Maybe(random, drive.Function);
        return drive;
    }

    // Now and then, break the capability lists: a cycle, a pointer into the header, or an extended self-loop.
    private static void Maybe(Random random, SimulatedFunction function)
    {
        switch (random.Next(12))
        {
            case 0:
                byte first = function.Read8(PciHeader.CapabilitiesPointer);
                if (first >= 0x40)
                {
                    function.Set8((ushort)(first + 1), first);
                }

                break;
            case 1:
                function.Set8(PciHeader.CapabilitiesPointer, 0x10);
                break;
            case 2:
                uint header = function.Read32(CapabilityHeader.FirstExtended);
                if (header != 0)
                {
                    function.Set32(CapabilityHeader.FirstExtended, (header & 0xF_FFFF) | (0x100u << 20));
                }

                break;
        }
    }
}
