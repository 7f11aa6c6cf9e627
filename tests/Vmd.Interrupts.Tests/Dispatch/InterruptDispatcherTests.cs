using System;
using NSubstitute;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Interrupts.Dispatch;
using Vmd.Interrupts.Tests.Fakes;

namespace Vmd.Interrupts.Tests.Dispatch;

/// <summary>Running the handlers of a VMD vector.</summary>
public sealed class InterruptDispatcherTests
{
    private static readonly PciAddress NvmeA = new(0x10000, 0xE1, 0, 0);
    private static readonly PciAddress NvmeB = new(0x10000, 0xE2, 0, 0);

    [Fact]
    public void Shared_vector_runs_every_attached_handler()
    {
        var dispatcher = new InterruptDispatcher(19);
        var a = new CountingSink();
        var b = new CountingSink();
        var elsewhere = new CountingSink();
        dispatcher.Attach(1, a, 10);
        dispatcher.Attach(1, b, 20);
        dispatcher.Attach(2, elsewhere, 30);

        Assert.True(dispatcher.Dispatch(1));

        Assert.Equal((1, 10u), (a.Calls, a.LastCookie));
        Assert.Equal((1, 20u), (b.Calls, b.LastCookie));
        Assert.Equal(0, elsewhere.Calls);
        Assert.Equal(1, dispatcher.GetDispatchCount(1));
        Assert.Equal(0, dispatcher.GetSpuriousCount(1));
        Assert.Equal(2, dispatcher.GetHandlerCount(1));
    }

    [Fact]
    public void Host_vector_attached_to_the_dispatcher_dispatches_the_cookie_vector()
    {
        var dispatcher = new InterruptDispatcher(4);
        var sink = new CountingSink();
        dispatcher.Attach(3, sink, 7);
        IInterruptSink asHostHandler = dispatcher;

        asHostHandler.OnInterrupt(3);
        asHostHandler.OnInterrupt(99);

        Assert.Equal(1, sink.Calls);
        Assert.Equal(1, dispatcher.OutOfRangeCount);
    }

    [Fact]
    public void Vector_without_handler_counts_as_spurious()
    {
        var dispatcher = new InterruptDispatcher(4);

        dispatcher.Dispatch(0);
        dispatcher.Dispatch(0);

        Assert.Equal(2, dispatcher.GetSpuriousCount(0));
        Assert.Equal(2, dispatcher.GetDispatchCount(0));
    }

    [Fact]
    public void Bad_vector_is_refused_quietly_on_the_interrupt_path_and_loudly_elsewhere()
    {
        var dispatcher = new InterruptDispatcher(4);

        Assert.False(dispatcher.Dispatch(4));
        Assert.False(dispatcher.Dispatch(-1));
        Assert.Equal(2, dispatcher.OutOfRangeCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => dispatcher.Attach(4, new CountingSink(), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => dispatcher.Detach(-1, new CountingSink(), 0));
    }

    [Fact]
    public void Detached_handler_is_not_called_and_others_stay()
    {
        var dispatcher = new InterruptDispatcher(4);
        var a = new CountingSink();
        var b = new CountingSink();
        dispatcher.Attach(1, a, 1);
        dispatcher.Attach(1, b, 2);

        Assert.True(dispatcher.Detach(1, a, 1));
        Assert.False(dispatcher.Detach(1, a, 1));
        Assert.False(dispatcher.Detach(1, b, 99)); // the cookie is part of the identity
        dispatcher.Dispatch(1);

        Assert.Equal(0, a.Calls);
        Assert.Equal(1, b.Calls);
    }

    [Fact]
    public void Same_sink_and_cookie_twice_is_a_caller_mistake()
    {
        var dispatcher = new InterruptDispatcher(4);
        var sink = new CountingSink();
        dispatcher.Attach(1, sink, 1);
        dispatcher.Attach(1, sink, 2); // another queue of the same device: fine

        Assert.Throws<InvalidOperationException>(() => dispatcher.Attach(1, sink, 1));
    }

    [Fact]
    public void Mtl016_reads_each_child_before_its_handler()
    {
        var dispatcher = new InterruptDispatcher(19, dummyReadBeforeHandler: true);
        IConfigSpace config = Substitute.For<IConfigSpace>();
        IInterruptSink a = Substitute.For<IInterruptSink>();
        IInterruptSink b = Substitute.For<IInterruptSink>();
        dispatcher.Attach(2, a, 5, config, NvmeA);
        dispatcher.Attach(2, b, 6, config, NvmeB);

        dispatcher.Dispatch(2);

        Received.InOrder(() =>
        {
            config.Read32(NvmeA, 0x00);
            a.OnInterrupt(5);
            config.Read32(NvmeB, 0x00);
            b.OnInterrupt(6);
        });
        config.DidNotReceiveWithAnyArgs().Write32(default, default, default);
        Assert.Equal(2, dispatcher.GetDummyReadCount(2));
    }

    [Fact]
    public void Without_the_erratum_no_child_is_read()
    {
        var dispatcher = new InterruptDispatcher(4);
        IConfigSpace config = Substitute.For<IConfigSpace>();
        var sink = new CountingSink();
        dispatcher.Attach(1, sink, 0, config, NvmeA);

        dispatcher.Dispatch(1);

        config.DidNotReceiveWithAnyArgs().Read32(default, default);
        Assert.Equal(0, dispatcher.GetDummyReadCount(1));
        Assert.Equal(1, sink.Calls);
    }

    [Fact]
    public void Dispatch_allocates_nothing()
    {
        var fake = new FakeConfigSpace();
        fake.Add(NvmeA);
        var dispatcher = new InterruptDispatcher(4, dummyReadBeforeHandler: true);
        var a = new CountingSink();
        var b = new CountingSink();
        dispatcher.Attach(1, a, 0, fake, NvmeA);
        dispatcher.Attach(1, b, 1);
        IInterruptSink asHostHandler = dispatcher;
        for (int i = 0; i < 1000; i++) // warm up
        {
            dispatcher.Dispatch(1);
            dispatcher.Dispatch(2);
            asHostHandler.OnInterrupt(1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            dispatcher.Dispatch(1);
            dispatcher.Dispatch(2);
            asHostHandler.OnInterrupt(1);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(202_000, a.Calls);
        Assert.Equal(202_000, b.Calls);
        Assert.Equal(101_000, dispatcher.GetSpuriousCount(2));
        Assert.Equal(202_000, dispatcher.GetDummyReadCount(1));
    }
}
