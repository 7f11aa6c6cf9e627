using System;
using System.Collections.Generic;
using Vmd.Registers;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Functions;

/// <summary>
/// Resets and power states: conventional reset to the power-on state, Secondary Bus Reset on a bridge, Function
/// Level Reset, PMCSR D0/D3hot, and the time a function needs before it answers again.
/// </summary>
public sealed partial class SimulatedFunction
{
    /// <summary>Default time a function needs after a reset ends before it answers configuration requests.</summary>
    public static TimeSpan DefaultReadinessTime => TimeSpan.FromMilliseconds(50);

    /// <summary>Default time the link below a bridge needs to train after Secondary Bus Reset is cleared.</summary>
    public static TimeSpan DefaultLinkTrainingTime => TimeSpan.FromMilliseconds(20);

    private const int MaxResetRecords = 16;
    private readonly List<SecondaryBusResetRecord> _resets = [];
    private byte[]? _powerOn;
    private ushort _pmCapability;
    private ushort _pcieCapability;
    private bool _heldInReset;
    private bool _dead;
    private bool _waitingReady;
    private long _readyAt;
    private bool _secondaryResetAsserted;
    private bool _linkTraining;
    private long _linkUpAt;

    /// <summary>
    /// When true, a reset also clears every writable bit of the standard header (0x04–0x3F), as real hardware does,
    /// instead of returning to the state the function was built in (which includes what "firmware" programmed).
    /// </summary>
    public bool ResetLosesFirmwareSettings { get; set; }

    /// <summary>
    /// Time the function needs after a reset ends (Secondary Bus Reset cleared above it, or FLR) before it answers
    /// configuration requests; until then reads return all-ones and writes are dropped. Default
    /// <see cref="DefaultReadinessTime"/> (50 ms; PCIe lets a function take up to 100 ms).
    /// </summary>
    public TimeSpan ReadinessTime { get; set; } = DefaultReadinessTime;

    /// <summary>True models a dead device: after its next reset it never answers again (config and memory read all-ones).</summary>
    public bool NeverReadyAfterReset { get; set; }

    /// <summary>On a bridge: the time the link below needs to train after Secondary Bus Reset is cleared (default <see cref="DefaultLinkTrainingTime"/>).</summary>
    public TimeSpan LinkTrainingTime { get; set; } = DefaultLinkTrainingTime;

    /// <summary>
    /// On a bridge: the last pulses of Secondary Bus Reset (at most 16, oldest first), with the timestamps of assert,
    /// deassert and the first configuration request that reached a function below afterwards.
    /// </summary>
    public IReadOnlyList<SecondaryBusResetRecord> SecondaryBusResets => _resets;

    /// <summary>True while the function is held in reset or has not yet become ready after one (judged at the last access).</summary>
    public bool IsInReset => _heldInReset || _dead || _waitingReady;

    /// <summary>On a bridge: true while the link below is up (not held by Secondary Bus Reset, not training).</summary>
    internal bool SecondaryLinkUp => !_secondaryResetAsserted && !_linkTraining;

    /// <summary>On a bridge: true while software holds Bridge Control bit 6 (Secondary Bus Reset) set.</summary>
    internal bool IsSecondaryResetAsserted => _secondaryResetAsserted;

    /// <summary>False while the function is held in reset, dead after one, or out of D0: it masters nothing (no DMA, no messages).</summary>
    internal bool CanIssueRequests => PowerState == PowerStateD0 && !_heldInReset && !_dead;

    /// <summary>The device model told about resets and link changes (set by the models that need it).</summary>
    internal IFunctionResetListener? ResetListener { get; set; }

    /// <summary>
    /// Takes the configuration bytes as they stand as the function's power-on state, the state a conventional reset
    /// returns to. <see cref="FunctionBuilder.Build"/> calls it; call it again after changing registers by hand.
    /// </summary>
    public void CapturePowerOnState()
    {
        _powerOn ??= new byte[ConfigSpaceSize];
        _bytes.AsSpan().CopyTo(_powerOn);
        _pmCapability = FindCapability(CapabilityId.PowerManagement);
        _pcieCapability = FindCapability(CapabilityId.PciExpress);
    }

    /// <summary>
    /// A conventional reset of this function alone: configuration bytes (BARs, Command, bus numbers, windows, MSI and
    /// MSI-X control, PMCSR) return to the power-on state, and the device model resets its own state (NVMe controller
    /// registers and queues, the MSI-X table). It takes effect at once; the timed resets are Secondary Bus Reset,
    /// FLR and D3hot → D0. Callers hold the machine's lock when other threads use the machine.
    /// </summary>
    public void ResetToPowerOn()
    {
        if (_powerOn is not null)
        {
            _powerOn.AsSpan().CopyTo(_bytes);
        }

        if (ResetLosesFirmwareSettings)
        {
            // Hardware comes out of reset with every software-writable header bit at 0: BAR addresses, Command,
            // bus numbers, windows and Bridge Control are whatever software programs next (read-only bits, such as a
            // BAR's type or a hard-wired primary bus number, keep their value).
            for (int at = PciHeader.Command; at < PciHeader.Length; at++)
            {
                _bytes[at] &= (byte)~_writable[at];
            }
        }

        bool releaseBelow = _secondaryResetAsserted && (_bytes[Type1Header.BridgeControl] & (byte)BridgeControl.SecondaryBusReset) == 0;
        _secondaryResetAsserted = false;
        _linkTraining = false;
        ResetListener?.OnFunctionReset(this);
        if (releaseBelow)
        {
            // Bridge Control bit 6 went back to 0 with the rest of the registers: the reset below ends here.
            OnSecondaryBusReset(false);
        }
    }

    /// <summary>
    /// Whether a configuration request reaching this function now is answered. Records the first request below a
    /// bridge after its Secondary Bus Reset and finishes link training, slot events and readiness waits that have
    /// elapsed; a request below a port whose link is down is not answered (the port completes it as Unsupported Request).
    /// </summary>
    internal bool AcceptsConfig(TimeProvider time)
    {
        long now = time.GetTimestamp();
        SettleLink(now);
        DownstreamLink?.Settle(now);
        bool reachable = RecordRequestBelowBridges(now);
        return reachable && IsResponding(now) && AnswersBeforeVanishing();
    }

    /// <summary>Whether memory requests reach the function's BARs now: it is out of reset, ready and in D0.</summary>
    private bool RespondsToMemory()
    {
        if (PowerState != PowerStateD0 || _vanished)
        {
            return false;
        }

        if (!_waitingReady)
        {
            return !_heldInReset && !_dead;
        }

        TimeProvider? time = UpstreamPath.FindFabric(this)?.Time;
        return time is not null && IsResponding(time.GetTimestamp());
    }

    private bool IsResponding(long now)
    {
        if (_heldInReset || _dead)
        {
            return false;
        }

        if (_waitingReady)
        {
            if (now < _readyAt)
            {
                return false;
            }

            _waitingReady = false;
        }

        return true;
    }

    /// <summary>Runs after a configuration write has taken effect: Secondary Bus Reset, FLR and power-state changes.</summary>
    private void OnResetRegistersWritten(ushort offset, int width, uint value, bool resetWasAsserted, int oldPowerState)
    {
        if (IsBridge && Covers(offset, width, Type1Header.BridgeControl))
        {
            bool asserted = (_bytes[Type1Header.BridgeControl] & (byte)BridgeControl.SecondaryBusReset) != 0;
            if (asserted != resetWasAsserted)
            {
                OnSecondaryBusReset(asserted);
            }
        }

        ushort deviceControlHigh = (ushort)(_pcieCapability + PciExpressCapability.DeviceControl + 1);
        if (_pcieCapability != 0 && Covers(offset, width, deviceControlHigh)
            && ((value >> (8 * (deviceControlHigh - offset))) & (PciExpressDevice.InitiateFunctionLevelReset >> 8)) != 0
            && (ReadRaw32((ushort)(_pcieCapability + PciExpressCapability.DeviceCapabilities)) & PciExpressCapability.FunctionLevelResetCapable) != 0)
        {
            // PCIe Base §6.6.2: the function alone returns to its reset state and may take up to 100 ms to answer.
            ResetToPowerOn();
            StartReadinessWait(Time(), ReadinessTime);
            return;
        }

        ushort controlStatus = (ushort)(_pmCapability + PowerManagementCapability.ControlStatus);
        if (_pmCapability != 0 && Covers(offset, width, controlStatus))
        {
            OnPowerStateWritten(oldPowerState);
        }
    }

    private void OnSecondaryBusReset(bool asserted)
    {
        TimeProvider time = Time();
        long now = time.GetTimestamp();
        if (asserted)
        {
            if (_resets.Count == MaxResetRecords)
            {
                _resets.RemoveAt(0);
            }

            _resets.Add(new SecondaryBusResetRecord(time.TimestampFrequency, now, null, null));
            _secondaryResetAsserted = true;
            _linkTraining = false;
            if (_secondaryBus is not null)
            {
                HoldBelow(_secondaryBus, 0);
            }
        }
        else
        {
            if (_resets.Count > 0 && _resets[^1].DeassertedAt is null)
            {
                _resets[^1] = _resets[^1].WithDeassert(now);
            }

            _secondaryResetAsserted = false;
            _linkTraining = true;
            _linkUpAt = now + ToTimestamp(LinkTrainingTime, time.TimestampFrequency);
            if (_secondaryBus is not null)
            {
                ReleaseBelow(_secondaryBus, now, _linkUpAt, time.TimestampFrequency, 0);
            }
        }

        ResetListener?.OnLinkStateChanged(this);
        SettleLink(now);
    }

    private static void HoldBelow(SimulatedBus bus, int depth)
    {
        if (depth >= Domain.DomainRouter.MaxDepth)
        {
            return;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            function.ResetToPowerOn();
            function._heldInReset = true;
            function._waitingReady = false;
            if (function.IsBridge && function._secondaryBus is SimulatedBus below)
            {
                HoldBelow(below, depth + 1);
            }
        }
    }

    private static void ReleaseBelow(SimulatedBus bus, long now, long linkUpAt, long frequency, int depth)
    {
        if (depth >= Domain.DomainRouter.MaxDepth)
        {
            return;
        }

        for (int i = 0; i < bus.Count; i++)
        {
            SimulatedFunction function = bus.GetAt(i, out _, out _);
            if (!function._heldInReset)
            {
                continue;
            }

            function._heldInReset = false;
            function._dead = function.NeverReadyAfterReset;
            long readyAt = now + ToTimestamp(function.ReadinessTime, frequency);

            // A function cannot answer before the link above it is up.
            function._readyAt = readyAt > linkUpAt ? readyAt : linkUpAt;
            function._waitingReady = true;
            if (function.IsBridge && function._secondaryBus is SimulatedBus below)
            {
                ReleaseBelow(below, now, linkUpAt, frequency, depth + 1);
            }
        }
    }

    private void StartReadinessWait(TimeProvider time, TimeSpan wait)
    {
        _dead = NeverReadyAfterReset;
        _readyAt = time.GetTimestamp() + ToTimestamp(wait, time.TimestampFrequency);
        _waitingReady = true;
    }

    private void SettleLink(long now)
    {
        if (_linkTraining && now >= _linkUpAt)
        {
            _linkTraining = false;
            ResetListener?.OnLinkStateChanged(this);
        }
    }

    /// <summary>
    /// Notes the first request after deassert in the record of every bridge above that is waiting for one, and lets the
    /// link model of every port above catch up; false when one of those links is down.
    /// </summary>
    private bool RecordRequestBelowBridges(long now)
    {
        bool reachable = true;
        SimulatedFunction current = this;
        for (int depth = 0; depth < Domain.DomainRouter.MaxDepth; depth++)
        {
            SimulatedFunction? bridge = current.ParentBus?.UpstreamBridge;
            if (bridge is null)
            {
                return reachable;
            }

            List<SecondaryBusResetRecord> resets = bridge._resets;
            if (resets.Count > 0 && resets[^1].DeassertedAt is not null && resets[^1].FirstConfigRequestAt is null)
            {
                resets[^1] = resets[^1].WithFirstRequest(now);
            }

            bridge.SettleLink(now);
            if (bridge.DownstreamLink is IDownstreamLink link)
            {
                link.Settle(now);
                reachable &= link.PassesRequests;
            }

            current = bridge;
        }

        return reachable;
    }

    private TimeProvider Time() => UpstreamPath.FindFabric(this)?.Time ?? TimeProvider.System;

    private static long ToTimestamp(TimeSpan span, long frequency) =>
        frequency == TimeSpan.TicksPerSecond ? span.Ticks : (long)((double)span.Ticks * frequency / TimeSpan.TicksPerSecond);

    private static bool Covers(ushort offset, int width, int register) => register >= offset && register < offset + width;

    private uint ReadRaw32(ushort offset) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(offset));

    private ushort FindCapability(CapabilityId id)
    {
        if ((Peek16(PciHeader.Status) & (ushort)PciStatus.CapabilitiesList) == 0)
        {
            return 0;
        }

        int at = _bytes[PciHeader.CapabilitiesPointer] & CapabilityHeader.PointerMask;
        for (int hops = 0; at >= PciHeader.Length && at < 0x100 && hops < CapabilityHeader.MaxStandardEntries; hops++)
        {
            if (_bytes[at] == (byte)id)
            {
                return (ushort)at;
            }

            at = _bytes[at + CapabilityHeader.Next] & CapabilityHeader.PointerMask;
        }

        return 0;
    }
}
