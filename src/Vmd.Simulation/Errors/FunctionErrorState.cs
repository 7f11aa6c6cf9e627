using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Errors;

/// <summary>
/// Where a function's error registers are (PCI Express, AER and DPC capabilities) and, on a root port, whether its
/// error interrupt condition was true after the last evaluation. Created on the function's first injected error or
/// received message; the capability lists are read-only to software, so the offsets never change.
/// </summary>
internal sealed class FunctionErrorState
{
    public FunctionErrorState(SimulatedFunction function)
    {
        PciExpress = FindStandard(function, CapabilityId.PciExpress);
        Aer = FindExtended(function, ExtendedCapabilityId.AdvancedErrorReporting);
        Dpc = FindExtended(function, ExtendedCapabilityId.DownstreamPortContainment);
        if (PciExpress != 0)
        {
            int type = (function.Read16((ushort)(PciExpress + PciExpressCapability.Capabilities)) >> PciExpressCapability.PortTypeShift) & 0xF;
            IsRootPort = type == (int)PciExpressPortType.RootPort;
        }
    }

    /// <summary>Offset of the PCI Express capability, 0 without one (a conventional function: Status bits only).</summary>
    public ushort PciExpress { get; }

    /// <summary>Offset of the AER extended capability, 0 without one.</summary>
    public ushort Aer { get; }

    /// <summary>Offset of the DPC extended capability, 0 without one.</summary>
    public ushort Dpc { get; }

    /// <summary>True for a PCIe root port (port type 4): it receives error messages and logs them in Root Error Status.</summary>
    public bool IsRootPort { get; }

    /// <summary>The root port's error interrupt condition as last evaluated (the message is sent on its false-to-true edges).</summary>
    public bool RootInterruptAsserted { get; set; }

    /// <summary>A configuration write landed: Root Error Command or Root Error Status changes may make the interrupt condition true.</summary>
    public void OnConfigWrite(SimulatedFunction function, ushort offset, int width)
    {
        if (!IsRootPort || Aer == 0)
        {
            return;
        }

        int first = Aer + AdvancedErrorReportingCapability.RootErrorCommand;
        int end = Aer + AdvancedErrorReportingCapability.ErrorSourceId;
        if (offset < end && offset + width > first)
        {
            ErrorSignalling.ReevaluateRootInterrupt(function, this);
        }
    }

    private static ushort FindStandard(SimulatedFunction function, CapabilityId id)
    {
        if ((function.Read16(PciHeader.Status) & (ushort)PciStatus.CapabilitiesList) == 0)
        {
            return 0;
        }

        int at = function.Read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
        for (int hops = 0; at >= PciHeader.Length && at < CapabilityHeader.FirstExtended && hops < CapabilityHeader.MaxStandardEntries; hops++)
        {
            if (function.Read8((ushort)at) == (byte)id)
            {
                return (ushort)at;
            }

            at = function.Read8((ushort)(at + CapabilityHeader.Next)) & CapabilityHeader.PointerMask;
        }

        return 0;
    }

    private static ushort FindExtended(SimulatedFunction function, ExtendedCapabilityId id)
    {
        int at = CapabilityHeader.FirstExtended;
        for (int hops = 0; at >= CapabilityHeader.FirstExtended && at < SimulatedFunction.ConfigSpaceSize && hops < CapabilityHeader.MaxExtendedEntries; hops++)
        {
            uint header = function.Read32((ushort)at);
            if (header == 0 || header == uint.MaxValue)
            {
                return 0;
            }

            if ((header & 0xFFFF) == (uint)id)
            {
                return (ushort)at;
            }

            at = (int)((header >> CapabilityHeader.ExtendedNextShift) & CapabilityHeader.ExtendedNextMask);
        }

        return 0;
    }
}
