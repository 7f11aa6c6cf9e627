using System;
using System.Threading;
using Vmd.Interrupts.Dispatch;
using Vmd.Interrupts.Polling;
using Vmd.Interrupts.Tests.Fakes;

namespace Vmd.Interrupts.Tests.Dispatch;

/// <summary>
/// Detach called from inside a handler: from another vector it works at once; from the same vector (or a nested
/// dispatch) it would wait for its own dispatch, so it is refused at once and changes nothing.
/// </summary>
public sealed class DetachFromHandlerTests
{
    /// <summary>Runs an action inside its handler and keeps what it threw.</summary>
    private sealed class ActingSink : IInterruptSink
    {
        private readonly Action _action;

        public ActingSink(Action action) => _action = action;

        public Exception? Thrown { get; private set; }

        public int Calls { get; private set; }

        public void OnInterrupt(uint cookie)
        {
            Calls++;
            try
            {
                _action();
            }
            catch (Exception e)
            {
                Thrown = e;
            }
        }
    }

    [Fact]
    public void A_handler_detaches_a_handler_of_another_vector_without_waiting()
    {
        var dispatcher = new InterruptDispatcher(4);
        var other = new CountingSink();
        dispatcher.Attach(3, other, 7);
        bool detached = false;
        var acting = new ActingSink(() => detached = dispatcher.Detach(3, other, 7));
        dispatcher.Attach(1, acting, 0);

        dispatcher.Dispatch(1);
        dispatcher.Dispatch(3);

        Assert.Null(acting.Thrown);
        Assert.True(detached);
        Assert.Equal(0, other.Calls);
        Assert.Equal(0, dispatcher.GetHandlerCount(3));
    }

    [Fact]
    public void A_handler_detaching_from_its_own_vector_is_refused_and_nothing_changes()
    {
        var dispatcher = new InterruptDispatcher(4);
        var neighbour = new CountingSink();
        ActingSink? acting = null;
        acting = new ActingSink(() => dispatcher.Detach(2, neighbour, 1));
        dispatcher.Attach(2, acting, 0);
        dispatcher.Attach(2, neighbour, 1);

        dispatcher.Dispatch(2);

        Assert.IsType<InvalidOperationException>(acting.Thrown);
        Assert.Equal(2, dispatcher.GetHandlerCount(2)); // refused before the list changed
        Assert.Equal(1, neighbour.Calls);
        Assert.True(dispatcher.Detach(2, neighbour, 1)); // outside a handler it works
    }

    [Fact]
    public void A_handler_of_a_nested_dispatch_cannot_detach_because_the_outer_vector_is_unknown()
    {
        var dispatcher = new InterruptDispatcher(4);
        var target = new CountingSink();
        dispatcher.Attach(0, target, 0);
        var inner = new ActingSink(() => dispatcher.Detach(0, target, 0));
        dispatcher.Attach(3, inner, 0);
        var poller = new InterruptPoller();
        poller.Register(new AlwaysPending(), 0, dispatcher, 3); // the poll runs vector 3: a dispatch nested in a poll

        Assert.Equal(1, poller.Poll());

        Assert.IsType<InvalidOperationException>(inner.Thrown);
        Assert.Equal(1, dispatcher.GetHandlerCount(0));
    }

    [Fact]
    public void A_polled_handler_cannot_unregister_from_its_own_poller()
    {
        var poller = new InterruptPoller();
        var source = new AlwaysPending();
        var victim = new CountingSink();
        var acting = new ActingSink(() => poller.Unregister(source, 1, victim, 0));
        poller.Register(source, 0, acting, 0);
        poller.Register(source, 1, victim, 0);

        poller.Poll();

        Assert.IsType<InvalidOperationException>(acting.Thrown);
        Assert.Equal(2, poller.RegistrationCount);
    }

    [Fact]
    public void A_prepared_thread_allocates_nothing_on_its_first_dispatch()
    {
        var dispatcher = new InterruptDispatcher(2);
        dispatcher.Attach(0, new CountingSink(), 0);
        long allocated = -1;
        var thread = new Thread(() =>
        {
            InterruptDispatcher.PrepareCurrentThread();
            long before = GC.GetAllocatedBytesForCurrentThread();
            dispatcher.Dispatch(0);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Threads_that_ended_hand_their_records_to_new_threads()
    {
        var dispatcher = new InterruptDispatcher(2);
        dispatcher.Attach(0, new CountingSink(), 0);
        int before = ReadSections.RecordCount();
        for (int i = 0; i < 50; i++)
        {
            var thread = new Thread(() => dispatcher.Dispatch(0));
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        }

        // 50 threads one after another: each ended before the next began, so the registry grew by at most a few
        // records (other tests' threads may be alive at the same time), not by 50.
        Assert.InRange(ReadSections.RecordCount() - before, 0, 8);
    }

    private sealed class AlwaysPending : IPendingSource
    {
        public bool IsPending(uint cookie) => true;
    }
}
