using NSubstitute;
using Vmd.Interrupts.Dispatch;

namespace Vmd.Interrupts.Tests.Dispatch;

public sealed class MmioDummyReadTests
{
    [Fact]
    public void Mtl016_read_of_a_mapped_child_register_comes_before_the_handler()
    {
        var dispatcher = new InterruptDispatcher(vectorCount: 4, dummyReadBeforeHandler: true);
        IMmioRegion bar0 = Substitute.For<IMmioRegion>();
        IInterruptSink sink = Substitute.For<IInterruptSink>();
        dispatcher.Attach(2, sink, 7, bar0, 0x1C);

        Assert.True(dispatcher.Dispatch(2));

        Received.InOrder(() =>
        {
            bar0.Read32(0x1C);
            sink.OnInterrupt(7);
        });
        Assert.Equal(1, dispatcher.GetDummyReadCount(2));
    }

    [Fact]
    public void Without_the_erratum_the_mapped_register_is_not_read()
    {
        var dispatcher = new InterruptDispatcher(vectorCount: 4, dummyReadBeforeHandler: false);
        IMmioRegion bar0 = Substitute.For<IMmioRegion>();
        IInterruptSink sink = Substitute.For<IInterruptSink>();
        dispatcher.Attach(2, sink, 7, bar0, 0x1C);

        dispatcher.Dispatch(2);

        bar0.DidNotReceiveWithAnyArgs().Read32(default);
        sink.Received(1).OnInterrupt(7);
    }
}
