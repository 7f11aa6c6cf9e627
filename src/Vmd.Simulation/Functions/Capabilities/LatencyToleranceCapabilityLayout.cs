using Vmd.Registers;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a Latency Tolerance Reporting extended capability (ID 0x0018, PCIe Base §7.8.2).</summary>
public static class LatencyToleranceCapabilityLayout
{
    private const byte Version = 1;
    private const uint LatencyWritable = LatencyToleranceReportingCapability.ValueMask | LatencyToleranceReportingCapability.ScaleMask;

    /// <summary>Adds the capability: Max Snoop and Max No-Snoop Latency read-write (value and scale bits), 0 after reset as firmware that skipped LTR leaves them.</summary>
    /// <returns>The capability's offset.</returns>
    public static ushort AddLatencyToleranceReporting(this FunctionBuilder builder, ushort maxSnoop = 0, ushort maxNoSnoop = 0, ushort offset = 0)
    {
        ushort at = builder.AddExtendedCapability(ExtendedCapabilityId.LatencyToleranceReporting, Version, LatencyToleranceReportingCapability.Length, offset);
        builder.Function.DefineRegister((ushort)(at + LatencyToleranceReportingCapability.MaxSnoopLatency), 2, maxSnoop & LatencyWritable, LatencyWritable);
        builder.Function.DefineRegister((ushort)(at + LatencyToleranceReportingCapability.MaxNoSnoopLatency), 2, maxNoSnoop & LatencyWritable, LatencyWritable);
        return at;
    }
}
