using System;
using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Interrupts.Dispatch;
using Vmd.Interrupts.Msix;
using Vmd.Interrupts.Polling;
using Vmd.Interrupts.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Interrupts.Tests.Polling;

/// <summary>Polling: handlers run only for pending sources.</summary>
public sealed class InterruptPollerTests
{
    private const ushort Cap = 0x50;
    private const int PbaOffset = 0x800;
    private static readonly PciAddress Child = new(0x10000, 0xE1, 0, 0);

    private static MsixController ChildMsix(FakeMmioRegion bar)
    {
        var fake = new FakeConfigSpace();
        fake.Add(Child).WithCapabilityPointer((byte)Cap).WithCapability(Cap, CapabilityId.MsiX, 0)
            .SetWritable16(Cap + MsixCapability.MessageControl, MsixCapability.Enable | MsixCapability.FunctionMask);
        return new MsixController(fake, Child, Cap, 4, bar, 0, bar, PbaOffset);
    }

    [Fact]
    public void Only_pending_msix_entries_run_their_handlers()
    {
        var bar = new FakeMmioRegion(0x1000);
        MsixController msix = ChildMsix(bar);
        var admin = new CountingSink();
        var io = new CountingSink();
        var poller = new InterruptPoller();
        poller.Register(msix, 0, admin, 100);
        poller.Register(msix, 1, io, 101);
        bar.Set32(PbaOffset, 0b10); // entry 1 pending

        Assert.Equal(1, poller.Poll());

        Assert.Equal(0, admin.Calls);
        Assert.Equal((1, 101u), (io.Calls, io.LastCookie));
        bar.Set32(PbaOffset, 0);
        Assert.Equal(0, poller.Poll());
        Assert.Equal(2, poller.PollCount);
        Assert.Equal(1, poller.HandlersRun);
    }

    [Fact]
    public void Vmd_pba_can_feed_the_dispatcher()
    {
        var vmdBar = new FakeMmioRegion(0x2000);
        var fake = new FakeConfigSpace();
        var vmd = new PciAddress(0, 0, 0x0E, 0);
        fake.Add(vmd).SetWritable16(0x80 + MsixCapability.MessageControl, 0xC000);
        var vmdMsix = new MsixController(fake, vmd, 0x80, 19, vmdBar, 0, vmdBar, 0x1000);
        var dispatcher = new InterruptDispatcher(19);
        var child = new CountingSink();
        dispatcher.Attach(5, child, 42);
        var poller = new InterruptPoller();
        for (uint i = 0; i < 19; i++)
        {
            poller.Register(vmdMsix, i, dispatcher, i);
        }

        vmdBar.Set32(0x1000, 1u << 5);
        poller.Poll();

        Assert.Equal((1, 42u), (child.Calls, child.LastCookie));
        Assert.Equal(1, dispatcher.GetDispatchCount(5));
        Assert.Equal(0, dispatcher.GetDispatchCount(4));
    }

    [Fact]
    public void Unregistered_source_is_not_polled()
    {
        IPendingSource source = Substitute.For<IPendingSource>();
        source.IsPending(Arg.Any<uint>()).Returns(true);
        var sink = new CountingSink();
        var poller = new InterruptPoller();
        poller.Register(source, 3, sink, 0);

        Assert.True(poller.Unregister(source, 3, sink, 0));
        Assert.False(poller.Unregister(source, 3, sink, 0));
        poller.Poll();

        source.DidNotReceiveWithAnyArgs().IsPending(default);
        Assert.Equal(0, sink.Calls);
        Assert.Throws<InvalidOperationException>(() =>
        {
            poller.Register(source, 1, sink, 0);
            poller.Register(source, 1, sink, 0);
        });
    }

    [Fact]
    public void Poll_allocates_nothing()
    {
        var bar = new FakeMmioRegion(0x1000);
        MsixController msix = ChildMsix(bar);
        var sink = new CountingSink();
        var poller = new InterruptPoller();
        for (uint i = 0; i < 4; i++)
        {
            poller.Register(msix, i, sink, i);
        }

        bar.Set32(PbaOffset, 0b0101);
        for (int i = 0; i < 1000; i++)
        {
            poller.Poll();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            poller.Poll();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(202_000, sink.Calls);
    }
}
