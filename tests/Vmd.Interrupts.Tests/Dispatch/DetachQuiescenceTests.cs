using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Time.Testing;
using Vmd.Interrupts.Dispatch;
using Vmd.Interrupts.Tests.Fakes;

namespace Vmd.Interrupts.Tests.Dispatch;

/// <summary>Attach and detach while another thread dispatches: no call after Detach returns.</summary>
public sealed class DetachQuiescenceTests
{
    /// <summary>Records calls that arrive after the test marked it detached.</summary>
    private sealed class DetachRecorder : IInterruptSink
    {
        private int _detached;
        private int _calls;
        private int _callsAfterDetach;

        public int Calls => Volatile.Read(ref _calls);

        public int CallsAfterDetach => Volatile.Read(ref _callsAfterDetach);

        public void MarkDetached() => Volatile.Write(ref _detached, 1);

        public void OnInterrupt(uint cookie)
        {
            Interlocked.Increment(ref _calls);
            if (Volatile.Read(ref _detached) != 0)
            {
                Interlocked.Increment(ref _callsAfterDetach);
            }
        }
    }

    /// <summary>Blocks inside the handler until released, to hold a dispatch in flight.</summary>
    private sealed class BlockingSink : IInterruptSink
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public void OnInterrupt(uint cookie)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void Concurrent_attach_and_detach_while_dispatching_never_calls_a_detached_handler()
    {
        const int Cycles = 2000;
        const long MaxDispatches = 200_000_000;
        var dispatcher = new InterruptDispatcher(4);
        var permanent = new CountingSink();
        dispatcher.Attach(1, permanent, 0);
        int stop = 0;
        long dispatched = 0;
        Exception? failure = null;
        var dispatching = new Thread(() =>
        {
            try
            {
                while (Volatile.Read(ref stop) == 0 && dispatched < MaxDispatches)
                {
                    dispatcher.Dispatch(1);
                    dispatched++;
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        dispatching.Start();

        var recorders = new List<DetachRecorder>(Cycles);
        int overlapped = 0;
        for (int i = 0; i < Cycles; i++)
        {
            var recorder = new DetachRecorder();
            recorders.Add(recorder);
            dispatcher.Attach(1, recorder, (uint)i + 1);
            for (int spin = 0; spin < 100_000 && recorder.Calls == 0; spin++)
            {
                Thread.SpinWait(10);
            }

            overlapped += recorder.Calls > 0 ? 1 : 0;
            Assert.True(dispatcher.Detach(1, recorder, (uint)i + 1));
            recorder.MarkDetached();
        }

        Volatile.Write(ref stop, 1);
        Assert.True(dispatching.Join(TimeSpan.FromSeconds(30)));

        Assert.Null(failure);
        Assert.All(recorders, r => Assert.Equal(0, r.CallsAfterDetach));
        Assert.True(overlapped > 0, "the dispatching thread never ran a temporary handler");
        Assert.True(permanent.Calls > 0);
        Assert.Equal(1, dispatcher.GetHandlerCount(1));
    }

    [Fact]
    public void Detach_waits_for_a_handler_that_is_running()
    {
        var dispatcher = new InterruptDispatcher(4);
        var blocking = new BlockingSink();
        dispatcher.Attach(2, blocking, 0);
        var dispatching = new Thread(() => dispatcher.Dispatch(2));
        dispatching.Start();
        Assert.True(blocking.Entered.Wait(TimeSpan.FromSeconds(30)));

        bool detached = false;
        var detaching = new Thread(() => detached = dispatcher.Detach(2, blocking, 0));
        detaching.Start();

        Assert.False(detaching.Join(TimeSpan.FromMilliseconds(100))); // still inside the handler
        blocking.Release.Set();
        Assert.True(detaching.Join(TimeSpan.FromSeconds(30)));
        Assert.True(dispatching.Join(TimeSpan.FromSeconds(30)));
        Assert.True(detached);
    }

    [Fact]
    public void Detach_gives_up_after_its_timeout_when_a_handler_hangs()
    {
        var time = new FakeTimeProvider();
        var dispatcher = new InterruptDispatcher(4, timeProvider: time) { DetachTimeout = TimeSpan.FromSeconds(1) };
        var blocking = new BlockingSink();
        dispatcher.Attach(0, blocking, 0);
        var dispatching = new Thread(() => dispatcher.Dispatch(0));
        dispatching.Start();
        Assert.True(blocking.Entered.Wait(TimeSpan.FromSeconds(30)));

        Exception? thrown = null;
        var detaching = new Thread(() =>
        {
            try
            {
                dispatcher.Detach(0, blocking, 0);
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        detaching.Start();
        for (int i = 0; i < 1000 && !detaching.Join(TimeSpan.FromMilliseconds(10)); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
        }

        blocking.Release.Set();
        Assert.True(dispatching.Join(TimeSpan.FromSeconds(30)));
        Assert.IsType<TimeoutException>(thrown);
        Assert.Equal(0, dispatcher.GetHandlerCount(0));
    }
}
