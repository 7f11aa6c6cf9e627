using System;
using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Devices;

/// <summary>
/// The physical side of a hot-plug slot: a card going in (with contact bounce) or out, the slot's power controller,
/// and the link training that follows insertion or power-on. Nothing runs on a timer: changes that are due are applied
/// when a configuration request reaches the port or a function below it, or when <see cref="Update"/> is called,
/// against the machine's clock.
/// </summary>
public sealed partial class PciePort
{
    private bool _presence;
    private int _togglesLeft;
    private long _nextToggleAt;
    private long _toggleInterval;
    private bool _trainingPending;
    private long _linkUpAt;
    private bool _linkUp;
    private bool _powered = true;
    private bool _hotPlugging;

    /// <summary>True when the slot is hot-plug capable (Slot Capabilities bit 6).</summary>
    public bool IsHotPlugCapable => _hotPlugCapable;

    /// <summary>Physical Slot Number (Slot Capabilities bits 31:19); 0 on a port without a slot.</summary>
    public int PhysicalSlotNumber =>
        _hasSlot ? (int)(Function.Read32((ushort)(_pcie + PciExpressCapability.SlotCapabilities)) >> PciExpressSlot.PhysicalSlotNumberShift) : 0;

    /// <summary>True when the slot has a power controller (Slot Capabilities bit 1): Slot Control bit 10 switches the card's power.</summary>
    public bool HasPowerController => _hasPowerController;

    /// <summary>True when the slot has an attention button (Slot Capabilities bit 0); see <see cref="PressAttentionButton"/>.</summary>
    public bool HasAttentionButton => _hasAttentionButton;

    /// <summary>True unless the slot has a power controller and Slot Control bit 10 (Power Controller Control) is 1.</summary>
    public bool IsSlotPowered =>
        !_hasPowerController || (Function.Read16((ushort)(_pcie + PciExpressCapability.SlotControl)) & PciExpressSlot.PowerControllerControl) == 0;

    /// <summary>Presence Detect State as the slot reports it (bounces included), as of the last access or <see cref="Update"/>.</summary>
    public bool IsPresenceDetected => _presence;

    /// <summary>
    /// Hot-inserts <paramref name="function"/> into the link. Presence Detect State goes to 1 and Presence Detect
    /// Changed is set at once. With <paramref name="bounces"/> &gt; 0 the contacts bounce: presence then drops and
    /// returns <paramref name="bounces"/> times, one change every <paramref name="bounceInterval"/>, each change setting
    /// Presence Detect Changed again (2 × bounces + 1 changes in all), and settles present at
    /// 2 × bounces × <paramref name="bounceInterval"/>. Once presence has settled and the slot is powered, the link trains
    /// for the port's <see cref="SimulatedFunction.LinkTrainingTime"/>; then DLL Link Active goes to 1 and Data Link
    /// Layer State Changed is set. The card starts from its power-on state (BARs and Command as built) and answers
    /// configuration requests from its <see cref="SimulatedFunction.ReadinessTime"/> after training began, never before
    /// the link is up. Each event may send the hot-plug interrupt (see <see cref="HotPlugMessagesSent"/>).
    /// </summary>
    /// <param name="function">The card's function (for example from <see cref="SpareDrives"/>); it must not sit on a bus.</param>
    /// <param name="functionNumber">Function number on the link; a second function joins the card already present (no presence event).</param>
    /// <param name="bounces">Make/break cycles of the presence contacts before they settle.</param>
    /// <param name="bounceInterval">Time between two presence changes while bouncing (required when <paramref name="bounces"/> &gt; 0).</param>
    /// <remarks>Takes the machine's lock (re-entrant); messages are delivered when the caller does not hold it, otherwise after its next port access.</remarks>
    public void HotAdd(SimulatedFunction function, int functionNumber = 0, int bounces = 0, TimeSpan bounceInterval = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        RequireLink();
        ArgumentOutOfRangeException.ThrowIfNegative(bounces);
        if (bounces > 0 && bounceInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(bounceInterval), bounceInterval, "A bouncing insertion needs a positive interval between presence changes.");
        }

        RunLocked((now, frequency) =>
        {
            Settle(now);
            bool wasPresent = SecondaryBus.Count > 0;
            Plug(() => SecondaryBus.Add(0, functionNumber, function));
            if (wasPresent)
            {
                // Another function of the card in the slot: it shares the card's power and the link's state.
                if (!_linkUp)
                {
                    Function.HoldSecondaryBus();
                    if (IsSlotPowered)
                    {
                        StartTraining(now, frequency);
                    }
                }

                return true;
            }

            _presence = true;
            _toggleInterval = SimulatedFunction.ToTicks(bounceInterval, frequency);
            _togglesLeft = 2 * bounces;
            _nextToggleAt = now + _toggleInterval;

            // The card had no power outside the slot: it starts from its power-on state, held until the slot powers it.
            Function.HoldSecondaryBus();
            if (IsSlotPowered)
            {
                StartTraining(now, frequency);
            }
            else
            {
                _trainingPending = true;
                _linkUpAt = long.MaxValue;
            }

            Refresh(raiseEvents: true);
            SetSlotEvent(PciExpressSlot.PresenceDetectChanged);

            // With no training time (and no bounce) the link is up before this returns.
            Settle(now);
            return true;
        });
    }

    /// <summary>
    /// Pulls the card out of the slot: every function on the link is gone at once (requests below read all-ones),
    /// Presence Detect State goes to 0 with Presence Detect Changed, and if the link was up DLL Link Active goes to 0 with
    /// Data Link Layer State Changed. Surprise and orderly removal are the same physical act; what differs is what the
    /// driver did before (indicators, power off). Returns false when the link was already empty.
    /// </summary>
    /// <remarks>Takes the machine's lock (re-entrant), as <see cref="HotAdd"/>.</remarks>
    public bool HotRemove()
    {
        RequireLink();
        return RunLocked((now, _) =>
        {
            Settle(now);
            if (SecondaryBus.Count == 0)
            {
                return false;
            }

            Plug(() =>
            {
                while (SecondaryBus.Count > 0)
                {
                    SecondaryBus.GetAt(0, out int device, out int functionNumber);
                    SecondaryBus.Remove(device, functionNumber);
                }
            });

            _presence = false;
            _togglesLeft = 0;
            _trainingPending = false;
            Refresh(raiseEvents: true);
            SetSlotEvent(PciExpressSlot.PresenceDetectChanged);
            return true;
        });
    }

    /// <summary>Presses the slot's attention button: sets Attention Button Pressed (RW1C). False when the slot has no button.</summary>
    public bool PressAttentionButton()
    {
        if (!_hasAttentionButton)
        {
            return false;
        }

        return RunLocked((now, _) =>
        {
            Settle(now);
            SetSlotEvent(PciExpressSlot.AttentionButtonPressed);
            return true;
        });
    }

    /// <summary>
    /// Applies what has become due by now on the machine's clock, as a configuration access to the port would: presence
    /// bounces, the end of link training after insertion, power-on or Secondary Bus Reset (DLL Link Active 1, Data Link
    /// Layer State Changed), and the hot-plug interrupts they raise. A test that waits for interrupts calls it after
    /// advancing the clock; a driver that polls registers does not need it.
    /// </summary>
    public void Update()
    {
        if (PortType == PciExpressPortType.SwitchUpstreamPort)
        {
            return;
        }

        RunLocked((now, _) =>
        {
            Function.SettleLinkAt(now);
            Settle(now);
            return true;
        });
    }

    /// <summary>Applies the presence changes and the end of link training due at or before <paramref name="now"/>, in order.</summary>
    private void Settle(long now)
    {
        if (PortType == PciExpressPortType.SwitchUpstreamPort)
        {
            return;
        }

        while (_togglesLeft > 0 && now >= _nextToggleAt)
        {
            _presence = !_presence;
            _togglesLeft--;
            _nextToggleAt += _toggleInterval;
            Refresh(raiseEvents: true);
            SetSlotEvent(PciExpressSlot.PresenceDetectChanged);
        }

        if (_trainingPending && now >= _linkUpAt)
        {
            _trainingPending = false;
            Refresh(raiseEvents: true);
        }
    }

    /// <summary>
    /// Power reaches the card (or already had): training starts once presence has settled, and the card comes out of
    /// reset then, answering after its readiness time but not before the link is up.
    /// </summary>
    private void StartTraining(long now, long frequency)
    {
        long settled = _togglesLeft == 0 ? now : _nextToggleAt + ((_togglesLeft - 1) * _toggleInterval);
        long start = Math.Max(now, settled);
        _trainingPending = true;
        _linkUpAt = start + SimulatedFunction.ToTicks(Function.LinkTrainingTime, frequency);

        // While Secondary Bus Reset is held the card stays in reset; clearing it releases the card.
        if (!Function.IsSecondaryResetAsserted)
        {
            Function.ReleaseSecondaryBus(start, _linkUpAt, frequency);
        }
    }

    /// <summary>Slot Control bit 10 may have changed: power the card off (link down) or on (link trains).</summary>
    private void ApplyPowerControl()
    {
        bool powered = IsSlotPowered;
        if (powered == _powered)
        {
            return;
        }

        _powered = powered;
        TimeProvider time = Clock;
        long now = time.GetTimestamp();
        if (SecondaryBus.Count > 0)
        {
            if (powered)
            {
                StartTraining(now, time.TimestampFrequency);
            }
            else
            {
                // Without power the card loses all state and reads all-ones; the link goes down at once.
                Function.HoldSecondaryBus();
                _trainingPending = true;
                _linkUpAt = long.MaxValue;
            }
        }

        Refresh(raiseEvents: true);
        Settle(now);
    }

    /// <summary>The port itself returned to its power-on state (Slot Control included, so the slot's power is on again).</summary>
    private void OnPortReset()
    {
        _interruptAsserted = false;
        bool powered = IsSlotPowered;
        if (powered != _powered)
        {
            _powered = powered;
            if (powered && SecondaryBus.Count > 0)
            {
                TimeProvider time = Clock;
                StartTraining(time.GetTimestamp(), time.TimestampFrequency);
            }
        }

        Refresh(raiseEvents: false);
    }

    /// <summary>
    /// Secondary Bus Reset was asserted, cleared or finished training. Clearing it releases every function below; a
    /// card in a slot that is powered off stays held, and one whose slot link is still training waits for it too.
    /// </summary>
    private void OnSecondaryResetChanged()
    {
        bool justReleased = !Function.IsSecondaryResetAsserted && !Function.SecondaryLinkUp && SecondaryBus.Count > 0;
        if (!justReleased)
        {
            return;
        }

        if (!IsSlotPowered)
        {
            Function.HoldSecondaryBus();
        }
        else if (_trainingPending)
        {
            Function.DelayReadinessBelow(_linkUpAt);
        }
    }

    /// <summary>Changes the bus as a physical act: the occupancy listener leaves presence and the link to the slot model.</summary>
    private void Plug(Action change)
    {
        _hotPlugging = true;
        try
        {
            change();
        }
        finally
        {
            _hotPlugging = false;
        }
    }

    /// <summary>Runs <paramref name="body"/> with the clock read once, under the machine's lock, then delivers queued messages.</summary>
    private T RunLocked<T>(Func<long, long, T> body)
    {
        MachineFabric? fabric = UpstreamPath.FindFabric(Function);
        TimeProvider time = fabric?.Time ?? TimeProvider.System;
        if (fabric is null)
        {
            return body(time.GetTimestamp(), time.TimestampFrequency);
        }

        T result;
        lock (fabric.Sync)
        {
            result = body(time.GetTimestamp(), time.TimestampFrequency);
        }

        fabric.RootComplex.DeliverQueued();
        return result;
    }

    private TimeProvider Clock => UpstreamPath.FindFabric(Function)?.Time ?? TimeProvider.System;
}
