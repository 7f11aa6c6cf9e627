using System;
using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Tests;

/// <summary>Host RAM for DMA: allocation, plain-memory behaviour through a mapping, and where it sits.</summary>
public sealed class HostRamTests
{
    [Fact]
    public void Allocated_memory_reads_zero_then_what_was_written_and_is_not_mmio()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        ulong address = machine.PhysicalMemory.AllocateDma(4096);
        Assert.True(machine.Memory.TryMap(address, 4096, out IMmioRegion? ram));

        Assert.Equal(0UL, ram.Read64(0x18));
        ram.Write64(0x18, 0x0123_4567_89AB_CDEF);
        ram.Write8(0x1F, 0xAA);

        Assert.Equal(0xAA23_4567_89AB_CDEFUL, ram.Read64(0x18));
        Assert.Equal(0x89AB_CDEFu, ram.Read32(0x18));
        Assert.Equal(0, machine.Counters.MmioReads);
        Assert.Equal(0, machine.Counters.MmioWrites);
    }

    [Fact]
    public void Allocations_are_aligned_inside_ram_and_do_not_overlap()
    {
        SimulatedMachine machine = TestHelpers.Machine();
        SimulatedPhysicalMemory memory = machine.PhysicalMemory;

        ulong first = memory.AllocateDma(100, alignment: 64);
        ulong second = memory.AllocateDma(8192, alignment: 8192);
        ulong third = memory.AllocateDma(16);

        Assert.Equal(0UL, first % 64);
        Assert.Equal(0UL, second % 8192);
        Assert.Equal(0UL, third % 4096);
        Assert.True(second >= first + 100 && third >= second + 8192);
        Assert.True(first >= memory.RamBase && third + 16 <= memory.RamBase + memory.RamSize);
        Assert.Equal(SimulatedPhysicalMemory.DefaultRamBase, memory.RamBase);
    }

    [Fact]
    public void Allocation_skips_a_host_bar_inside_the_ram_range()
    {
        var builder = new MachineBuilder("bar-in-ram", "a BAR firmware put where RAM would be") { RamBase = 0x10_0000, RamSize = 0x40_0000 };
        SimulatedFunction function = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(0x1234, 0x0001, ClassCodes.SystemPeripheralOther)
            .MemoryBar(0, 0x10_0000, is64Bit: false, prefetchable: false, address: 0x10_0000)
            .Build();
        builder.AddHostFunction(new PciAddress(0, 0, 3, 0), function);
        SimulatedMachine machine = builder.Build();

        ulong address = machine.PhysicalMemory.AllocateDma(4096);

        Assert.True(address >= 0x20_0000);
    }

    [Fact]
    public void Exhausted_ram_refuses_allocation()
    {
        var builder = new MachineBuilder("small", "8 KiB of RAM") { RamBase = 0x10_0000, RamSize = 0x2000 };
        SimulatedMachine machine = builder.Build();

        Assert.True(machine.PhysicalMemory.TryAllocateDma(0x2000, 4096, out _));
        Assert.False(machine.PhysicalMemory.TryAllocateDma(1, 1, out _));
        Assert.Throws<InvalidOperationException>(() => machine.PhysicalMemory.AllocateDma(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => machine.PhysicalMemory.TryAllocateDma(16, 3, out _));
    }

    [Fact]
    public void Ram_range_must_be_page_aligned()
    {
        var builder = new MachineBuilder("odd", "unaligned RAM") { RamBase = 0x10_0800 };

        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void Dma_beyond_ram_is_unclaimed_and_the_controller_reports_a_fatal_error()
    {
        DriveHarness drive = DriveHarness.TigerLake();
        drive.EnableController();
        drive.Submit(0, NvmeCommands.OpcodeIdentify, 1, NvmeCommands.CnsController, prp1: 0x4000_0000);

        drive.RingSubmissionTail(1);

        Assert.Equal(1, drive.Machine.Counters.DmaUnclaimed);
        Assert.Equal(NvmeRegisters.CstsCfs, drive.Bar0.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsCfs);
        Assert.Equal(0u, drive.CompletionDw3(0));
    }
}
