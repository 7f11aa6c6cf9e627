using NSubstitute;

namespace Vmd.Enumeration.Tests.Fakes;

/// <summary>
/// An NSubstitute <see cref="IConfigSpace"/> that forwards every call to a real one (usually a
/// <c>FakeConfigSpace</c>), so tests get realistic values and can still assert the order and width
/// of port calls with <c>Received.InOrder</c>.
/// </summary>
public static class ConfigSpy
{
    public static IConfigSpace Over(IConfigSpace inner)
    {
        IConfigSpace spy = Substitute.For<IConfigSpace>();
        spy.HasExtendedSpace.Returns(_ => inner.HasExtendedSpace);
        spy.Read8(default, default).ReturnsForAnyArgs(c => inner.Read8(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        spy.Read16(default, default).ReturnsForAnyArgs(c => inner.Read16(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        spy.Read32(default, default).ReturnsForAnyArgs(c => inner.Read32(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1)));
        spy.WhenForAnyArgs(s => s.Write8(default, default, default))
            .Do(c => inner.Write8(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<byte>(2)));
        spy.WhenForAnyArgs(s => s.Write16(default, default, default))
            .Do(c => inner.Write16(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<ushort>(2)));
        spy.WhenForAnyArgs(s => s.Write32(default, default, default))
            .Do(c => inner.Write32(c.ArgAt<PciAddress>(0), c.ArgAt<ushort>(1), c.ArgAt<uint>(2)));
        return spy;
    }
}
