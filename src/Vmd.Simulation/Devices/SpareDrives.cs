using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines.Catalog;

namespace Vmd.Simulation.Devices;

/// <summary>
/// Drives to hot-insert with <see cref="PciePort.HotAdd"/>: fresh from the box, as after power-on, with BARs unassigned (0)
/// and Command 0, so the driver must assign resources as it does after a real insertion.
/// </summary>
public static class SpareDrives
{
    /// <summary>
    /// An Intel data-centre NVMe drive (8086:0a54, the drive the server machines carry: 16 KiB BAR0, 32 MSI-X entries)
    /// with Device Serial Number <paramref name="serialNumber"/>. <see cref="NvmeEndpoint.TryGet"/> finds its model.
    /// </summary>
    public static SimulatedFunction IntelNvme(ulong serialNumber) =>
        new NvmeEndpoint(Parts.IntelNvmeOptions(bar0: 0, serialNumber, command: 0)).Function;
}
