using NSubstitute;
using Vmd;
using Vmd.Core;

namespace KernelTests;

/// <summary>
/// The library's contract for the interrupt port, checked on the kernel's own controller: an NSubstitute spy forwards
/// every call to it and records the order.
/// </summary>
public sealed class InterruptControllerOrderTests
{
    [Fact]
    public void Routing_allocates_first_then_composes_attaches_and_unmasks_each_vector_and_teardown_masks_detaches_frees()
    {
        var (machine, ports, time) = SimulatedKernel.Boot("tigerlake");
        IInterruptController spy = Spy(ports.Interrupts);
        VmdController vmd;
        using (VmdHost host = VmdHost.Detect(ports.Config, ports.Mapper, new VmdHostOptions { TimeProvider = time }))
        {
            vmd = host.Controllers[0];
            Assert.True(vmd.TryMap() && vmd.TryEnable() && vmd.TryEnumerate(), vmd.LastFailure?.ToString());

            Assert.True(vmd.TryRouteInterrupts(spy));

            // Every vector is asked for before any is programmed (the table must know how many it got), then per
            // vector: message, handler, unmask, so the handler is in place before the vector can fire.
            (string Name, HostVector Vector)[] routing = Calls(spy);
            int granted = vmd.Vectors!.ActiveCount;
            Assert.All(routing[..granted], c => Assert.Equal("TryAllocate", c.Name));
            string[] perVector = routing[granted..].Select(c => c.Name).ToArray();
            Assert.Equal(Enumerable.Repeat(new[] { "ComposeMessage", "Attach", "Unmask" }, granted).SelectMany(n => n), perVector);
            for (int i = granted; i < routing.Length; i += 3)
            {
                Assert.Equal(routing[i].Vector, routing[i + 1].Vector);
                Assert.Equal(routing[i].Vector, routing[i + 2].Vector);
            }

            spy.ClearReceivedCalls();
        }

        // Dispose (Unmap) gives the vectors back: each masked and detached (no handler runs after), then all freed.
        Assert.True(vmd.State < VmdState.InterruptsRouted || vmd.Vectors is null);
        (string Name, HostVector Vector)[] teardown = Calls(spy);
        int count = teardown.Length / 3;
        Assert.True(count > 0);
        Assert.Equal(Enumerable.Repeat(new[] { "Mask", "Detach" }, count).SelectMany(n => n), teardown[..(2 * count)].Select(c => c.Name));
        Assert.All(teardown[(2 * count)..], c => Assert.Equal("Free", c.Name));
        Assert.Equal(0, ports.Vectors.InUse);
        Assert.Equal(0, machine.Interrupts.Unhandled);
    }

    [Fact]
    public void Mask_and_unmask_never_allocate_because_the_library_may_call_them_in_interrupt_context()
    {
        var (_, ports, _) = SimulatedKernel.Boot();
        Assert.True(ports.Interrupts.TryAllocate(out HostVector vector));
        var sink = new CountingSink();
        ports.Interrupts.Attach(vector, sink, 0);
        ports.Interrupts.Mask(vector);
        ports.Interrupts.Unmask(vector);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ports.Interrupts.Mask(vector);
        ports.Interrupts.Unmask(vector);
        ports.Table.Dispatch(vector.Value);

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1, sink.Calls);
    }

    [Fact]
    public void A_vector_firing_while_masked_runs_its_handler_once_on_unmask()
    {
        var (_, ports, _) = SimulatedKernel.Boot();
        IInterruptSink sink = Substitute.For<IInterruptSink>();
        Assert.True(ports.Interrupts.TryAllocate(out HostVector vector));
        ports.Interrupts.Attach(vector, sink, 7);

        ports.Table.Dispatch(vector.Value); // fresh vectors are masked: latched
        ports.Table.Dispatch(vector.Value);
        sink.DidNotReceiveWithAnyArgs().OnInterrupt(default);
        ports.Interrupts.Unmask(vector);

        sink.Received(1).OnInterrupt(7);
    }

    private static (string Name, HostVector Vector)[] Calls(IInterruptController spy) =>
        spy.ReceivedCalls()
            .Select(c => (c.GetMethodInfo().Name, c.GetArguments().Length > 0 && c.GetArguments()[0] is HostVector v ? v : default))
            .ToArray();

    private static IInterruptController Spy(IInterruptController inner)
    {
        IInterruptController spy = Substitute.For<IInterruptController>();
        spy.TryAllocate(out Arg.Any<HostVector>()).Returns(call =>
        {
            bool ok = inner.TryAllocate(out HostVector vector);
            call[0] = vector;
            return ok;
        });
        spy.ComposeMessage(Arg.Any<HostVector>()).Returns(call => inner.ComposeMessage(call.Arg<HostVector>()));
        spy.When(s => s.Attach(Arg.Any<HostVector>(), Arg.Any<IInterruptSink>(), Arg.Any<uint>()))
            .Do(call => inner.Attach(call.ArgAt<HostVector>(0), call.ArgAt<IInterruptSink>(1), call.ArgAt<uint>(2)));
        spy.When(s => s.Detach(Arg.Any<HostVector>())).Do(call => inner.Detach(call.Arg<HostVector>()));
        spy.When(s => s.Mask(Arg.Any<HostVector>())).Do(call => inner.Mask(call.Arg<HostVector>()));
        spy.When(s => s.Unmask(Arg.Any<HostVector>())).Do(call => inner.Unmask(call.Arg<HostVector>()));
        spy.When(s => s.Free(Arg.Any<HostVector>())).Do(call => inner.Free(call.Arg<HostVector>()));
        return spy;
    }

    /// <summary>A handler that only counts: what an interrupt-time handler may do.</summary>
    private sealed class CountingSink : IInterruptSink
    {
        public int Calls { get; private set; }

        public void OnInterrupt(uint cookie) => Calls++;
    }
}
