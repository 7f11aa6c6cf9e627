using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Time.Testing;
using Vmd.Enumeration.Reset;
using Vmd.Enumeration.Tests.Fakes;
using Vmd.Registers;

namespace Vmd.Enumeration.Tests.Reset;

/// <summary>Save and restore of one function across a reset: every register, in a safe order.</summary>
public sealed class FunctionStateTests
{
    private static readonly PciAddress Drive = new(0x10000, 1, 0, 0);
    private static readonly PciAddress Port = new(0x10000, 0, 1, 0);
    private const ushort Msi = 0x50;
    private const ushort Msix = 0x70;
    private const ushort Express = 0x80;
    private const ushort Ltr = 0x100;
    private const nuint TableOffset = 0x2000;

    private static readonly (ushort Offset, int Width)[] EndpointRegisters =
    [
        (PciHeader.Command, 2),
        (0x10, 4), (0x14, 4), (0x18, 4), (0x1C, 4), (0x20, 4), (0x24, 4),
        (Type0Header.ExpansionRomBaseAddress, 4),
        (Msi + MsiCapability.MessageControl, 2),
        (Msi + MsiCapability.MessageAddress, 4),
        (Msi + MsiCapability.MessageUpperAddress, 4),
        (Msi + MsiCapability.MessageData64, 2),
        (Msi + MsiMaskBits.MaskBits64, 4),
        (Msix + MsixCapability.MessageControl, 2),
        (Express + PciExpressCapability.DeviceControl, 2),
        (Express + PciExpressCapability.LinkControl, 2),
        (Express + PciExpressCapability.DeviceControl2, 2),
        (Ltr + LatencyToleranceReportingCapability.MaxSnoopLatency, 4),
    ];

    private static readonly (ushort Offset, int Width)[] BridgeRegisters =
    [
        (PciHeader.Command, 2),
        (0x10, 4), (0x14, 4),
        (Type1Header.PrimaryBusNumber, 4),
        (Type1Header.IoBase, 1), (Type1Header.IoLimit, 1),
        (Type1Header.MemoryBase, 4),
        (Type1Header.PrefetchableMemoryBase, 2), (Type1Header.PrefetchableMemoryLimit, 2),
        (Type1Header.PrefetchableBaseUpper32, 4), (Type1Header.PrefetchableLimitUpper32, 4),
        (Type1Header.IoBaseUpper16, 2), (Type1Header.IoLimitUpper16, 2),
        (Type1Header.ExpansionRomBaseAddress, 4),
        (Type1Header.BridgeControl, 2),
        (Express + PciExpressCapability.DeviceControl, 2),
        (Express + PciExpressCapability.LinkControl, 2),
        (Express + PciExpressCapability.SlotControl, 2),
        (Express + PciExpressCapability.DeviceControl2, 2),
    ];

    private static FakeFunction Writable(FakeFunction function, (ushort Offset, int Width)[] registers)
    {
        foreach (var (offset, width) in registers)
        {
            if (width == 4)
            {
                function.SetWritable32(offset, 0xFFFF_FFFF);
            }
            else if (width == 2)
            {
                function.SetWritable16(offset, 0xFFFF);
            }
        }

        return function;
    }

    private static uint Read(FakeFunction function, ushort offset, int width) => width switch
    {
        1 => function.Read8(offset),
        2 => function.Read16(offset),
        _ => function.Read32(offset),
    };

    // A conventional reset: everything software wrote goes back to zero.
    private static void Wipe(FakeFunction function, (ushort Offset, int Width)[] registers)
    {
        foreach (var (offset, width) in registers)
        {
            for (int i = 0; i < width; i++)
            {
                function.Set8(offset + i, 0);
            }
        }
    }

    private static (FakeConfigSpace Config, FakeFunction Drive) Endpoint()
    {
        var config = new FakeConfigSpace();
        FakeFunction drive = Writable(config.Add(Drive), EndpointRegisters)
            .WithCapabilityPointer((byte)Msi)
            .WithCapability(Msi, CapabilityId.Msi, (byte)Msix)
            .WithCapability(Msix, CapabilityId.MsiX, (byte)Express)
            .WithCapability(Express, CapabilityId.PciExpress, 0)
            .Set16(Express + PciExpressCapability.Capabilities, 0x0002)
            .Set32(Express + PciExpressCapability.DeviceCapabilities, PciExpressCapability.FunctionLevelResetCapable)
            .WithExtendedCapability(Ltr, ExtendedCapabilityId.LatencyToleranceReporting, 1, 0)
            .Set16(PciHeader.Command, 0x0406)
            .Set32(0x10, 0xFE10_0004).Set32(0x14, 0x0000_0001) // 64-bit BAR0/1 at 1_FE10_0000
            .Set32(0x18, 0x0000_E001) // I/O BAR2
            .Set32(0x1C, 0xFE20_0000).Set32(0x20, 0).Set32(0x24, 0xFE30_0008)
            .Set32(Type0Header.ExpansionRomBaseAddress, 0xFE40_0001)
            .Set16(Msi + MsiCapability.MessageControl, 0x0181 | 0x0010) // enabled, 64-bit, per-vector masks, 2 messages
            .Set32(Msi + MsiCapability.MessageAddress, 0xFEE0_1000)
            .Set32(Msi + MsiCapability.MessageUpperAddress, 0)
            .Set16(Msi + MsiCapability.MessageData64, 0x4041)
            .Set32(Msi + MsiMaskBits.MaskBits64, 0x0000_0002)
            .Set16(Msix + MsixCapability.MessageControl, MsixCapability.Enable | 3) // 4 entries
            .Set16(Express + PciExpressCapability.DeviceControl, 0x2937)
            .Set16(Express + PciExpressCapability.LinkControl, 0x0042)
            .Set16(Express + PciExpressCapability.DeviceControl2, 0x0405)
            .Set32(Ltr + LatencyToleranceReportingCapability.MaxSnoopLatency, 0x1003_1003);
        return (config, drive);
    }

    private static FakeMmio Table(int entries)
    {
        var table = new FakeMmio(0x4000);
        for (int i = 0; i < entries; i++)
        {
            nuint at = TableOffset + (nuint)(i * MsixCapability.EntrySize);
            table.Write32(at, 0xFEE0_0000 | (uint)(i << 12));
            table.Write32(at + 4, 0);
            table.Write32(at + 8, 0x40u + (uint)i);
            table.Write32(at + 12, (uint)(i & 1));
        }

        return table;
    }

    [Fact]
    public void Endpoint_round_trip_restores_every_register_and_the_msix_table()
    {
        var (config, drive) = Endpoint();
        FakeMmio table = Table(4);
        uint[] before = EndpointRegisters.Select(r => Read(drive, r.Offset, r.Width)).ToArray();
        uint[] entries = Enumerable.Range(0, 16).Select(i => table.Read32(TableOffset + (nuint)(i * 4))).ToArray();
        var state = new FunctionState(msixEntryCapacity: 8);

        Assert.True(state.TrySave(config, Drive, table, TableOffset, out VmdError error));
        Assert.Equal(VmdError.None, error);
        Assert.Equal(4, state.SavedMsixEntries);
        Wipe(drive, EndpointRegisters);
        for (int i = 0; i < 16; i++)
        {
            table.Write32(TableOffset + (nuint)(i * 4), 0);
        }

        Assert.True(state.TryRestore(config, out error));

        uint[] after = EndpointRegisters.Select(r => Read(drive, r.Offset, r.Width)).ToArray();
        Assert.Equal(before, after);
        Assert.Equal(entries, Enumerable.Range(0, 16).Select(i => table.Read32(TableOffset + (nuint)(i * 4))).ToArray());
    }

    [Fact]
    public void Restore_turns_decode_on_last_and_writes_the_msix_table_under_function_mask()
    {
        var (config, drive) = Endpoint();
        FakeMmio table = Table(4);
        var state = new FunctionState(8);
        Assert.True(state.TrySave(config, Drive, table, TableOffset, out _));
        Wipe(drive, EndpointRegisters);
        var timed = new TimedConfig(config, new FakeTimeProvider());
        var masksDuringTable = new List<ushort>();
        table.BeforeWrite32 = (_, _) => masksDuringTable.Add(drive.Read16(Msix + MsixCapability.MessageControl));
        var commandDuringTable = new List<ushort>();
        table.BeforeWrite32 += (_, _) => commandDuringTable.Add(drive.Read16(PciHeader.Command));

        Assert.True(state.TryRestore(timed, out _));

        List<TimedAccess> writes = timed.Log.Where(a => a.IsWrite).ToList();
        Assert.Equal(PciHeader.Command, writes[0].Offset);
        Assert.Equal(0u, writes[0].Value & 0x7); // decode and bus mastering off first
        int decodeOn = writes.FindIndex(a => a.Offset == PciHeader.Command && a.Value == 0x0406);
        int lastHeader = writes.FindLastIndex(a => a.Offset is >= 0x10 and <= 0x30);
        Assert.True(decodeOn > lastHeader);
        Assert.Equal(16, masksDuringTable.Count);
        Assert.All(masksDuringTable, c => Assert.NotEqual(0, c & MsixCapability.FunctionMask));
        Assert.All(commandDuringTable, c => Assert.NotEqual(0, c & (ushort)PciCommand.MemorySpaceEnable));
        TimedAccess lastMsix = writes.Last(a => a.Offset == Msix + MsixCapability.MessageControl);
        Assert.Equal((uint)(MsixCapability.Enable | 3), lastMsix.Value);
        Assert.DoesNotContain(writes, a => a.Offset == Express + PciExpressCapability.DeviceControl && (a.Value & PciExpressDevice.InitiateFunctionLevelReset) != 0);
        TimedAccess msiEnable = writes.Last(a => a.Offset == Msi + MsiCapability.MessageControl);
        Assert.Equal(writes.FindLastIndex(a => a.Offset is >= Msi and < Msi + 0x18), writes.IndexOf(msiEnable));
    }

    [Fact]
    public void Save_and_restore_allocate_nothing_after_construction()
    {
        var (config, _) = Endpoint();
        FakeMmio table = Table(4);
        var state = new FunctionState(8);
        Assert.True(state.TrySave(config, Drive, table, TableOffset, out _)); // warm up (JIT)
        Assert.True(state.TryRestore(config, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        state.TrySave(config, Drive, table, TableOffset, out _);
        state.TryRestore(config, out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Msix_table_larger_than_the_holder_is_refused()
    {
        var (config, _) = Endpoint();

        var state = new FunctionState(2);

        Assert.False(state.TrySave(config, Drive, Table(4), TableOffset, out VmdError error));
        Assert.Equal(VmdError.Exhausted, error);
        Assert.False(state.IsSaved);
        Assert.Throws<InvalidOperationException>(() => state.TryRestore(config, out _));
    }

    [Fact]
    public void Absent_function_is_not_saved()
    {
        var state = new FunctionState();

        Assert.False(state.TrySave(new FakeConfigSpace(), Drive, out VmdError error));
        Assert.Equal(VmdError.Absent, error);
    }

    public static TheoryData<ushort, ushort, byte, byte, uint, ushort, ushort, uint, uint> Windows => new()
    {
        // I/O upper base, upper limit, low base, low limit; memory dword; prefetchable low base, low limit, upper base, upper limit
        { 0x0001, 0x0001, 0x21, 0x31, 0xFE10_FE00, 0x0001, 0xFFF1, 0x0000_0001, 0x0000_0002 }, // prefetchable spans 4 GiB boundaries
        { 0x0000, 0x0000, 0x11, 0x11, 0xFE30_FE00, 0x8001, 0x8FF1, 0x0000_0004, 0x0000_0004 },
        { 0x0002, 0x0003, 0xF1, 0x01, 0xFD00_FC00, 0xC001, 0xDFF1, 0x0000_0000, 0x0000_0000 }, // 32-bit-range prefetchable
        { 0x0000, 0x0000, 0xF1, 0x01, 0x0000_FFF0, 0xFFF1, 0x0001, 0xFFFF_FFFF, 0x0000_0000 }, // all three saved disabled
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Bridge_windows_never_pass_through_an_enabled_wrong_state(
        ushort ioBaseUpper, ushort ioLimitUpper, byte ioBase, byte ioLimit, uint memory,
        ushort prefBase, ushort prefLimit, uint prefBaseUpper, uint prefLimitUpper)
    {
        var config = new FakeConfigSpace();
        FakeFunction port = Writable(config.Add(Port), BridgeRegisters)
            .Set8(PciHeader.HeaderType, HeaderType.Bridge)
            .WithCapabilityPointer((byte)Express)
            .WithCapability(Express, CapabilityId.PciExpress, 0)
            .Set16(Express + PciExpressCapability.Capabilities, 0x0142) // slot implemented, root port, version 2
            .Set16(PciHeader.Command, 0x0007)
            .Set32(0x10, 0xFE50_0000)
            .Set32(Type1Header.PrimaryBusNumber, 0x0003_0100)
            .Set8(Type1Header.IoBase, ioBase).Set8(Type1Header.IoLimit, ioLimit)
            .Set16(Type1Header.IoBaseUpper16, ioBaseUpper).Set16(Type1Header.IoLimitUpper16, ioLimitUpper)
            .Set32(Type1Header.MemoryBase, memory)
            .Set16(Type1Header.PrefetchableMemoryBase, prefBase).Set16(Type1Header.PrefetchableMemoryLimit, prefLimit)
            .Set32(Type1Header.PrefetchableBaseUpper32, prefBaseUpper).Set32(Type1Header.PrefetchableLimitUpper32, prefLimitUpper)
            .Set32(Type1Header.ExpansionRomBaseAddress, 0)
            .Set16(Type1Header.BridgeControl, 0x0013)
            .Set16(Express + PciExpressCapability.DeviceControl, 0x2837)
            .Set16(Express + PciExpressCapability.LinkControl, 0x0040)
            .Set16(Express + PciExpressCapability.SlotControl, 0x02E8)
            .Set16(Express + PciExpressCapability.DeviceControl2, 0x0400);
        // I/O and prefetchable low nibbles are capability bits (read-only): 32-bit I/O, 64-bit prefetchable.
        port.SetWritable16(Type1Header.IoBase, 0xF0F0).SetWritable16(Type1Header.PrefetchableMemoryBase, 0xFFF0).SetWritable16(Type1Header.PrefetchableMemoryLimit, 0xFFF0);
        uint[] before = BridgeRegisters.Select(r => Read(port, r.Offset, r.Width)).ToArray();
        var state = new FunctionState();
        Assert.True(state.TrySave(config, Port, out _));
        Wipe(port, BridgeRegisters);
        port.Set8(Type1Header.IoBase, (byte)(ioBase & 0x0F)).Set8(Type1Header.IoLimit, (byte)(ioLimit & 0x0F));
        port.Set16(Type1Header.PrefetchableMemoryBase, (ushort)(prefBase & 0xF)).Set16(Type1Header.PrefetchableMemoryLimit, (ushort)(prefLimit & 0xF));

        var timed = new TimedConfig(config, new FakeTimeProvider());
        // A reset leaves base = limit = 0 (enabled at 0): each window is checked from the first write touching it.
        int checkedWrites = 0;
        bool io = false, mem = false, pref = false;
        timed.AfterWrite = a =>
        {
            io |= Touches(a, Type1Header.IoBase, 2) || Touches(a, Type1Header.IoBaseUpper16, 4);
            mem |= Touches(a, Type1Header.MemoryBase, 4);
            pref |= Touches(a, Type1Header.PrefetchableMemoryBase, 12);
            checkedWrites += io || mem || pref ? 1 : 0;
            if (io)
            {
                AssertDisabledOrFinal("I/O", IoBase(port), IoLimit(port), IoWindow(ioBaseUpper, ioBase, ioLimitUpper, ioLimit), a);
            }

            if (mem)
            {
                AssertDisabledOrFinal("memory", (ulong)(port.Read16(Type1Header.MemoryBase) & 0xFFF0) << 16, ((ulong)(port.Read16(Type1Header.MemoryLimit) & 0xFFF0) << 16) | 0xFFFFF, MemoryWindow(memory), a);
            }

            if (pref)
            {
                AssertDisabledOrFinal("prefetchable", PrefBase(port), PrefLimit(port), PrefWindow(prefBaseUpper, prefBase, prefLimitUpper, prefLimit), a);
            }
        };

        Assert.True(state.TryRestore(timed, out _));

        Assert.True(checkedWrites > 10);
        Assert.Equal(before, BridgeRegisters.Select(r => Read(port, r.Offset, r.Width)).ToArray());
    }

    private static bool Touches(TimedAccess write, ushort start, int length) =>
        write.Offset < start + length && write.Offset + write.Width > start;

    private static void AssertDisabledOrFinal(string name, ulong baseAddress, ulong limit, (ulong Base, ulong Limit) final, TimedAccess write)
    {
        bool disabled = baseAddress > limit;
        bool isFinal = baseAddress == final.Base && limit == final.Limit;
        Assert.True(disabled || isFinal, $"{name} window {baseAddress:x}-{limit:x} enabled after write of {write.Value:x} at {write.Offset:x2}");
    }

    private static ulong IoBase(FakeFunction f) => ((ulong)f.Read16(Type1Header.IoBaseUpper16) << 16) | ((ulong)(f.Read8(Type1Header.IoBase) & 0xF0) << 8);

    private static ulong IoLimit(FakeFunction f) => ((ulong)f.Read16(Type1Header.IoLimitUpper16) << 16) | ((ulong)(f.Read8(Type1Header.IoLimit) & 0xF0) << 8) | 0xFFF;

    private static ulong PrefBase(FakeFunction f) => ((ulong)f.Read32(Type1Header.PrefetchableBaseUpper32) << 32) | ((ulong)(f.Read16(Type1Header.PrefetchableMemoryBase) & 0xFFF0) << 16);

    private static ulong PrefLimit(FakeFunction f) => ((ulong)f.Read32(Type1Header.PrefetchableLimitUpper32) << 32) | ((ulong)(f.Read16(Type1Header.PrefetchableMemoryLimit) & 0xFFF0) << 16) | 0xFFFFF;

    private static (ulong, ulong) IoWindow(ushort bu, byte b, ushort lu, byte l) =>
        (((ulong)bu << 16) | ((ulong)(b & 0xF0) << 8), ((ulong)lu << 16) | ((ulong)(l & 0xF0) << 8) | 0xFFF);

    private static (ulong, ulong) MemoryWindow(uint memory) =>
        ((ulong)(memory & 0xFFF0) << 16, ((ulong)((memory >> 16) & 0xFFF0) << 16) | 0xFFFFF);

    private static (ulong, ulong) PrefWindow(uint bu, ushort b, uint lu, ushort l) =>
        (((ulong)bu << 32) | ((ulong)(b & 0xFFF0) << 16), ((ulong)lu << 32) | ((ulong)(l & 0xFFF0) << 16) | 0xFFFFF);
}
