using System;
using System.Collections.Generic;
using Vmd.Simulation.Interrupts;

namespace Vmd.Simulation.Tests;

public sealed class InterruptControllerTests
{
    private sealed class Sink : IInterruptSink
    {
        public List<uint> Cookies { get; } = [];

        public void OnInterrupt(uint cookie) => Cookies.Add(cookie);
    }

    [Fact]
    public void Pool_runs_out_after_its_size()
    {
        var controller = new SimulatedInterruptController(vectorCount: 2);

        Assert.True(controller.TryAllocate(out HostVector first));
        Assert.True(controller.TryAllocate(out HostVector second));
        Assert.False(controller.TryAllocate(out _));
        Assert.NotEqual(first, second);

        controller.Free(first);
        Assert.True(controller.TryAllocate(out HostVector again));
        Assert.Equal(first, again);
    }

    [Fact]
    public void Message_targets_the_destination_apic_with_the_vector_as_data()
    {
        var controller = new SimulatedInterruptController(destinationId: 3);
        Assert.True(controller.TryAllocate(out HostVector vector));

        MsiMessage message = controller.ComposeMessage(vector);

        Assert.Equal(0xFEE0_3000UL, message.Address);
        Assert.Equal(vector.Value, message.Data);
        Assert.Equal(SimulatedInterruptController.DefaultFirstVector, vector.Value);
    }

    [Fact]
    public void Raise_calls_the_attached_sink_with_its_cookie()
    {
        var controller = new SimulatedInterruptController();
        var sink = new Sink();
        Assert.True(controller.TryAllocate(out HostVector vector));
        controller.Attach(vector, sink, 42);

        Assert.True(controller.Raise(vector));

        Assert.Equal([42u], sink.Cookies);
        Assert.Equal(1, controller.Delivered);
        Assert.Equal(1, controller.DeliveredTo(vector));
    }

    [Fact]
    public void Masked_vector_latches_pending_and_unmask_delivers_it_once()
    {
        var controller = new SimulatedInterruptController();
        var sink = new Sink();
        Assert.True(controller.TryAllocate(out HostVector vector));
        controller.Attach(vector, sink, 7);
        controller.Mask(vector);

        Assert.False(controller.Raise(vector));
        Assert.False(controller.Raise(vector));
        Assert.True(controller.IsPending(vector));
        Assert.Empty(sink.Cookies);

        controller.Unmask(vector);

        Assert.Equal([7u], sink.Cookies);
        Assert.False(controller.IsPending(vector));
        Assert.Equal(2, controller.LatchedWhileMasked);
    }

    [Fact]
    public void Only_one_sink_per_vector()
    {
        var controller = new SimulatedInterruptController();
        Assert.True(controller.TryAllocate(out HostVector vector));
        controller.Attach(vector, new Sink(), 1);

        Assert.Throws<InvalidOperationException>(() => controller.Attach(vector, new Sink(), 2));
    }

    [Fact]
    public void Unallocated_vector_is_a_caller_mistake_for_attach_and_free_and_unhandled_for_raise()
    {
        var controller = new SimulatedInterruptController();
        var vector = new HostVector(0x40);

        Assert.Throws<InvalidOperationException>(() => controller.Attach(vector, new Sink(), 0));
        Assert.Throws<InvalidOperationException>(() => controller.Free(vector));
        Assert.False(controller.Raise(vector));
        Assert.Equal(1, controller.Unhandled);
    }

    [Fact]
    public void Msi_write_to_the_apic_window_raises_the_vector_in_the_data()
    {
        var controller = new SimulatedInterruptController();
        var sink = new Sink();
        Assert.True(controller.TryAllocate(out HostVector vector));
        controller.Attach(vector, sink, 9);

        Assert.True(controller.TryDeliver(controller.ComposeMessage(vector)));
        Assert.False(controller.TryDeliver(new MsiMessage(0xFEE0_1000, vector.Value)));
        Assert.False(controller.TryDeliver(new MsiMessage(0x5000_0000, vector.Value)));

        Assert.Equal([9u], sink.Cookies);
        Assert.Equal(2, controller.RejectedMessages);
    }
}
