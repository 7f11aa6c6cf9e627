using System;
using System.Buffers.Binary;
using Vmd.Registers;
using Vmd.Simulation.Domain;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Upstream;

/// <summary>
/// What device models call to master the bus: DMA reads and writes of host memory and message writes. Each request
/// takes the <see cref="UpstreamPath"/>; a blocked one is dropped and counted. A dword write to 0xFEEx_xxxx is an
/// interrupt message wherever it comes from, exactly as on x86.
/// </summary>
/// <remarks>Callers hold the machine's lock.</remarks>
internal static class BusMaster
{
    private const int MessageLength = 4;

    /// <summary>True for an address in the x86 interrupt window (0xFEE0_0000–0xFEEF_FFFF, high dword 0).</summary>
    public static bool IsInterruptAddress(ulong address) => (address >> 32) == 0 && ((uint)address & X86MsiAddress.WindowMask) == X86MsiAddress.Base;

    /// <summary>Reads host memory into <paramref name="destination"/>; false when the request was dropped or nothing backs it.</summary>
    public static bool TryDmaRead(SimulatedFunction requester, ulong address, Span<byte> destination)
    {
        UpstreamTarget target = UpstreamPath.Walk(requester, address, out _, out MachineFabric? fabric);
        return Passes(target, fabric) && fabric!.RootComplex.TryRead(address, destination);
    }

    /// <summary>Writes <paramref name="source"/> to host memory; false when the request was dropped or nothing backs it.</summary>
    public static bool TryDmaWrite(SimulatedFunction requester, ulong address, ReadOnlySpan<byte> source)
    {
        UpstreamTarget target = UpstreamPath.Walk(requester, address, out SimulatedVmd? vmd, out MachineFabric? fabric);
        if (!Passes(target, fabric))
        {
            return false;
        }

        if (source.Length == MessageLength && IsInterruptAddress(address))
        {
            Deliver(target, vmd, fabric!, requester, new MsiMessage(address, BinaryPrimitives.ReadUInt32LittleEndian(source)));
            return true;
        }

        return fabric!.RootComplex.TryWrite(address, source);
    }

    /// <summary>Sends <paramref name="message"/> (a dword memory write) from <paramref name="requester"/>.</summary>
    public static InterruptOutcome SendMessage(SimulatedFunction requester, MsiMessage message)
    {
        UpstreamTarget target = UpstreamPath.Walk(requester, message.Address, out SimulatedVmd? vmd, out MachineFabric? fabric);
        if (!Passes(target, fabric))
        {
            return target == UpstreamTarget.BusMasterDisabled ? InterruptOutcome.BusMasterDisabled : InterruptOutcome.Unroutable;
        }

        if (!IsInterruptAddress(message.Address))
        {
            // Not an interrupt address: the function wrote memory, and the host sees no interrupt.
            Span<byte> data = stackalloc byte[MessageLength];
            BinaryPrimitives.WriteUInt32LittleEndian(data, message.Data);
            fabric!.RootComplex.TryWrite(message.Address, data);
            return InterruptOutcome.MemoryWrite;
        }

        return Deliver(target, vmd, fabric!, requester, message);
    }

    private static InterruptOutcome Deliver(UpstreamTarget target, SimulatedVmd? vmd, MachineFabric fabric, SimulatedFunction requester, MsiMessage message)
    {
        if (target == UpstreamTarget.Vmd)
        {
            return VmdRemapper.OnMessage(vmd!, message);
        }

        // A VMD's own remapped message is counted on its path already.
        if (requester.Owner is not SimulatedVmd)
        {
            fabric.Counters.CountDirect();
        }

        return fabric.RootComplex.Deliver(message);
    }

    private static bool Passes(UpstreamTarget target, MachineFabric? fabric)
    {
        switch (target)
        {
            case UpstreamTarget.Host:
            case UpstreamTarget.Vmd:
                return true;
            case UpstreamTarget.BusMasterDisabled:
                fabric?.Counters.CountBusMasterDrop();
                return false;
            default:
                fabric?.Counters.CountUnroutable();
                return false;
        }
    }
}
