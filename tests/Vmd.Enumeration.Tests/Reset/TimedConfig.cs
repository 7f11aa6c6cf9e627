using System;
using System.Collections.Generic;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Tests.Fakes;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>One config access with the fake clock's timestamp when it happened.</summary>
public readonly record struct TimedAccess(bool IsWrite, int Width, PciAddress Address, ushort Offset, uint Value, long Timestamp);

/// <summary>
/// An <see cref="IConfigSpace"/> over a <see cref="FakeConfigSpace"/> that logs every access with the time of a
/// <see cref="FakeTimeProvider"/> and lets a test react to it (bring a device back at a given time).
/// </summary>
public sealed class TimedConfig : IConfigSpace
{
    private readonly FakeConfigSpace _inner;

    public TimedConfig(FakeConfigSpace inner, FakeTimeProvider time)
    {
        _inner = inner;
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public List<TimedAccess> Log { get; } = new();

    /// <summary>Called before each access is performed.</summary>
    public Action<TimedAccess>? Before { get; set; }

    /// <summary>Called after each write is performed.</summary>
    public Action<TimedAccess>? AfterWrite { get; set; }

    public bool HasExtendedSpace => _inner.HasExtendedSpace;

    public byte Read8(PciAddress address, ushort offset) => (byte)Record(false, 1, address, offset, 0, () => _inner.Read8(address, offset));

    public ushort Read16(PciAddress address, ushort offset) => (ushort)Record(false, 2, address, offset, 0, () => _inner.Read16(address, offset));

    public uint Read32(PciAddress address, ushort offset) => Record(false, 4, address, offset, 0, () => _inner.Read32(address, offset));

    public void Write8(PciAddress address, ushort offset, byte value) => Record(true, 1, address, offset, value, () => { _inner.Write8(address, offset, value); return 0; });

    public void Write16(PciAddress address, ushort offset, ushort value) => Record(true, 2, address, offset, value, () => { _inner.Write16(address, offset, value); return 0; });

    public void Write32(PciAddress address, ushort offset, uint value) => Record(true, 4, address, offset, value, () => { _inner.Write32(address, offset, value); return 0; });

    /// <summary>Milliseconds between two logged timestamps.</summary>
    public double Milliseconds(long from, long to) => Time.GetElapsedTime(from, to).TotalMilliseconds;

    private uint Record(bool write, int width, PciAddress address, ushort offset, uint value, Func<uint> perform)
    {
        var access = new TimedAccess(write, width, address, offset, value, Time.GetTimestamp());
        Before?.Invoke(access);
        uint result = perform();
        Log.Add(write ? access : access with { Value = result });
        if (write)
        {
            AfterWrite?.Invoke(access);
        }

        return result;
    }
}
