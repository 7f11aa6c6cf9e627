using System;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Machines;

namespace Vmd.Benchmarks;

/// <summary>
/// Deterministic synthetic VMD domains for the scan and scaling benchmarks, built with <see cref="MachineBuilder"/>:
/// root ports on the root bus, each leading to a switch (upstream port, then downstream ports), each downstream
/// port's link holding one multi-function endpoint device. Functions are added one at a time in that order
/// (root port, upstream port, downstream port, endpoint functions, ...) until the requested count is reached, so
/// every count gives a valid topology and a larger domain contains a smaller one as a prefix.
/// </summary>
/// <remarks>
/// Nothing is programmed by "firmware": bridges start with bus numbers 0 and no hot-plug slot, so the
/// enumerator's bus numbering decides everything and no hot-plug reserve is spent. The VMD is a Skylake-SP 201d
/// (bus start 0, no bus restriction) whose CFGBAR size sets the bus range.
/// </remarks>
internal static class SyntheticDomains
{
    /// <summary>The dense domain: 32 buses (all used), two switches with 14 and 13 downstream ports, 8-function endpoints: 247 functions.</summary>
    public const string Dense = "dense";

    /// <summary>Prefix of the scaling domains: "scale-25" is 25 functions in a 128-bus domain.</summary>
    public const string ScalePrefix = "scale-";

    private const ushort SwitchVendor = 0x10B5;
    private const ushort SwitchDevice = 0x9733;
    private const ushort EndpointVendor = 0x8086;
    private const ushort EndpointDevice = 0x1593; // an E810-style multi-port NIC: one device, several functions
    private const uint EthernetClass = 0x02_00_00;
    private const ulong EndpointBarSize = 64 * 1024;

    /// <summary>Builds the named synthetic machine, or null when <paramref name="name"/> is not one.</summary>
    public static SimulatedMachine? TryCreate(string name)
    {
        if (name == Dense)
        {
            return Build(name, functions: 247, downstreamPerSwitch: 14, functionsPerEndpoint: 8, busCount: 32);
        }

        if (name.StartsWith(ScalePrefix, StringComparison.Ordinal) && int.TryParse(name.AsSpan(ScalePrefix.Length), out int functions))
        {
            return Build(name, functions, downstreamPerSwitch: 8, functionsPerEndpoint: 4, busCount: 128);
        }

        return null;
    }

    /// <summary>Builds a domain of exactly <paramref name="functions"/> functions in a CFGBAR of <paramref name="busCount"/> buses.</summary>
    public static SimulatedMachine Build(string name, int functions, int downstreamPerSwitch, int functionsPerEndpoint, int busCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(functions, 1);
        var builder = new MachineBuilder(name, $"Synthetic VMD domain: {functions} functions, {busCount} buses");
        builder.AddHostFunction(new PciAddress(0, 0, 0, 0), HostFunctions.HostBridge(0x2020));
        // The VMD is function 5 of device 5d:05, so function 0 there must say the device is multi-function.
        builder.AddHostFunction(new PciAddress(0, 0x5D, 5, 0), new FunctionBuilder(HeaderType.Endpoint).Identity(0x8086, 0x2034, ClassCodes.SystemPeripheralOther).MultiFunction().Build());
        SimulatedVmd vmd = builder.AddVmd(new VmdOptions
        {
            Address = new PciAddress(0, 0x5D, 5, 5),
            DeviceId = 0x201D,
            RevisionId = 0x07,
            MultiFunction = true,
            CfgBarAddress = 0x3A00_0000_0000,
            CfgBarSize = (ulong)busCount << Ecam.BusShift,
            MemBar1Address = 0xA000_0000,
            MemBar1Size = 256UL << 20,
            MemBar2Address = 0x3AFF_FFF0_0000,
        });

        int left = functions;
        for (int rootDevice = 0; left > 0; rootDevice++)
        {
            if (rootDevice > PciAddress.MaxDevice)
            {
                throw new ArgumentOutOfRangeException(nameof(functions), functions, "More functions than 32 root ports can hold with these parameters.");
            }

            PciePort rootPort = PciePort.CreateRootPort(new PciePortOptions { DeviceId = (ushort)(0x2030 + rootDevice), PhysicalSlotNumber = (ushort)(rootDevice + 1) });
            vmd.RootBus.Add(rootDevice, 0, rootPort.Function);
            if (--left == 0)
            {
                break;
            }

            PciePort upstream = PciePort.CreateSwitchUpstreamPort(SwitchPort(0));
            rootPort.SecondaryBus.Add(0, 0, upstream.Function);
            left--;
            for (int port = 0; port < downstreamPerSwitch && left > 0; port++)
            {
                PciePort downstream = PciePort.CreateSwitchDownstreamPort(SwitchPort((byte)(port + 1)));
                upstream.SecondaryBus.Add(port, 0, downstream.Function);
                left--;
                int count = Math.Min(functionsPerEndpoint, left);
                for (int function = 0; function < count; function++)
                {
                    downstream.SecondaryBus.Add(0, function, Endpoint(function, multiFunction: count > 1));
                }

                left -= count;
            }
        }

        return builder.Build();
    }

    private static PciePortOptions SwitchPort(byte portNumber) => new()
    {
        VendorId = SwitchVendor,
        DeviceId = SwitchDevice,
        SubsystemVendorId = SwitchVendor,
        SubsystemId = SwitchDevice,
        PortNumber = portNumber,
        PowerManagementCapabilityOffset = 0x40,
        MsiCapabilityOffset = 0x48,
        PciExpressCapabilityOffset = 0x68,
        SubsystemCapabilityOffset = 0xA4,
    };

    /// <summary>One function of a multi-function endpoint: a 64-bit BAR, PM, MSI, PCIe, MSI-X, AER and a serial number.</summary>
    private static SimulatedFunction Endpoint(int function, bool multiFunction)
    {
        FunctionBuilder builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(EndpointVendor, EndpointDevice, EthernetClass)
            .Subsystem(EndpointVendor, 0x0002)
            .MultiFunction(multiFunction && function == 0)
            .Command(0x0006)
            .Interrupt(pin: 1)
            .MemoryBar(0, EndpointBarSize, is64Bit: true, prefetchable: false, address: 0);
        builder.AddPowerManagement(0x40);
        builder.AddMsi(is64Bit: true, multipleMessageCapableLog2: 0, offset: 0x50);
        builder.AddPciExpress(new PciExpressCapabilityOptions { PortType = PciExpressPortType.Endpoint, FunctionLevelReset = true }, 0x70);
        builder.AddMsix(entryCount: 8, tableBir: 0, tableOffset: 0x8000, pbaBir: 0, pbaOffset: 0xC000, offset: 0xB0);
        builder.AddAdvancedErrorReporting(rootPort: false);
        builder.AddDeviceSerialNumber(0x5359_4E54_0000_0000UL | (uint)function);
        return builder.Build();
    }
}
