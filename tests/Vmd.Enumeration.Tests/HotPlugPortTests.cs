using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.HotPlug;
using Vmd.Enumeration.Reset;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests;

/// <summary>
/// One PCIe hot-plug slot over an NSubstitute <see cref="IConfigSpace"/>: the order and width of the Slot Control /
/// Slot Status accesses of a command, the RW1C discipline, the presence debounce and the waits after an insertion,
/// all on a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class HotPlugPortTests
{
    private const uint Segment = 0x10000;
    private const ushort Express = 0x40;
    private const ushort SlotControl = Express + PciExpressCapability.SlotControl; // 0x58
    private const ushort SlotStatus = Express + PciExpressCapability.SlotStatus; // 0x5A
    private const ushort LinkStatus = Express + PciExpressCapability.LinkStatus; // 0x52
    private const byte Secondary = 0x05;
    private const ushort Present = PciExpressSlot.PresenceDetectState;
    private const ushort Changed = PciExpressSlot.PresenceDetectChanged;
    private const ushort Completed = PciExpressSlot.CommandCompleted;
    private const uint SlotCapabilities = PciExpressSlot.AttentionIndicatorPresent | PciExpressSlot.PowerIndicatorPresent | (7u << PciExpressSlot.PhysicalSlotNumberShift);

    private static readonly PciAddress PortAddress = new(Segment, 0, 0x1C, 0);
    private static readonly PciAddress Below = new(Segment, Secondary, 0, 0);
    private static readonly TimeSpan Poll = TimeSpan.FromMicroseconds(100);

    private static FakeTimeProvider Clock() => new() { AutoAdvanceAmount = Poll };

    /// <summary>A root port record as the enumerator leaves it: bridge, PCIe capability at 0x40 with a hot-plug slot, numbered.</summary>
    internal static PciFunction PortRecord(uint slotCapabilities = SlotCapabilities, uint linkCapabilities = PciExpressCapability.DataLinkLayerActiveReportingCapable, bool hotPlug = true)
    {
        ushort capabilities = (ushort)(((int)PciExpressPortType.RootPort << PciExpressCapability.PortTypeShift) | 2 | PciExpressCapability.SlotImplemented);
        return new PciFunction
        {
            Address = PortAddress,
            VendorId = 0x8086,
            DeviceId = 0x001C,
            ClassCode = 0x060400,
            HeaderType = HeaderType.Bridge,
            Express = new PciExpressInfo(Express, capabilities, 0, linkCapabilities, 0, slotCapabilities | (hotPlug ? PciExpressSlot.HotPlugCapable : 0), 0),
            Bridge = new BridgeInfo(0, Secondary, Secondary, MemoryWindow.Disabled, MemoryWindow.Disabled, false, false),
        };
    }

    /// <summary>Returns the values in order, then the last one forever; counts the reads.</summary>
    private sealed class Script(params ushort[] values)
    {
        public int Reads { get; private set; }

        public ushort Next() => values[Math.Min(Reads++, values.Length - 1)];
    }

    /// <summary>
    /// Runs a blocking wait on the test's thread. No wall-clock guard: every wait ends at its FakeTimeProvider deadline,
    /// and a clock that stops moving ends it through ResetWait's stall limit.
    /// </summary>
    private static Task<T> Within<T>(Func<T> wait) => Task.FromResult(wait());

    private static void AssertWidth16Only(IConfigSpace config)
    {
        config.DidNotReceiveWithAnyArgs().Write8(default, default, default);
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
        config.DidNotReceiveWithAnyArgs().Read8(default, default);
        config.DidNotReceiveWithAnyArgs().Read32(default, default);
    }

    // ---- construction ----

    [Fact]
    public void Port_properties_come_from_the_record()
    {
        var port = new HotPlugPort(Substitute.For<IConfigSpace>(), PortRecord(SlotCapabilities | PciExpressSlot.HotPlugSurprise | PciExpressSlot.PowerControllerPresent));

        Assert.Equal(PortAddress, port.Address);
        Assert.Equal(7, port.PhysicalSlotNumber);
        Assert.True(port.AttentionIndicator);
        Assert.True(port.PowerIndicator);
        Assert.True(port.PowerController);
        Assert.True(port.Surprise);
        Assert.True(port.CommandCompletedSupported);
        Assert.True(port.LinkActiveReporting);
        Assert.False(new HotPlugPort(Substitute.For<IConfigSpace>(), PortRecord(PciExpressSlot.NoCommandCompletedSupport, 0)).CommandCompletedSupported);
    }

    [Fact]
    public void Port_without_a_hot_plug_slot_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new HotPlugPort(Substitute.For<IConfigSpace>(), PortRecord(hotPlug: false)));
        PciFunction endpoint = PortRecord();
        endpoint.HeaderType = HeaderType.Endpoint;
        Assert.Throws<ArgumentException>(() => new HotPlugPort(Substitute.For<IConfigSpace>(), endpoint));
        Assert.Throws<ArgumentNullException>(() => new HotPlugPort(null!, PortRecord()));
    }

    // ---- TryCommand ----

    [Fact]
    public void TryCommand_reads_clears_stale_completion_writes_masked_value_polls_and_clears()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        const ushort old = 0x1438 | 0x03C0; // interrupt enables etc. + both indicators off
        config.Read16(PortAddress, SlotControl).Returns(old);
        var status = new Script(Present, Present, Present | Completed);
        config.Read16(PortAddress, SlotStatus).Returns(_ => status.Next());
        var port = new HotPlugPort(config, PortRecord());
        ushort mask = SlotLeds.ControlMask;
        ushort value = (ushort)(SlotLeds.Encode(SlotLedState.Fault) | 0xFC3F); // bits outside the mask must not leak
        ushort expected = (ushort)((old & ~mask) | (value & mask));
        Assert.Equal(0x1778, expected);

        bool done = port.TryCommand(mask, value, Clock());

        Assert.True(done);
        Received.InOrder(() =>
        {
            config.Read16(PortAddress, SlotControl);
            config.Write16(PortAddress, SlotStatus, Completed);
            config.Write16(PortAddress, SlotControl, expected);
            config.Read16(PortAddress, SlotStatus);
            config.Read16(PortAddress, SlotStatus);
            config.Read16(PortAddress, SlotStatus);
            config.Write16(PortAddress, SlotStatus, Completed);
        });
        Assert.Equal(7, config.ReceivedCalls().Count());
        Assert.Equal(3, status.Reads);
        AssertWidth16Only(config);
    }

    [Fact]
    public void TryCommand_changes_only_the_masked_bits()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotControl).Returns((ushort)0xFFFE);
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Completed);
        var port = new HotPlugPort(config, PortRecord());

        Assert.True(port.TryCommand(PciExpressSlot.PowerControllerControl, 0, Clock()));

        config.Received(1).Write16(PortAddress, SlotControl, (ushort)(0xFFFE & ~PciExpressSlot.PowerControllerControl));
        config.Received(1).Write16(PortAddress, SlotControl, Arg.Any<ushort>());
    }

    [Fact]
    public void TryCommand_without_command_completed_support_writes_and_returns_without_polling()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotControl).Returns((ushort)0x03C0);
        var port = new HotPlugPort(config, PortRecord(SlotCapabilities | PciExpressSlot.NoCommandCompletedSupport));
        var time = Clock();
        long start = time.GetTimestamp();

        bool done = port.TryCommand(SlotLeds.ControlMask, SlotLeds.Encode(SlotLedState.Identify), time);

        Assert.True(done);
        Received.InOrder(() =>
        {
            config.Read16(PortAddress, SlotControl);
            config.Write16(PortAddress, SlotControl, SlotLeds.Encode(SlotLedState.Identify));
        });
        Assert.Equal(2, config.ReceivedCalls().Count());
        config.DidNotReceive().Read16(PortAddress, SlotStatus);
        config.DidNotReceive().Write16(PortAddress, SlotStatus, Arg.Any<ushort>());
        Assert.True(time.GetElapsedTime(start) < TimeSpan.FromMilliseconds(1), "no waiting without Command Completed support");
    }

    [Fact]
    public async Task TryCommand_on_a_slot_that_never_completes_returns_false_after_one_second_and_does_not_hang()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotControl).Returns((ushort)0x03C0);
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        var port = new HotPlugPort(config, PortRecord());
        var time = Clock();
        long start = time.GetTimestamp();
        var wall = Stopwatch.StartNew();

        bool done = await Within(() => port.TryCommand(SlotLeds.ControlMask, SlotLeds.Encode(SlotLedState.Rebuild), time));

        Assert.False(done);
        TimeSpan elapsed = time.GetElapsedTime(start);
        Assert.True(elapsed >= HotPlugTiming.CommandCompletedTimeout, $"gave up after {elapsed.TotalMilliseconds} ms");
        Assert.True(elapsed < HotPlugTiming.CommandCompletedTimeout + TimeSpan.FromMilliseconds(20), $"waited {elapsed.TotalMilliseconds} ms");
        config.Received(1).Write16(PortAddress, SlotControl, SlotLeds.Encode(SlotLedState.Rebuild)); // the write was still made
        config.Received(1).Write16(PortAddress, SlotStatus, Completed); // only the stale-completion clear, none after
        Assert.True(config.ReceivedCalls().Count(c => c.GetMethodInfo().Name == nameof(IConfigSpace.Read16) && c.GetArguments()[1] is ushort offset && offset == SlotStatus) > 100);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TryCommand_with_a_frozen_clock_gives_up_instead_of_hanging()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotControl).Returns((ushort)0x03C0);
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        var port = new HotPlugPort(config, PortRecord());
        var frozen = new FakeTimeProvider(); // never advances

        bool done = await Within(() => port.TryCommand(SlotLeds.ControlMask, SlotLeds.Encode(SlotLedState.Off), frozen));

        Assert.False(done);
    }

    [Fact]
    public void TryCommand_on_a_port_that_reads_all_ones_writes_nothing()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(default, default).ReturnsForAnyArgs((ushort)0xFFFF);
        var port = new HotPlugPort(config, PortRecord());

        Assert.False(port.TryCommand(SlotLeds.ControlMask, SlotLeds.Encode(SlotLedState.Off), Clock()));

        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
    }

    [Fact]
    public void TryCommand_gives_up_when_slot_status_turns_all_ones_while_polling()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotControl).Returns((ushort)0x03C0);
        var status = new Script(Present, 0xFFFF);
        config.Read16(PortAddress, SlotStatus).Returns(_ => status.Next());
        var port = new HotPlugPort(config, PortRecord());

        Assert.False(port.TryCommand(SlotLeds.ControlMask, SlotLeds.Encode(SlotLedState.Off), Clock()));

        Assert.Equal(2, status.Reads);
        config.Received(1).Write16(PortAddress, SlotStatus, Completed); // the pre-command clear only
    }

    // ---- ClearEvents ----

    [Fact]
    public void ClearEvents_of_all_ones_writes_only_the_rw1c_event_bits()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var port = new HotPlugPort(config, PortRecord());

        port.ClearEvents(0xFFFF);

        config.Received(1).Write16(PortAddress, SlotStatus, (ushort)0x011F);
        Assert.Equal(PciExpressSlot.StatusEventBits, (ushort)0x011F);
        Assert.Single(config.ReceivedCalls());
        AssertWidth16Only(config);
    }

    [Theory]
    [InlineData(0x0008, 0x0008)] // presence detect changed
    [InlineData(0x0048, 0x0008)] // + presence detect state (RO): not written
    [InlineData(0x01F0, 0x0110)] // DLL state changed + command completed, MRL/presence/interlock states dropped
    [InlineData(0xFFE0, 0x0100)]
    public void ClearEvents_writes_ones_only_where_an_event_bit_was_asked_for(int events, int written)
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var port = new HotPlugPort(config, PortRecord());

        port.ClearEvents((ushort)events);

        config.Received(1).Write16(PortAddress, SlotStatus, (ushort)written);
        Assert.Single(config.ReceivedCalls());
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x00E0)] // MRL state, presence state, interlock status: not events
    [InlineData(0xFE00 & ~0x0100)]
    public void ClearEvents_without_event_bits_writes_nothing(int events)
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var port = new HotPlugPort(config, PortRecord());

        port.ClearEvents((ushort)events);

        Assert.Empty(config.ReceivedCalls());
    }

    // ---- IsLinkActive / IsPresent ----

    [Theory]
    [InlineData(0x2000, true)]
    [InlineData(0x0000, false)]
    [InlineData(0xFFFF, false)]
    public void IsLinkActive_reads_link_status_bit_13_when_reported(int link, bool active)
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, LinkStatus).Returns((ushort)link);
        var port = new HotPlugPort(config, PortRecord());

        Assert.Equal(active, port.IsLinkActive());
        config.DidNotReceive().Read16(PortAddress, SlotStatus);
    }

    [Theory]
    [InlineData((int)Present, true)]
    [InlineData(0, false)]
    [InlineData(0xFFFF, false)]
    public void IsLinkActive_falls_back_to_presence_without_reporting(int status, bool active)
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)status);
        var port = new HotPlugPort(config, PortRecord(linkCapabilities: 0));

        Assert.Equal(active, port.IsLinkActive());
        config.DidNotReceive().Read16(PortAddress, LinkStatus);
    }

    // ---- WaitForStablePresence ----

    [Fact]
    public void Stable_presence_after_bouncing_is_present_and_the_changes_are_counted()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        // Initially absent; bounces in (1), out (2), in (3), out (4), in (5), then stays in.
        var status = new Script(0, Present | Changed, Changed, Present | Changed, Changed, Present | Changed, Present);
        config.Read16(PortAddress, SlotStatus).Returns(_ => status.Next());
        var port = new HotPlugPort(config, PortRecord());
        var time = Clock();
        long start = time.GetTimestamp();

        bool present = port.WaitForStablePresence(time, HotPlugTiming.DefaultDebounce, out int changes);

        Assert.True(present);
        Assert.Equal(5, changes);
        TimeSpan elapsed = time.GetElapsedTime(start);
        Assert.True(elapsed >= HotPlugTiming.DefaultDebounce, $"settled after {elapsed.TotalMilliseconds} ms");
        Assert.True(elapsed < HotPlugTiming.DebounceLimit, $"settled after {elapsed.TotalMilliseconds} ms");
        config.Received(5).Write16(PortAddress, SlotStatus, Changed); // Presence Detect Changed cleared as it goes, nothing else
        config.DidNotReceive().Write16(PortAddress, SlotStatus, Arg.Is<ushort>(v => v != Changed));
        config.DidNotReceive().Write16(PortAddress, SlotControl, Arg.Any<ushort>());
        AssertWidth16Only(config);
    }

    [Fact]
    public void Stable_presence_waits_the_debounce_after_the_last_change()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var time = Clock();
        long lastChange = 0;
        var status = new Script(Present, 0, Present, Present);
        config.Read16(PortAddress, SlotStatus).Returns(_ =>
        {
            int before = status.Reads;
            ushort value = status.Next();
            if (before == 2)
            {
                lastChange = time.GetTimestamp();
            }

            return value;
        });
        var port = new HotPlugPort(config, PortRecord());
        TimeSpan debounce = TimeSpan.FromMilliseconds(50);

        bool present = port.WaitForStablePresence(time, debounce, out int changes);
        TimeSpan sinceLastChange = time.GetElapsedTime(lastChange);

        Assert.True(present);
        Assert.Equal(2, changes);
        Assert.True(sinceLastChange >= debounce, $"returned {sinceLastChange.TotalMilliseconds} ms after the last change");
    }

    [Fact]
    public void Stable_absence_returns_false_without_changes()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)0);
        var port = new HotPlugPort(config, PortRecord());

        Assert.False(port.WaitForStablePresence(Clock(), HotPlugTiming.DefaultDebounce, out int changes));
        Assert.Equal(0, changes);
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
    }

    [Fact]
    public async Task Endless_bouncing_never_exceeds_the_one_second_limit()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        int reads = 0;
        config.Read16(PortAddress, SlotStatus).Returns(_ => (reads++ & 1) == 0 ? Present : (ushort)0);
        var port = new HotPlugPort(config, PortRecord());
        var time = Clock();
        long start = time.GetTimestamp();

        int changes = await Within(() =>
        {
            port.WaitForStablePresence(time, HotPlugTiming.DefaultDebounce, out int c);
            return c;
        });

        TimeSpan elapsed = time.GetElapsedTime(start);
        Assert.True(elapsed >= HotPlugTiming.DebounceLimit, $"gave up after {elapsed.TotalMilliseconds} ms");
        Assert.True(elapsed <= HotPlugTiming.DebounceLimit + TimeSpan.FromMilliseconds(5), $"bounced for {elapsed.TotalMilliseconds} ms");
        Assert.Equal(reads - 1, changes); // every read after the first was a change
        Assert.True(changes > 100);
    }

    [Fact]
    public void Debounce_longer_than_the_limit_is_cut_at_the_limit()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        var port = new HotPlugPort(config, PortRecord());
        var time = Clock();
        long start = time.GetTimestamp();

        Assert.True(port.WaitForStablePresence(time, TimeSpan.FromSeconds(10), out _));
        TimeSpan elapsed = time.GetElapsedTime(start);
        Assert.True(elapsed <= HotPlugTiming.DebounceLimit + TimeSpan.FromMilliseconds(5), $"waited {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void Port_gone_during_debounce_is_not_present()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var status = new Script(Present, Present, 0xFFFF);
        config.Read16(PortAddress, SlotStatus).Returns(_ => status.Next());
        var port = new HotPlugPort(config, PortRecord());

        Assert.False(port.WaitForStablePresence(Clock(), HotPlugTiming.DefaultDebounce, out _));
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default); // never writes 1s into an all-ones read
    }

    // ---- WaitForDevice ----

    [Fact]
    public async Task WaitForDevice_link_never_up_is_LinkNotActive_after_about_one_second()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, LinkStatus).Returns((ushort)0);
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        var port = new HotPlugPort(config, PortRecord());
        var time = Clock();

        ResetResult result = await Within(() => port.WaitForDevice(time));

        Assert.Equal(ResetOutcome.LinkNotActive, result.Outcome);
        Assert.Equal(PortAddress, result.Function);
        Assert.InRange(result.ReadyAfter, HotPlugTiming.LinkUpTimeout, HotPlugTiming.LinkUpTimeout + TimeSpan.FromMilliseconds(20));
        config.DidNotReceive().Read16(Below, Arg.Any<ushort>());
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
    }

    [Fact]
    public void WaitForDevice_all_ones_then_a_real_vendor_completes_and_asks_nothing_before_100_ms_after_link_up()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var time = Clock();
        long begin = time.GetTimestamp();
        long linkUp = -1;
        long firstVendorRead = -1;
        int linkReads = 0;
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        config.Read16(PortAddress, LinkStatus).Returns(_ =>
        {
            // Link trains after 30 ms.
            long now = time.GetTimestamp();
            linkReads++;
            if (time.GetElapsedTime(begin, now) < TimeSpan.FromMilliseconds(30))
            {
                return (ushort)0x0011;
            }

            if (linkUp < 0)
            {
                linkUp = now;
            }

            return (ushort)(0x0011 | PciExpressCapability.DataLinkLayerLinkActive);
        });
        config.Read16(Below, PciHeader.VendorId).Returns(_ =>
        {
            long now = time.GetTimestamp();
            if (firstVendorRead < 0)
            {
                firstVendorRead = now;
            }

            // All-ones (no CRS visibility) until 250 ms after link up, then the drive answers.
            return time.GetElapsedTime(linkUp, now) < TimeSpan.FromMilliseconds(250) ? (ushort)0xFFFF : (ushort)0x8086;
        });
        var port = new HotPlugPort(config, PortRecord());

        ResetResult result = port.WaitForDevice(time);

        Assert.Equal(ResetOutcome.Completed, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Equal(Below, result.Function);
        Assert.True(linkUp > 0 && linkReads > 1);
        TimeSpan quiet = time.GetElapsedTime(linkUp, firstVendorRead);
        Assert.True(quiet >= ResetTiming.ResetRecovery, $"first Vendor ID read {quiet.TotalMilliseconds} ms after link up");
        Assert.InRange(result.ReadyAfter, TimeSpan.FromMilliseconds(280), TimeSpan.FromMilliseconds(320));
        config.Received().Read16(Below, PciHeader.VendorId);
        Assert.True(config.ReceivedCalls().Count(c => c.GetArguments()[0] is PciAddress a && a == Below) > 1, "all-ones was polled again");
        config.DidNotReceiveWithAnyArgs().Write16(default, default, default);
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0001)] // Request Retry Status
    public void WaitForDevice_tolerates_zero_and_retry_status(int early)
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        config.Read16(PortAddress, LinkStatus).Returns(PciExpressCapability.DataLinkLayerLinkActive);
        var vendor = new Script((ushort)early, (ushort)early, 0x144D);
        config.Read16(Below, PciHeader.VendorId).Returns(_ => vendor.Next());
        var port = new HotPlugPort(config, PortRecord());

        ResetResult result = port.WaitForDevice(Clock());

        Assert.Equal(ResetOutcome.Completed, result.Outcome);
        Assert.Equal(3, vendor.Reads);
    }

    [Fact]
    public void WaitForDevice_that_never_answers_is_NotResponding_one_second_after_link_up()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        config.Read16(PortAddress, LinkStatus).Returns(PciExpressCapability.DataLinkLayerLinkActive);
        config.Read16(Below, PciHeader.VendorId).Returns((ushort)0xFFFF);
        var port = new HotPlugPort(config, PortRecord());

        ResetResult result = port.WaitForDevice(Clock());

        Assert.Equal(ResetOutcome.NotResponding, result.Outcome);
        Assert.InRange(result.ReadyAfter, ResetTiming.ReadinessTimeout, ResetTiming.ReadinessTimeout + TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void WaitForDevice_presence_lost_during_the_wait_is_Absent()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, LinkStatus).Returns((ushort)0);
        var status = new Script(Present, Present, Present, Present, 0);
        config.Read16(PortAddress, SlotStatus).Returns(_ => status.Next());
        var port = new HotPlugPort(config, PortRecord());

        ResetResult result = port.WaitForDevice(Clock());

        Assert.Equal(ResetOutcome.Absent, result.Outcome);
        Assert.Equal(5, status.Reads);
        Assert.True(result.ReadyAfter < TimeSpan.FromMilliseconds(100), $"gave up after {result.ReadyAfter.TotalMilliseconds} ms");
        config.DidNotReceive().Read16(Below, Arg.Any<ushort>());
    }

    /// <summary>
    /// The card is pulled right after its link came up, while the port waits the 100 ms and polls the Vendor ID: the
    /// documented contract ("Gives up early when presence goes away") and the brief ("Absent when presence goes away")
    /// say Absent, early. Suspected bug: presence is only checked while waiting for the link, so the wait runs the
    /// full second and reports NotResponding.
    /// </summary>
    [Fact]
    public void WaitForDevice_presence_lost_after_link_up_is_Absent_and_early()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var time = Clock();
        long begin = time.GetTimestamp();
        bool Pulled() => time.GetElapsedTime(begin) >= TimeSpan.FromMilliseconds(50);
        config.Read16(PortAddress, SlotStatus).Returns(_ => Pulled() ? (ushort)0 : Present);
        config.Read16(PortAddress, LinkStatus).Returns(_ => Pulled() ? (ushort)0 : PciExpressCapability.DataLinkLayerLinkActive);
        config.Read16(Below, PciHeader.VendorId).Returns((ushort)0xFFFF);
        var port = new HotPlugPort(config, PortRecord());

        ResetResult result = port.WaitForDevice(time);

        Assert.Equal(ResetOutcome.Absent, result.Outcome);
        Assert.True(result.ReadyAfter < TimeSpan.FromMilliseconds(500), $"gave up after {result.ReadyAfter.TotalMilliseconds} ms");
    }

    [Fact]
    public void WaitForDevice_without_link_active_reporting_goes_by_presence()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)Present);
        config.Read16(Below, PciHeader.VendorId).Returns((ushort)0x8086);
        var port = new HotPlugPort(config, PortRecord(linkCapabilities: 0));

        ResetResult result = port.WaitForDevice(Clock());

        Assert.Equal(ResetOutcome.Completed, result.Outcome);
        Assert.True(result.ReadyAfter >= ResetTiming.ResetRecovery);
        config.DidNotReceive().Read16(PortAddress, LinkStatus);
    }

    [Fact]
    public void ReadStatus_and_ReadControl_are_16_bit_reads_of_the_slot_registers()
    {
        IConfigSpace config = Substitute.For<IConfigSpace>();
        config.Read16(PortAddress, SlotStatus).Returns((ushort)0x0048);
        config.Read16(PortAddress, SlotControl).Returns((ushort)0x03C0);
        var port = new HotPlugPort(config, PortRecord());

        Assert.Equal(0x0048, port.ReadStatus());
        Assert.Equal(0x03C0, port.ReadControl());
        Assert.True(HotPlugPort.IsPresent(0x0048));
        Assert.False(HotPlugPort.IsPresent(0xFFFF));
        AssertWidth16Only(config);
    }

}
