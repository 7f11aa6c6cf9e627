using Vmd.Registers;

namespace Vmd.Simulation.Functions;

/// <summary>
/// Alternative Routing-ID Interpretation (PCIe Base §6.13): below a downstream port whose ARI Forwarding
/// Enable is set, the device number of a type 0 request is part of an 8-bit function number.
/// </summary>
internal static class AriRouting
{
    /// <summary>Device Control 2 bit 5: ARI Forwarding Enable.</summary>
    public const ushort ForwardingEnable = PciExpressCapability.AriForwardingEnable;

    /// <summary>True when <paramref name="port"/> has ARI Forwarding Enable set in its PCI Express capability.</summary>
    public static bool ForwardingEnabled(SimulatedFunction port)
    {
        ushort at = (ushort)(port.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask);
        for (int hops = 0; hops < CapabilityHeader.MaxStandardEntries && at >= PciHeader.Length; hops++)
        {
            if (port.Read8(at) == (byte)CapabilityId.PciExpress)
            {
                return (port.Read16((ushort)(at + PciExpressCapability.DeviceControl2)) & ForwardingEnable) != 0;
            }

            at = (ushort)(port.Read8((ushort)(at + 1)) & CapabilityHeader.PointerMask);
        }

        return false;
    }

    /// <summary>True when <paramref name="function"/> has the ARI extended capability.</summary>
    public static bool HasAri(SimulatedFunction function)
    {
        ushort at = CapabilityHeader.FirstExtended;
        for (int hops = 0; hops < CapabilityHeader.MaxExtendedEntries && at >= CapabilityHeader.FirstExtended && at <= 0xFFC; hops++)
        {
            uint header = function.Read32(at);
            if ((header & CapabilityHeader.ExtendedIdMask) == (uint)ExtendedCapabilityId.AlternativeRoutingId)
            {
                return true;
            }

            at = (ushort)((header >> CapabilityHeader.ExtendedNextShift) & 0xFFC);
            if (at == 0)
            {
                break;
            }
        }

        return false;
    }
}
