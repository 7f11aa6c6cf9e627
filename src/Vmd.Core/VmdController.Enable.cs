using System;
using Vmd.Core.Domain;
using Vmd.Core.Logging;
using Vmd.Core.Mapping;
using Vmd.Core.Identification;
using Vmd.Enumeration.Resources;
using Vmd.Registers;

namespace Vmd.Core;

/// <summary>Step 2 of the state machine: enable the endpoint and open its domain.</summary>
public sealed partial class VmdController
{
    private VmdConfigSpace? _domain;

    /// <summary>
    /// The private domain's config space (ECAM through CFGBAR, one lock per VMD, read-back after each
    /// write), once enabled. A kernel's PCI code uses this one instance for every access to the domain.
    /// </summary>
    public VmdConfigSpace? Domain => _domain;

    /// <summary>
    /// MEMBAR1 as handed to the first root bus's devices: the whole BAR, or on a VMD with a second root bus the part
    /// before the split (<see cref="VmdRootBus.MemBar1Aperture"/> of <see cref="RootBuses"/>[0]). Valid once enabled.
    /// </summary>
    public Aperture MemBar1Aperture => _rootBuses.Length > 0 ? _rootBuses[0].MemBar1Aperture : default;

    /// <summary>
    /// MEMBAR2 as handed to the first root bus's devices: from +0x2000 (the VMD's MSI-X table and PBA come first),
    /// or +0x2010 on IDs whose shadow registers follow them, to the end or to the second root bus's split. Valid once enabled.
    /// </summary>
    public Aperture MemBar2Aperture => _rootBuses.Length > 0 ? _rootBuses[0].MemBar2Aperture : default;

    /// <summary>
    /// Step 2: turns on memory decode and bus mastering on the VMD endpoint (bus mastering carries the
    /// domain's DMA and remapped interrupts), creates the domain's config space over CFGBAR and computes
    /// the apertures with their bus-address offsets.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not in state <see cref="VmdState.Mapped"/>.</exception>
    public bool TryEnable()
    {
        lock (_gate)
        {
            if (State != VmdState.Mapped)
            {
                throw new InvalidOperationException($"Enable needs state Mapped; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            PciAddress address = Endpoint.Address;
            const ushort decode = (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable);
            ushort command = _host.Read16(address, PciHeader.Command);
            if (command == 0xFFFF)
            {
                return FailStep(VmdStep.Enable, VmdError.AllOnes, $"{address} no longer answers (Command reads ffff)");
            }

            _host.Write16(address, PciHeader.Command, (ushort)(command | decode));
            ushort back = _host.Read16(address, PciHeader.Command);
            if ((back & decode) != decode)
            {
                _host.Write16(address, PciHeader.Command, command);
                return FailStep(VmdStep.Enable, VmdError.Unsupported, $"Command of {address} reads {back:x4} after setting memory decode and bus mastering");
            }

            bool split = _rootBuses.Length > 1;
            foreach (VmdRootBus root in _rootBuses)
            {
                string suffix = split ? "/" + root.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
                root.MemBar1Aperture = new Aperture("MEMBAR1" + suffix, _memBar1!.Address + root.MemBar1Offset, root.MemBar1Length, Shadow!.MemBar1Offset);
                root.MemBar2Aperture = new Aperture("MEMBAR2" + suffix, _memBar2!.Address + root.MemBar2Offset, root.MemBar2Length, Shadow.MemBar2Offset);
            }

            _domain = new VmdConfigSpace(_cfgBar!.Region, Endpoint.Domain, _rootBuses[0].Window, split ? _rootBuses[1].Window : null);
            State = VmdState.Enabled;
            Log.Enabled(_logger, address, Endpoint.Domain, BusRange!.Start, BusRange.End);
            return true;
        }
    }

    private bool FailStep(VmdStep step, VmdError error, string message)
    {
        LastFailure = new VmdFailure(step, error, message);
        Log.StepFailed(_logger, Endpoint.Address, step, error, message);
        return false;
    }

    private void ReleaseDomain()
    {
        ReleaseHotPlug();
        _domain = null;
        _enumerator = null;
        _assigner = null;
    }
}
