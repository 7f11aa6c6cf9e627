namespace Vmd.Registers;

/// <summary>Offsets and fields of the Latency Tolerance Reporting extended capability (ID 0x0018), PCIe Base §7.8.2.</summary>
public static class LatencyToleranceReportingCapability
{
    /// <summary>Max Snoop Latency (16 bits).</summary>
    public const ushort MaxSnoopLatency = 0x04;

    /// <summary>Max No-Snoop Latency (16 bits).</summary>
    public const ushort MaxNoSnoopLatency = 0x06;

    /// <summary>Latency bits 9:0: value.</summary>
    public const ushort ValueMask = 0x03FF;

    /// <summary>Latency bits 12:10: scale (latency = value × 2^(5·scale) ns).</summary>
    public const ushort ScaleMask = 0x1C00;

    /// <summary>Length of the capability in bytes.</summary>
    public const int Length = 0x08;
}
