using Vmd.Core.Diagnostics;
using Vmd.Enumeration.Functions;
using Vmd.Simulation;

namespace Vmd.Core.Tests;

/// <summary>Looking up a function of an enumerated domain, and one NVMe Identify round trip with a fresh DMA buffer.</summary>
internal static class TestDrives
{
    public static PciFunction Find(VmdController vmd, PciAddress address)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.Address == address)
            {
                return function;
            }
        }

        throw new Xunit.Sdk.XunitException($"{address} is not in the device list");
    }

    public static IdentifyResult Identify(SimulatedMachine machine, VmdController vmd, PciFunction drive)
    {
        ulong address = machine.PhysicalMemory.AllocateDma(0x3000);
        Assert.True(machine.Memory.TryMap(address, 0x3000, out IMmioRegion? region));
        try
        {
            return NvmeIdentifyProbe.Run(vmd, machine.Memory, drive, new DmaBuffer(address, region), machine.TimeProvider);
        }
        finally
        {
            machine.Memory.Unmap(region);
        }
    }
}
