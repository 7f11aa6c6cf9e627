using System;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Vmd.Core;
using Vmd.Core.Domain;
using Vmd.Simulation;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;

namespace Vmd.Benchmarks;

/// <summary>
/// Config-space read throughput on the simulated Tiger Lake laptop: the first 256 bytes (64 dwords) of a
/// function, read (a) straight from the simulator's bytes, (b) through the library's CFGBAR-backed
/// <see cref="VmdConfigSpace"/> for the NVMe at 10000:e1:00.0, (c) through the simulator's host
/// <see cref="IConfigSpace"/> for the VMD endpoint at 0000:00:0e.0.
/// </summary>
/// <remarks>
/// Each invocation reads 64 dwords and is declared with <c>OperationsPerInvoke = 64</c>, so every figure in the
/// results (Mean, Allocated) is per single 32-bit config read. docs/benchmarks.md has the command and a run.
/// </remarks>
[MemoryDiagnoser]
public class ConfigReadBenchmarks
{
    private const int Dwords = 64; // the 256-byte PCI-compatible header and capability area
    private const ushort VendorIdOffset = 0x00;

    private static readonly PciAddress NvmeAddress = new(0x10000, 0xE1, 0, 0);
    private static readonly PciAddress VmdEndpointAddress = new(0, 0x00, 0x0E, 0);

    private SimulatedMachine _machine = null!;
    private VmdHost _host = null!;
    private SimulatedFunction _nvme = null!;
    private IConfigSpace _domainPort = null!;
    private IConfigSpace _hostPort = null!;
    private IConfigSpace _flatPort = null!;

    [GlobalSetup]
    public void Setup()
    {
        _machine = MachineCatalog.Create("tigerlake");
        _host = VmdHost.Detect(_machine.HostConfig, _machine.Memory);
        if (_host.Controllers.Count == 0)
        {
            throw new InvalidOperationException("No VMD detected on the simulated tigerlake machine.");
        }

        VmdController controller = _host.Controllers[0];
        if (!controller.TryMap())
        {
            throw new InvalidOperationException($"TryMap failed: {controller.LastFailure}");
        }

        _domainPort = new VmdConfigSpace(controller.CfgBar!.Region, controller.Endpoint.Domain, controller.BusRange!.Start, controller.BusRange.End);
        _hostPort = _machine.HostConfig;

        ushort vendor = _domainPort.Read16(NvmeAddress, VendorIdOffset);
        if (vendor == 0xFFFF)
        {
            throw new InvalidOperationException($"{NvmeAddress} reads vendor ID ffff through the VmdConfigSpace port: CFGBAR does not answer.");
        }

        _nvme = _machine.Vmds[0].FindFunction(NvmeAddress.Bus, NvmeAddress.Device, NvmeAddress.Function)
            ?? throw new InvalidOperationException($"The simulator has no function at {NvmeAddress}.");

        // The same library port over a region that is just the NVMe's bytes: the library's own share of (b).
        nuint nvmePage = (nuint)Vmd.Registers.Ecam.Offset(NvmeAddress.Bus - controller.BusRange.Start, NvmeAddress.Device, NvmeAddress.Function, 0);
        _flatPort = new VmdConfigSpace(new FlatConfigRegion(_nvme, nvmePage, controller.CfgBar.Region.Length), controller.Endpoint.Domain, controller.BusRange.Start, controller.BusRange.End);

        if (_hostPort.Read16(VmdEndpointAddress, VendorIdOffset) == 0xFFFF)
        {
            throw new InvalidOperationException($"{VmdEndpointAddress} reads vendor ID ffff through the host port.");
        }

        // The port and the raw bytes must agree, or the comparison measures different work.
        uint raw = Raw();
        uint port = VmdPort();
        uint flat = VmdPortFlatRegion();
        if (raw != port || raw != flat)
        {
            throw new InvalidOperationException($"Raw sum {raw:x8} differs from the port's {port:x8} or the flat region's {flat:x8}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    /// <summary>(a) The simulated NVMe's own config bytes, no port, no lock.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Dwords)]
    public uint Raw()
    {
        ReadOnlySpan<byte> bytes = _nvme.ConfigBytes;
        uint sum = 0;
        for (int i = 0; i < Dwords; i++)
        {
            sum += BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(i * 4));
        }

        return sum;
    }

    /// <summary>(b) The library's VmdConfigSpace: lock, bounds, ECAM offset, then the simulator's CFGBAR MMIO region.</summary>
    [Benchmark(OperationsPerInvoke = Dwords)]
    public uint VmdPort()
    {
        IConfigSpace port = _domainPort;
        uint sum = 0;
        for (int i = 0; i < Dwords; i++)
        {
            sum += port.Read32(NvmeAddress, (ushort)(i * 4));
        }

        return sum;
    }

    /// <summary>
    /// (b') The same <see cref="VmdConfigSpace"/> over <see cref="FlatConfigRegion"/> instead of the simulator's
    /// MMIO path: what the library's port itself costs (lock, bounds, ECAM offset, two interface calls).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Dwords)]
    public uint VmdPortFlatRegion()
    {
        IConfigSpace port = _flatPort;
        uint sum = 0;
        for (int i = 0; i < Dwords; i++)
        {
            sum += port.Read32(NvmeAddress, (ushort)(i * 4));
        }

        return sum;
    }

    /// <summary>(c) The simulator's host port, for the VMD endpoint 0000:00:0e.0 itself.</summary>
    [Benchmark(OperationsPerInvoke = Dwords)]
    public uint HostPort()
    {
        IConfigSpace port = _hostPort;
        uint sum = 0;
        for (int i = 0; i < Dwords; i++)
        {
            sum += port.Read32(VmdEndpointAddress, (ushort)(i * 4));
        }

        return sum;
    }
}
