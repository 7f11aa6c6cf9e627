using System;
using System.Collections.Generic;
using System.Threading;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;

namespace Vmd.Simulation.Upstream;

/// <summary>
/// The host end of every upstream request: DMA to and from <see cref="Memory.HostRam"/>, and interrupt messages for
/// the host interrupt controller. Messages are queued while the machine's lock is held and handed to the controller
/// after the port access that caused them has released it, so a handler runs as after a real interrupt: the write
/// that raised it has completed, and the handler may use the ports itself.
/// </summary>
internal sealed class RootComplex
{
    private readonly MachineFabric _fabric;
    private readonly Queue<MsiMessage> _queue = new();

    public RootComplex(MachineFabric fabric) => _fabric = fabric;

    /// <summary>The host interrupt controller messages go to (set when the machine is built).</summary>
    public SimulatedInterruptController? Controller { get; set; }

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (!_fabric.Ram.Contains(address, (ulong)destination.Length))
        {
            _fabric.Counters.CountDmaUnclaimed();
            return false;
        }

        _fabric.Ram.Read(address, destination);
        _fabric.Counters.CountDma(write: false);
        return true;
    }

    public bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        if (!_fabric.Ram.Contains(address, (ulong)source.Length))
        {
            _fabric.Counters.CountDmaUnclaimed();
            return false;
        }

        _fabric.Ram.Write(address, source);
        _fabric.Counters.CountDma(write: true);
        return true;
    }

    /// <summary>
    /// True when messages wait for <see cref="DeliverQueued"/>. Read without the lock as a cheap hint: a thread always
    /// sees the messages it queued itself, and those are the ones it must deliver after its access.
    /// </summary>
    public bool HasQueued => _queue.Count > 0;

    /// <summary>Accepts an interrupt message for the host controller (delivered by <see cref="DeliverQueued"/>).</summary>
    public InterruptOutcome Deliver(MsiMessage message)
    {
        _queue.Enqueue(message);
        _fabric.Counters.CountToHost();
        return InterruptOutcome.DeliveredToHost;
    }

    /// <summary>Hands queued messages to the controller, in order, outside the machine's lock; does nothing while this thread holds it.</summary>
    public void DeliverQueued()
    {
        if (Monitor.IsEntered(_fabric.Sync))
        {
            return;
        }

        while (true)
        {
            MsiMessage message;
            lock (_fabric.Sync)
            {
                if (!_queue.TryDequeue(out message))
                {
                    return;
                }
            }

            Controller?.TryDeliver(message);
        }
    }
}
