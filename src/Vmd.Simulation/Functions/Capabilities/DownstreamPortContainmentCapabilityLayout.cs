using Vmd.Registers;
using Vmd.Simulation.Errors;

namespace Vmd.Simulation.Functions.Capabilities;

/// <summary>Adds a Downstream Port Containment extended capability (ID 0x001D, PCIe Base §7.9.14) to a root or downstream port.</summary>
public static class DownstreamPortContainmentCapabilityLayout
{
    private const byte Version = 1;

    // Trigger enable, completion control, interrupt enable and ERR_COR enable: the controls the basic capability has
    // (no software trigger and no RP PIO extensions are advertised, so those bits stay read-only 0).
    private const ushort ControlWritable = DownstreamPortContainmentCapability.TriggerEnableMask | DownstreamPortContainmentCapability.CompletionControl
        | DownstreamPortContainmentCapability.InterruptEnable | DownstreamPortContainmentCapability.ErrCorEnable;

    /// <summary>
    /// Adds the capability with DPC disabled after reset: DPC Control writable, DPC Status trigger and interrupt bits
    /// RW1C, the trigger reason and error source read-only (the error logic sets them). The link is not taken down when
    /// DPC triggers; only the registers and the DPC interrupt are modelled.
    /// </summary>
    /// <param name="builder">The port's builder.</param>
    /// <param name="interruptMessageNumber">DPC Interrupt Message Number (MSI/MSI-X vector of the DPC interrupt).</param>
    /// <param name="offset">Where to place it; 0 places it after the highest extended capability so far.</param>
    /// <returns>The capability's offset.</returns>
    public static ushort AddDownstreamPortContainment(this FunctionBuilder builder, byte interruptMessageNumber = 0, ushort offset = 0)
    {
        ushort at = builder.AddExtendedCapability(ExtendedCapabilityId.DownstreamPortContainment, Version, DownstreamPortContainmentCapability.Length, offset);
        SimulatedFunction function = builder.Function;
        function.DefineRegister((ushort)(at + DownstreamPortContainmentCapability.Capability), 2, (uint)(interruptMessageNumber & DownstreamPortContainmentCapability.InterruptMessageNumberMask), 0);
        function.DefineRegister((ushort)(at + DownstreamPortContainmentCapability.Control), 2, 0, ControlWritable);
        function.DefineRegister((ushort)(at + DownstreamPortContainmentCapability.Status), 2, 0, 0, DownstreamPortContainmentCapability.TriggerStatus | DownstreamPortContainmentCapability.InterruptStatus);
        function.DefineRegister((ushort)(at + DownstreamPortContainmentCapability.ErrorSourceId), 2, 0, 0);
        return at;
    }
}
