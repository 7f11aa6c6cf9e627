using System;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmd.Core.Detection;
using Vmd.Core.Identification;
using Vmd.Core.Logging;
using Vmd.Core.Mapping;
using Vmd.Core.Reports;
using Vmd.Enumeration;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Capabilities;
using Vmd.Interrupts;
using Vmd.Registers;

namespace Vmd.Core;

/// <summary>
/// One VMD and its private domain: the state machine detect → map → (enable → enumerate → route →
/// reset → hot-plug → telemetry in later steps). Each step either completes or leaves the controller
/// in the state before it, with <see cref="LastFailure"/> saying what failed; a failed step can be retried.
/// </summary>
/// <remarks>
/// Steps and operations (map to route, reset, suspend/resume, hot-plug, attach/detach, errors) are serialised on an
/// internal lock and may be called from any thread, one at a time. While one runs, other threads may dispatch
/// interrupts (handlers detached by a step are never called after it returns), and read <see cref="Devices"/>,
/// <see cref="GetTelemetry"/> and <see cref="CopyVectorCounts"/> without a lock; <see cref="Functions"/> and its
/// records are refilled in place and belong to the thread driving the controller. The controller
/// never disposes host ports; it returns every region it mapped to the host's <see cref="IMmioMapper"/>.
/// </remarks>
public sealed partial class VmdController : IDisposable
{
    private readonly IConfigSpace _host;
    private readonly IMmioMapper _mapper;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly VmdHostOptions _options;
    private VmdBar? _cfgBar;
    private VmdBar? _memBar1;
    private VmdBar? _memBar2;

    /// <summary>Creates a controller for a detected endpoint. No hardware is touched until a step runs.</summary>
    /// <param name="hostConfig">The host's config space, where the endpoint lives.</param>
    /// <param name="mapper">The host's mapping port.</param>
    /// <param name="endpoint">A result of <see cref="VmdDetector.Detect"/>.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="options">Host options (enumeration and resource choices); null for the defaults.</param>
    public VmdController(IConfigSpace hostConfig, IMmioMapper mapper, VmdEndpoint endpoint, ILogger? logger = null, VmdHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(endpoint);
        _host = hostConfig;
        _mapper = mapper;
        Endpoint = endpoint;
        _logger = logger ?? NullLogger.Instance;
        _options = options ?? new VmdHostOptions();
    }

    /// <summary>The endpoint and its domain.</summary>
    public VmdEndpoint Endpoint { get; }

    /// <summary>The last completed step.</summary>
    public VmdState State { get; private set; } = VmdState.Detected;

    /// <summary>The last failure, or null when the last step succeeded.</summary>
    public VmdFailure? LastFailure { get; private set; }

    /// <summary>CFGBAR, once mapped.</summary>
    public VmdBar? CfgBar => _cfgBar;

    /// <summary>MEMBAR1, once mapped.</summary>
    public VmdBar? MemBar1 => _memBar1;

    /// <summary>MEMBAR2, once mapped.</summary>
    public VmdBar? MemBar2 => _memBar2;

    /// <summary>The private domain's bus numbers (the first root bus's, on a VMD with two), once mapped.</summary>
    public VmdBusRange? BusRange { get; private set; }

    /// <summary>
    /// The domain's root buses with their CFGBAR buses and aperture parts, once mapped: one, or two on a VMD with a second
    /// root bus. Empty before <see cref="TryMap"/>.
    /// </summary>
    public ReadOnlySpan<VmdRootBus> RootBuses => _rootBuses;

    /// <summary>The second root bus (buses from 0x80), or null on a VMD with one root bus or before mapping.</summary>
    public VmdRootBus? SecondRootBus => _rootBuses.Length > 1 ? _rootBuses[1] : null;

    /// <summary>Shadow offsets (bus address = CPU address − offset), once mapped.</summary>
    public ShadowOffsets? Shadow { get; private set; }

    /// <summary>The VMD's own MSI-X table location and size, once mapped; null when the endpoint has none.</summary>
    public VmdMsixInfo? Msix { get; private set; }

    /// <summary>VMCAP as read during <see cref="TryMap"/>.</summary>
    public ushort VmCap { get; private set; }

    /// <summary>VMCONFIG as read during <see cref="TryMap"/>.</summary>
    public ushort VmConfig { get; private set; }

    /// <summary>VMLOCK as read during <see cref="TryMap"/>; null on IDs that must not read it (no MEMBAR2-shadow feature).</summary>
    public uint? VmLock { get; private set; }

    /// <summary>True when <see cref="TryMap"/> had to turn on memory decode.</summary>
    public bool EnabledMemoryDecode { get; private set; }

    /// <summary>
    /// Step 1: sizes CFGBAR, MEMBAR1 and MEMBAR2 (decode off while sizing, restored after), maps them,
    /// reads the bus range and the shadow offsets. On failure nothing stays mapped, the command
    /// register is as before, and <see cref="LastFailure"/> names what failed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller is not in state <see cref="VmdState.Detected"/>.</exception>
    public bool TryMap()
    {
        lock (_gate)
        {
            if (State != VmdState.Detected)
            {
                throw new InvalidOperationException($"Map needs state Detected; VMD {Endpoint.Address} is {State}.");
            }

            LastFailure = null;
            ushort commandBefore = _host.Read16(Endpoint.Address, PciHeader.Command);
            VmdFailure? failure = MapCore(commandBefore);
            if (failure is null)
            {
                State = VmdState.Mapped;
                Log.Mapped(_logger, Endpoint.Address, Endpoint.Domain, BusRange!.Start, BusRange.End, _cfgBar!.Address, _memBar1!.Address, _memBar2!.Address);
                return true;
            }

            ReleaseRegions();
            if (EnabledMemoryDecode)
            {
                _host.Write16(Endpoint.Address, PciHeader.Command, commandBefore);
                EnabledMemoryDecode = false;
            }

            BusRange = null;
            _rootBuses = [];
            _busRange1 = null;
            Shadow = null;
            Msix = null;
            VmLock = null;
            LastFailure = failure;
            Log.StepFailed(_logger, Endpoint.Address, failure.Step, failure.Error, failure.Message);
            return false;
        }
    }

    /// <summary>
    /// Returns every mapped region to the host and goes back to <see cref="VmdState.Detected"/>, from any state.
    /// The domain's config space and device list are dropped with the mappings.
    /// </summary>
    public void Unmap()
    {
        lock (_gate)
        {
            if (State == VmdState.Detected)
            {
                return;
            }

            if (State >= VmdState.InterruptsRouted)
            {
                ReleaseInterrupts();
            }

            ReleaseDomain();
            ReleaseRegions();
            BusRange = null;
            _rootBuses = [];
            _busRange1 = null;
            Shadow = null;
            State = VmdState.Detected;
            PublishDevices();
            Log.Unmapped(_logger, Endpoint.Address);
        }
    }

    /// <summary>Releases everything the controller holds (same as <see cref="Unmap"/>).</summary>
    public void Dispose() => Unmap();

    private void ReleaseRegions()
    {
        Release(ref _cfgBar);
        Release(ref _memBar1);
        Release(ref _memBar2);
    }

    private void Release(ref VmdBar? bar)
    {
        if (bar is not null)
        {
            _mapper.Unmap(bar.Region);
            bar = null;
        }
    }

    private static VmdFailure Fail(VmdError error, string message) => new(VmdStep.Map, error, message);
}
