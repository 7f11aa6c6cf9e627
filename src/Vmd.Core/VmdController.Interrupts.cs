using System;
using System.Collections.Generic;
using Vmd.Core.Identification;
using Vmd.Core.Interrupts;
using Vmd.Core.Logging;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Interrupts;
using Vmd.Interrupts.Dispatch;
using Vmd.Interrupts.Msi;
using Vmd.Interrupts.Msix;
using Vmd.Interrupts.Polling;
using Vmd.Interrupts.Routing;
using Vmd.Interrupts.Vectors;
using Vmd.Registers;
using ChildMode = Vmd.Interrupts.Routing.InterruptMode;

namespace Vmd.Core;

/// <summary>Step 4 of the state machine: route the domain's interrupts (remapped, bypass or polling).</summary>
public sealed partial class VmdController
{
    private const ushort MeteorLakeVmd = 0x7D0B; // erratum MTL016: dummy read before each child handler

    private readonly List<ChildInterrupt> _routes = [];
    private readonly Dictionary<PciAddress, MsixController> _childMsix = [];
    private readonly Dictionary<PciAddress, MsiController> _childMsi = [];
    private readonly List<IMmioRegion> _childRegions = [];
    private IInterruptController? _hostInterrupts;
    private MsixController? _vmdMsix;
    private bool _bypassSet;
    private InterruptRoutingOptions? _routingOptions;

    /// <summary>The mode step 4 settled on (after any degradation), once routed.</summary>
    public InterruptRoutingMode RoutingMode { get; private set; }

    /// <summary>The VMD vector table (remapped mode), once routed; null in the other modes.</summary>
    public VmdVectorTable? Vectors { get; private set; }

    /// <summary>Runs the handlers of masked, pending sources (polling mode, or any source registered for polling).</summary>
    public InterruptPoller Poller { get; } = new();

    /// <summary>Why the mode or the vector count is less than asked for; null when nothing was degraded.</summary>
    public string? InterruptDegradedReason { get; private set; }

    /// <summary>The routes attached so far.</summary>
    public IReadOnlyList<ChildInterrupt> InterruptRoutes => _routes;

    /// <summary>
    /// Step 4. Remapped (default): asks <paramref name="host"/> for a host vector per VMD MSI-X entry, programs each
    /// entry with the host's message, attaches the dispatcher, then clears VMCONFIG bit 1. Fewer vectors than asked
    /// degrades to sharing; none at all degrades to polling — a bring-up never fails for it. Bypass (28c0-class IDs on
    /// bare metal): sets VMCONFIG bit 1; refused with a reason when shadow offsets are non-zero, the host forbids it,
    /// or the ID cannot. Polling: nothing is allocated.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not Enumerated.</exception>
    public bool TryRouteInterrupts(IInterruptController host, InterruptRoutingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        options ??= new InterruptRoutingOptions();
        lock (_gate)
        {
            if (State != VmdState.Enumerated)
            {
                throw new InvalidOperationException($"RouteInterrupts needs state Enumerated; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            InterruptDegradedReason = null;
            _hostInterrupts = host;
            _routingOptions = options;
            switch (options.Mode)
            {
                case InterruptRoutingMode.Bypass:
                    if (!TryEnterBypass(options))
                    {
                        return false;
                    }

                    break;
                case InterruptRoutingMode.Polling:
                    RoutingMode = InterruptRoutingMode.Polling;
                    break;
                default:
                    EnterRemapped(host, options);
                    break;
            }

            State = VmdState.InterruptsRouted;
            Log.InterruptsRouted(_logger, Endpoint.Address, RoutingMode, Vectors?.ActiveCount ?? 0, InterruptDegradedReason ?? "none");
            return true;
        }
    }

    /// <summary>
    /// Routes MSI-X entry <paramref name="childVector"/> of <paramref name="function"/> (or its MSI message when it has no
    /// MSI-X) to <paramref name="sink"/>. Remapped: the child's message names the VMD vector the policy chose, and the
    /// dispatcher runs the sink when that vector fires. Bypass: the child gets a host vector of its own. Polling: the
    /// entry stays masked and <see cref="Poll"/> runs the sink while its pending bit is set.
    /// </summary>
    /// <returns>False, with <see cref="LastFailure"/> naming why, when the function has neither MSI-X nor MSI (there is
    /// no INTx behind a VMD: poll it instead), is not assigned, or a host vector or mapping is refused.</returns>
    /// <exception cref="InvalidOperationException">Interrupts are not routed yet.</exception>
    public bool TryAttachInterrupt(PciAddress function, int childVector, IInterruptSink sink, uint cookie, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChildInterrupt? route)
    {
        ArgumentNullException.ThrowIfNull(sink);
        route = null;
        lock (_gate)
        {
            if (State != VmdState.InterruptsRouted)
            {
                throw new InvalidOperationException($"AttachInterrupt needs state InterruptsRouted; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            PciFunction? child = FindFunction(function);
            if (child is null || !child.Assigned)
            {
                return FailStep(VmdStep.RouteInterrupts, VmdError.Absent, $"{function} is not an assigned function of domain {Endpoint.Domain:x}");
            }

            InterruptModeChoice choice = ChildInterruptModes.Choose(_domain!, function, ChildMode.Automatic);
            if (!choice.Succeeded || choice.Mode == ChildMode.Polling)
            {
                return FailStep(VmdStep.RouteInterrupts, VmdError.Unsupported, $"{function}: {choice.Reason ?? ChildInterruptModes.NoIntx}");
            }

            MsixController? msix = null;
            MsiController? msi = null;
            if (choice.Mode == ChildMode.Msix)
            {
                if (!TryChildMsix(child, choice.CapabilityOffset, out msix))
                {
                    return false;
                }

                if ((uint)childVector >= (uint)msix.TableSize)
                {
                    return FailStep(VmdStep.RouteInterrupts, VmdError.Unsupported, $"{function} has {msix.TableSize} MSI-X entries; entry {childVector} does not exist");
                }
            }
            else if (choice.Mode == ChildMode.Msi)
            {
                if (childVector != 0 || _childMsi.ContainsKey(function))
                {
                    // All MSI messages of a function share one address, so a VMD cannot tell them apart (FreeBSD allows one).
                    return FailStep(VmdStep.RouteInterrupts, VmdError.Unsupported, $"{function} has MSI only; behind a VMD it gets one message (vector 0)");
                }

                if (!MsiCapabilityInfo.TryRead(_domain!, function, choice.CapabilityOffset, out MsiCapabilityInfo info, out _))
                {
                    return FailStep(VmdStep.RouteInterrupts, VmdError.Malformed, $"{function}: its MSI capability could not be read");
                }

                msi = new MsiController(_domain!, function, info);
            }

            int vmdVector = -1;
            HostVector? hostVector = null;
            MsiMessage message;
            switch (RoutingMode)
            {
                case InterruptRoutingMode.Remapped:
                    vmdVector = Vectors!.Allocate(child.ClassCode);
                    message = VmdRemapping.ChildMessage(vmdVector);
                    AttachToDispatcher(child, vmdVector, sink, cookie);
                    break;
                case InterruptRoutingMode.Bypass:
                    if (!_hostInterrupts!.TryAllocate(out HostVector granted))
                    {
                        return FailStep(VmdStep.RouteInterrupts, VmdError.Exhausted, $"the host has no vector left for {function}");
                    }

                    hostVector = granted;
                    message = _hostInterrupts.ComposeMessage(granted);
                    _hostInterrupts.Attach(granted, sink, cookie);
                    _hostInterrupts.Unmask(granted);
                    break;
                default:
                    message = default;
                    break;
            }

            bool polled = RoutingMode == InterruptRoutingMode.Polling;
            if (msix is not null)
            {
                msix.ProgramEntry(childVector, message, unmask: !polled);
                msix.ClearFunctionMask();
                if (polled)
                {
                    Poller.Register(msix, (uint)childVector, sink, cookie);
                }
            }
            else if (msi is not null)
            {
                msi.Enable(message, 1, unmask: !polled);
                _childMsi[function] = msi;
                if (polled)
                {
                    Poller.Register(msi, 0, sink, cookie);
                }
            }

            route = new ChildInterrupt(function, childVector, RoutingMode, vmdVector, hostVector, sink, cookie, msix, msi);
            _routes.Add(route);
            return true;
        }
    }

    /// <summary>Masks the child's entry, detaches its handler (never called after this returns) and frees its vector.</summary>
    public void DetachInterrupt(ChildInterrupt route)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            DetachCore(route);
            _routes.Remove(route);
        }
    }

    /// <summary>Runs the handlers whose masked sources are pending; returns how many ran. Allocation-free.</summary>
    public int Poll() => Poller.Poll();

    private void DetachCore(ChildInterrupt route)
    {
        if (route.Detached)
        {
            return;
        }

        route.Detached = true;
        if (route.Msix is { } msix)
        {
            msix.TryMaskEntry(route.ChildVector);
            Poller.Unregister(msix, (uint)route.ChildVector, route.Sink, route.Cookie);
        }

        if (route.Msi is { } msi)
        {
            msi.Disable();
            Poller.Unregister(msi, 0, route.Sink, route.Cookie);
            _childMsi.Remove(route.Function);
        }

        if (route.VmdVector >= 0)
        {
            Dispatcher!.Detach(route.VmdVector, route.Sink, route.Cookie);
            Vectors!.Free(route.VmdVector);
        }

        if (route.HostVector is { } hostVector)
        {
            _hostInterrupts!.Mask(hostVector);
            _hostInterrupts.Detach(hostVector);
            _hostInterrupts.Free(hostVector);
        }
    }

    private void EnterRemapped(IInterruptController host, InterruptRoutingOptions options)
    {
        RoutingMode = InterruptRoutingMode.Polling;
        if (Msix is null || Msix.TableBar != VmdRegisters.MemBar2Index
            || !MsixCapabilityInfo.TryRead(_host, Endpoint.Address, Msix.CapabilityOffset, out MsixCapabilityInfo info))
        {
            InterruptDegradedReason = "the VMD has no MSI-X table in MEMBAR2; children are polled";
            return;
        }

        if (!MsixFitsMemBar2(info))
        {
            // Firmware may size MEMBAR2 below the table its capability announces; programming it would run off the BAR.
            InterruptDegradedReason = "the VMD's MSI-X table or PBA does not fit in MEMBAR2; children are polled";
            return;
        }

        bool offsetFirst = (Endpoint.Device.Features & VmdFeatures.OffsetFirstVector) != 0;
        var table = new VmdVectorTable(info.TableSize, offsetFirst, options.Policy ?? new LinuxVectorPolicy());
        if (info.TableSize <= table.FirstUsable)
        {
            // Entry 0 is the VMD's own on offset-first-vector IDs: a one-entry table leaves nothing for children.
            InterruptDegradedReason = "the VMD's MSI-X table has no entry children may use; children are polled";
            return;
        }

        // The table refuses a request that covers no usable entry, so the lower bound is the first usable one + 1.
        int requested = Math.Clamp(options.RequestedVectors ?? info.TableSize, table.FirstUsable + 1, info.TableSize);
        if (!table.TryGrantFrom(host, requested, out _))
        {
            InterruptDegradedReason = "the host granted no usable vector; children are polled";
            return;
        }

        _vmdMsix = new MsixController(_host, Endpoint.Address, Msix.CapabilityOffset, info, _memBar2!.Region);
        _vmdMsix.Enable(); // function mask on, every entry masked
        var dispatcher = new InterruptDispatcher(info.TableSize, dummyReadBeforeHandler: Endpoint.Device.DeviceId == MeteorLakeVmd);
        int attached = 0;
        try
        {
            for (int index = 0; index < table.ActiveCount; index++)
            {
                if (table.TryGetHostVector(index, out HostVector vector))
                {
                    _vmdMsix.ProgramEntry(index, host.ComposeMessage(vector));
                    host.Attach(vector, dispatcher, (uint)index);
                    attached = index + 1;
                    host.Unmask(vector);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // IInterruptController documents no failure for ComposeMessage, Attach or Unmask: a host that throws is outside
            // the contract and its exception goes on to the caller, but the vectors it already granted go back first.
            _vmdMsix.Disable();
            _vmdMsix = null;
            ReturnGrantedVectors(host, table, attached);
            throw;
        }

        // Vectors first, then remapping on (VMCONFIG bit 1 = 0): no child message can arrive unhandled.
        _host.Update16(Endpoint.Address, VmdRegisters.VmConfig, VmdRegisters.VmConfigMsiRemapDisable, 0);
        _vmdMsix.ClearFunctionMask();
        Vectors = table;
        Dispatcher = dispatcher;
        RoutingMode = InterruptRoutingMode.Remapped;
        InterruptDegradedReason = table.Degraded ? table.DegradedReason : null;
    }

    /// <summary>
    /// After a host call threw while remapping was set up: masks and detaches the first <paramref name="attached"/>
    /// entries' vectors and frees every granted one, each call on its own so one more throw does not leak the rest.
    /// </summary>
    private static void ReturnGrantedVectors(IInterruptController host, VmdVectorTable table, int attached)
    {
        for (int index = 0; index < attached; index++)
        {
            if (table.TryGetHostVector(index, out HostVector vector))
            {
                try
                {
                    host.Mask(vector);
                    host.Detach(vector);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Outside the contract as well; freeing below is what must not be skipped.
                }
            }
        }

        try
        {
            table.ReleaseTo(host);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A host whose Free throws keeps the vector: nothing the library can do.
        }
    }

    private bool MsixFitsMemBar2(MsixCapabilityInfo info)
    {
        ulong length = _memBar2!.Region.Length;
        ulong tableBytes = (ulong)info.TableSize * MsixCapability.EntrySize;
        ulong pbaBytes = (ulong)((info.TableSize + MsixPendingBitArray.BitsPerQword - 1) / MsixPendingBitArray.BitsPerQword) * MsixPendingBitArray.QwordSize;
        const uint qwordMask = MsixPendingBitArray.QwordSize - 1;
        return info.TableBir == info.PbaBir && (info.TableOffset & qwordMask) == 0 && (info.PbaOffset & qwordMask) == 0
            && info.TableOffset <= length && length - info.TableOffset >= tableBytes
            && info.PbaOffset <= length && length - info.PbaOffset >= pbaBytes;
    }

    private bool TryEnterBypass(InterruptRoutingOptions options)
    {
        string? refusal = (Endpoint.Device.Features & VmdFeatures.CanBypassMsiRemap) == 0 ? $"8086:{Endpoint.Device.DeviceId:x4} cannot bypass MSI remapping"
            : Shadow!.IsTranslated ? "shadow offsets are non-zero (a VM guest): remapping must stay on"
            : options.HypervisorForbidsBypass ? "the host runs under a hypervisor that forbids bypass"
            : null;
        if (refusal is not null)
        {
            return FailStep(VmdStep.RouteInterrupts, VmdError.Unsupported, $"bypass refused for {Endpoint.Address}: {refusal}");
        }

        ushort value = _host.Update16(Endpoint.Address, VmdRegisters.VmConfig, 0, VmdRegisters.VmConfigMsiRemapDisable);
        if ((_host.Read16(Endpoint.Address, VmdRegisters.VmConfig) & VmdRegisters.VmConfigMsiRemapDisable) == 0)
        {
            return FailStep(VmdStep.RouteInterrupts, VmdError.Unsupported, $"VMCONFIG bit 1 of {Endpoint.Address} does not stay set (wrote {value:x4})");
        }

        _bypassSet = true;
        RoutingMode = InterruptRoutingMode.Bypass;
        return true;
    }

    private void AttachToDispatcher(PciFunction child, int vmdVector, IInterruptSink sink, uint cookie)
    {
        if (Dispatcher!.DummyReadBeforeHandler && _childMsix.TryGetValue(child.Address, out MsixController? _) && TryMappedBar0(child, out IMmioRegion? bar0))
        {
            Dispatcher.Attach(vmdVector, sink, cookie, bar0, 0);
        }
        else
        {
            Dispatcher.Attach(vmdVector, sink, cookie);
        }
    }

    private bool TryMappedBar0(PciFunction child, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IMmioRegion? region) =>
        TryMappedBar(child, 0, out region);

    private bool TryChildMsix(PciFunction child, ushort capability, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MsixController? controller)
    {
        if (_childMsix.TryGetValue(child.Address, out controller))
        {
            return true;
        }

        if (!MsixCapabilityInfo.TryRead(_domain!, child.Address, capability, out MsixCapabilityInfo info)
            || info.TableBir != info.PbaBir || info.TableBir >= child.BarCount)
        {
            return FailStep(VmdStep.RouteInterrupts, VmdError.Malformed, $"{child.Address}: MSI-X table and PBA must sit in one implemented BAR");
        }

        PciBar bar = child.Bars[info.TableBir];
        ulong cpu = child.GetBarCpuAddress(info.TableBir);
        if (bar.Kind is PciBarKind.None or PciBarKind.Io || cpu == 0)
        {
            return FailStep(VmdStep.RouteInterrupts, VmdError.BarNotImplemented, $"{child.Address}: BAR{info.TableBir} holding the MSI-X table has no address");
        }

        if (!_mapper.TryMap(cpu, bar.Size, out IMmioRegion? region))
        {
            return FailStep(VmdStep.RouteInterrupts, VmdError.MapFailed, $"the host could not map BAR{info.TableBir} of {child.Address} ({bar.Size:x} bytes at {cpu:x})");
        }

        _childRegions.Add(region);
        controller = new MsixController(_domain!, child.Address, capability, info, region);
        controller.Enable();
        _childMsix[child.Address] = controller;
        return true;
    }

    private PciFunction? FindFunction(PciAddress address)
    {
        foreach (PciFunction function in Functions)
        {
            if (function.Address == address)
            {
                return function;
            }
        }

        return null;
    }

    /// <summary>Undoes step 4: detaches every child, masks and frees the VMD's vectors, and clears the bypass bit if it was set (digest §3.3: some BIOSes do not turn remapping back on across a warm reboot).</summary>
    private void ReleaseInterrupts()
    {
        foreach (ChildInterrupt route in _routes)
        {
            DetachCore(route);
        }

        _routes.Clear();
        foreach (MsixController child in _childMsix.Values)
        {
            child.Disable();
        }

        _childMsix.Clear();
        _childMsi.Clear();
        foreach (IMmioRegion region in _childRegions)
        {
            _mapper.Unmap(region);
        }

        _childRegions.Clear();
        if (Vectors is { } table && _hostInterrupts is { } host)
        {
            _vmdMsix?.Disable();
            try
            {
                for (int index = 0; index < table.ActiveCount; index++)
                {
                    if (table.TryGetHostVector(index, out HostVector vector))
                    {
                        host.Mask(vector);
                        host.Detach(vector);
                    }
                }
            }
            finally
            {
                // Mask and Detach are documented not to fail; a host that throws anyway still gets every vector back.
                table.ReleaseTo(host);
            }
        }

        if (_bypassSet)
        {
            _host.Update16(Endpoint.Address, VmdRegisters.VmConfig, VmdRegisters.VmConfigMsiRemapDisable, 0);
            _bypassSet = false;
        }

        Vectors = null;
        RetireDispatcher();
        _vmdMsix = null;
        _hostInterrupts = null;
    }
}
