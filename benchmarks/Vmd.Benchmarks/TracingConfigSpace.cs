using System;
using System.Globalization;
using System.IO;

namespace Vmd.Benchmarks;

/// <summary>An <see cref="IConfigSpace"/> decorator that writes every access to a <see cref="TextWriter"/> (the <c>trace</c> verb).</summary>
internal sealed class TracingConfigSpace : IConfigSpace
{
    private readonly IConfigSpace _inner;
    private readonly TextWriter _log;

    public TracingConfigSpace(IConfigSpace inner, TextWriter log)
    {
        _inner = inner;
        _log = log;
    }

    public bool HasExtendedSpace => _inner.HasExtendedSpace;

    public byte Read8(PciAddress address, ushort offset) => Log("R8 ", address, offset, _inner.Read8(address, offset));

    public ushort Read16(PciAddress address, ushort offset) => Log("R16", address, offset, _inner.Read16(address, offset));

    public uint Read32(PciAddress address, ushort offset) => Log("R32", address, offset, _inner.Read32(address, offset));

    public void Write8(PciAddress address, ushort offset, byte value)
    {
        Log("W8 ", address, offset, value);
        _inner.Write8(address, offset, value);
    }

    public void Write16(PciAddress address, ushort offset, ushort value)
    {
        Log("W16", address, offset, value);
        _inner.Write16(address, offset, value);
    }

    public void Write32(PciAddress address, ushort offset, uint value)
    {
        Log("W32", address, offset, value);
        _inner.Write32(address, offset, value);
    }

    private T Log<T>(string kind, PciAddress address, ushort offset, T value)
        where T : IFormattable
    {
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind} {address} {offset:x3} {value.ToString("x", CultureInfo.InvariantCulture)}"));
        return value;
    }
}
