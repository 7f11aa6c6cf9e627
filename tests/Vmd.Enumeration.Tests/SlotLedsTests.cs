using System;
using System.Collections.Generic;
using Vmd.Enumeration.HotPlug;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>The VMD LED states in Slot Control bits 9:6 (attention indicator 7:6, power indicator 9:8).</summary>
public sealed class SlotLedsTests
{
    // Indicator control codes (PCIe): 01b on, 10b blink, 11b off; 00b reserved.
    private const int On = 0b01;
    private const int Off = 0b11;

    private static ushort Bits(int attention, int power) => (ushort)((attention << 6) | (power << 8));

    [Fact]
    public void Control_mask_is_bits_9_to_6()
    {
        Assert.Equal(0x03C0, SlotLeds.ControlMask);
        Assert.Equal(PciExpressSlot.AttentionIndicatorControlMask | PciExpressSlot.PowerIndicatorControlMask, SlotLeds.ControlMask);
    }

    [Theory]
    [InlineData(SlotLedState.Off, 0x03C0)] // attention 11b, power 11b
    [InlineData(SlotLedState.Identify, 0x01C0)] // attention 11b, power 01b
    [InlineData(SlotLedState.Fault, 0x0340)] // attention 01b, power 11b
    [InlineData(SlotLedState.Rebuild, 0x0140)] // attention 01b, power 01b
    public void Encode_gives_the_exact_vmd_bits(SlotLedState state, int expected)
    {
        ushort bits = SlotLeds.Encode(state);

        Assert.Equal((ushort)expected, bits);
        Assert.Equal(0, bits & ~SlotLeds.ControlMask);
    }

    [Fact]
    public void Encodings_spelled_as_indicator_codes()
    {
        Assert.Equal(Bits(Off, Off), SlotLeds.Encode(SlotLedState.Off));
        Assert.Equal(Bits(Off, On), SlotLeds.Encode(SlotLedState.Identify));
        Assert.Equal(Bits(On, Off), SlotLeds.Encode(SlotLedState.Fault));
        Assert.Equal(Bits(On, On), SlotLeds.Encode(SlotLedState.Rebuild));
    }

    [Fact]
    public void Decode_of_all_16_combinations_gives_4_states_and_12_unknown()
    {
        var seen = new Dictionary<SlotLedState, int>();
        for (int attention = 0; attention < 4; attention++)
        {
            for (int power = 0; power < 4; power++)
            {
                SlotLedState expected = (attention, power) switch
                {
                    (Off, Off) => SlotLedState.Off,
                    (Off, On) => SlotLedState.Identify,
                    (On, Off) => SlotLedState.Fault,
                    (On, On) => SlotLedState.Rebuild,
                    _ => SlotLedState.Unknown,
                };

                SlotLedState decoded = SlotLeds.Decode(Bits(attention, power));

                Assert.True(expected == decoded, $"attention {attention:b2} power {power:b2}: expected {expected}, got {decoded}");
                seen[decoded] = seen.GetValueOrDefault(decoded) + 1;
            }
        }

        Assert.Equal(1, seen[SlotLedState.Off]);
        Assert.Equal(1, seen[SlotLedState.Identify]);
        Assert.Equal(1, seen[SlotLedState.Fault]);
        Assert.Equal(1, seen[SlotLedState.Rebuild]);
        Assert.Equal(12, seen[SlotLedState.Unknown]);
    }

    [Theory]
    [InlineData(SlotLedState.Off)]
    [InlineData(SlotLedState.Identify)]
    [InlineData(SlotLedState.Fault)]
    [InlineData(SlotLedState.Rebuild)]
    public void Decode_ignores_every_bit_outside_9_to_6(SlotLedState state)
    {
        ushort bits = SlotLeds.Encode(state);
        ushort others = unchecked((ushort)~SlotLeds.ControlMask);

        Assert.Equal(state, SlotLeds.Decode(bits));
        Assert.Equal(state, SlotLeds.Decode((ushort)(bits | others)));
        for (int bit = 0; bit < 16; bit++)
        {
            if ((SlotLeds.ControlMask & (1 << bit)) == 0)
            {
                Assert.Equal(state, SlotLeds.Decode((ushort)(bits | (1 << bit))));
            }
        }
    }

    [Fact]
    public void Decode_of_edge_values()
    {
        // 0xFFFF (a port that stopped answering) holds 11b/11b in 9:6, so it decodes as Off; reserved 00b is Unknown.
        Assert.Equal(SlotLedState.Off, SlotLeds.Decode(0xFFFF));
        Assert.Equal(SlotLedState.Unknown, SlotLeds.Decode(0x0000));
        Assert.Equal(SlotLedState.Unknown, SlotLeds.Decode(0xFC3F)); // everything but 9:6
    }

    [Theory]
    [InlineData(SlotLedState.Off, "off")]
    [InlineData(SlotLedState.Identify, "identify")]
    [InlineData(SlotLedState.Fault, "fault")]
    [InlineData(SlotLedState.Rebuild, "rebuild")]
    public void Name_and_parse_round_trip(SlotLedState state, string name)
    {
        Assert.Equal(name, SlotLeds.Name(state));
        Assert.True(SlotLeds.TryParse(SlotLeds.Name(state), out SlotLedState parsed));
        Assert.Equal(state, parsed);
        Assert.True(SlotLeds.TryParse(name.ToUpperInvariant(), out parsed));
        Assert.Equal(state, parsed);
        Assert.Equal(state, SlotLeds.Decode(SlotLeds.Encode(state)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("on")]
    [InlineData(" off")]
    [InlineData("blink")]
    public void Parse_rejects_other_text(string? text)
    {
        Assert.False(SlotLeds.TryParse(text, out SlotLedState state));
        Assert.Equal(SlotLedState.Unknown, state);
    }

    [Fact]
    public void Name_of_unknown_is_unknown()
    {
        Assert.Equal("unknown", SlotLeds.Name(SlotLedState.Unknown));
        Assert.Equal("unknown", SlotLeds.Name((SlotLedState)99));
    }

    [Fact]
    public void Encode_of_unknown_throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SlotLeds.Encode(SlotLedState.Unknown));
        Assert.Equal("state", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotLeds.Encode((SlotLedState)(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotLeds.Encode((SlotLedState)5));
    }
}
