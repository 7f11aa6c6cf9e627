using System;
using Vmd.Registers;

namespace Vmd.Enumeration.HotPlug;

/// <summary>
/// Encodes and decodes <see cref="SlotLedState"/> in Slot Control bits 9:6 (attention indicator control 7:6, power
/// indicator control 9:8; per PCIe 01b on, 10b blink, 11b off). The mapping is the VMD convention, not the PCIe meaning.
/// </summary>
public static class SlotLeds
{
    /// <summary>The Slot Control bits an LED change may touch (9:6).</summary>
    public const ushort ControlMask = PciExpressSlot.AttentionIndicatorControlMask | PciExpressSlot.PowerIndicatorControlMask;

    private const ushort AttentionOn = 0b01 << 6;
    private const ushort AttentionOff = 0b11 << 6;
    private const ushort PowerOn = 0b01 << 8;
    private const ushort PowerOff = 0b11 << 8;

    /// <summary>Slot Control bits 9:6 for <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is <see cref="SlotLedState.Unknown"/> or not a state.</exception>
    public static ushort Encode(SlotLedState state) => state switch
    {
        SlotLedState.Off => AttentionOff | PowerOff,
        SlotLedState.Identify => AttentionOff | PowerOn,
        SlotLedState.Fault => AttentionOn | PowerOff,
        SlotLedState.Rebuild => AttentionOn | PowerOn,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Settable states are Off, Identify, Fault and Rebuild."),
    };

    /// <summary>The state bits 9:6 of <paramref name="slotControl"/> show; <see cref="SlotLedState.Unknown"/> for any other combination.</summary>
    public static SlotLedState Decode(ushort slotControl) => (ushort)(slotControl & ControlMask) switch
    {
        AttentionOff | PowerOff => SlotLedState.Off,
        AttentionOff | PowerOn => SlotLedState.Identify,
        AttentionOn | PowerOff => SlotLedState.Fault,
        AttentionOn | PowerOn => SlotLedState.Rebuild,
        _ => SlotLedState.Unknown,
    };

    /// <summary>Parses a state name as the shell takes it (off, identify, fault, rebuild; any case).</summary>
    public static bool TryParse(string? text, out SlotLedState state)
    {
        state = SlotLedState.Unknown;
        switch (text?.ToLowerInvariant())
        {
            case "off":
                state = SlotLedState.Off;
                return true;
            case "identify":
                state = SlotLedState.Identify;
                return true;
            case "fault":
                state = SlotLedState.Fault;
                return true;
            case "rebuild":
                state = SlotLedState.Rebuild;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The lower-case name of <paramref name="state"/>.</summary>
    public static string Name(SlotLedState state) => state switch
    {
        SlotLedState.Off => "off",
        SlotLedState.Identify => "identify",
        SlotLedState.Fault => "fault",
        SlotLedState.Rebuild => "rebuild",
        _ => "unknown",
    };
}
