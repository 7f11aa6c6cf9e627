using NSubstitute;

namespace Vmd.Interrupts.Tests.Fakes;

/// <summary>An NSubstitute <see cref="IMmioRegion"/> forwarding to a real one, so tests can assert access order.</summary>
public static class MmioSpy
{
    public static IMmioRegion Over(IMmioRegion inner)
    {
        IMmioRegion spy = Substitute.For<IMmioRegion>();
        spy.PhysicalAddress.Returns(_ => inner.PhysicalAddress);
        spy.Length.Returns(_ => inner.Length);
        spy.Read8(default).ReturnsForAnyArgs(c => inner.Read8(c.ArgAt<nuint>(0)));
        spy.Read16(default).ReturnsForAnyArgs(c => inner.Read16(c.ArgAt<nuint>(0)));
        spy.Read32(default).ReturnsForAnyArgs(c => inner.Read32(c.ArgAt<nuint>(0)));
        spy.Read64(default).ReturnsForAnyArgs(c => inner.Read64(c.ArgAt<nuint>(0)));
        spy.WhenForAnyArgs(s => s.Write8(default, default)).Do(c => inner.Write8(c.ArgAt<nuint>(0), c.ArgAt<byte>(1)));
        spy.WhenForAnyArgs(s => s.Write16(default, default)).Do(c => inner.Write16(c.ArgAt<nuint>(0), c.ArgAt<ushort>(1)));
        spy.WhenForAnyArgs(s => s.Write32(default, default)).Do(c => inner.Write32(c.ArgAt<nuint>(0), c.ArgAt<uint>(1)));
        spy.WhenForAnyArgs(s => s.Write64(default, default)).Do(c => inner.Write64(c.ArgAt<nuint>(0), c.ArgAt<ulong>(1)));
        return spy;
    }
}
