using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Interrupts;

namespace Vmd.Simulation.Upstream;

/// <summary>
/// What a VMD does with an interrupt message from its domain (hardware digest §8.1, §8.4). With VMCONFIG bit 1 = 0
/// (remap) the address's destination-ID field, bits 19:12, names one of the VMD's own MSI-X entries and the data is
/// ignored: the VMD signals that entry under its own MSI-X enable, Function Mask and entry mask (PBA when masked).
/// An index beyond its table is dropped. With bit 1 = 1 (bypass) the message goes to the host unchanged.
/// </summary>
internal static class VmdRemapper
{
    public static InterruptOutcome OnMessage(SimulatedVmd vmd, MsiMessage message)
    {
        if (!vmd.RemapsInterrupts)
        {
            vmd.Fabric.Counters.CountBypassed();
            return vmd.Fabric.RootComplex.Deliver(message);
        }

        int entry = (int)((message.Address >> X86MsiAddress.DestinationIdShift) & X86MsiAddress.DestinationIdMask);
        if (entry >= vmd.MsixTable.EntryCount)
        {
            vmd.Fabric.Counters.CountRemapOutOfRange();
            return InterruptOutcome.RemapIndexOutOfRange;
        }

        vmd.Fabric.Counters.CountRemapped();
        return vmd.Function.Interrupts.Signal(entry) switch
        {
            InterruptOutcome.PendingInFunction => InterruptOutcome.PendingInVmd,
            InterruptOutcome.NotEnabled => InterruptOutcome.VmdNotEnabled,
            InterruptOutcome other => other,
        };
    }
}
