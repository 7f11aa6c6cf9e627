using Vmd.Simulation;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>Small machines built for one test each: a host with exactly one VMD shaped as the test needs.</summary>
internal static class TestMachines
{
    public const ulong CfgBar = 0x60_0000_0000;
    public const ulong MemBar1 = 0x5000_0000;
    public const ulong MemBar2 = 0x60_0200_0000;

    /// <summary>A Tiger Lake-like client VMD at 00:0e.0 (buses e0–ff) with the given changes.</summary>
    public static VmdOptions Client(ushort deviceId = 0x9A0B) => new()
    {
        DeviceId = deviceId,
        VmCap = 1,
        VmConfig = 2u << 8,
        CfgBarAddress = CfgBar,
        MemBar1Address = MemBar1,
        MemBar2Address = MemBar2,
    };

    public static SimulatedMachine With(VmdOptions options, bool hostHasExtendedSpace = true)
    {
        var builder = new MachineBuilder("test", "one VMD built by a test") { HostHasExtendedSpace = hostHasExtendedSpace };
        builder.AddVmd(options);
        return builder.Build();
    }
}
