using System;
using System.Collections.Generic;
using System.Threading;
using Vmd.Core;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;

namespace Vmd.Reliability.Tests.Concurrency;

/// <summary>
/// The part of an NVMe driver the concurrency proof needs, on a drive that is never removed: one admin queue pair
/// in host RAM, Identify Controller commands submitted by one thread, and an interrupt handler that consumes
/// completions by phase tag on whatever CPU the interrupt (or a spurious call of the shared VMD vector) arrives on.
/// </summary>
/// <remarks>
/// <para>Completions are consumed by one CPU at a time: a handler that finds the queue taken records that it came
/// and leaves; the owner looks again before it lets go, so an interrupt that arrives while another CPU drains is
/// never lost. No lock, no wait, no allocation in the handler.</para>
/// <para>Accounting: each command ID is free (0) or submitted (1). A completion must find its ID submitted and frees
/// it; a completion for a free ID is a duplicate. After the domain is reset the kernel, as the library documents,
/// had stopped submitting first; it reaps what the drive had posted before the reset, then every ID still submitted
/// was cancelled by the reset and is submitted again once the queue is rebuilt (the same ID, so each command still
/// completes exactly once).</para>
/// </remarks>
internal sealed class StableDrive : IInterruptSink
{
    public const int Entries = 32;
    private const ulong SqOffset = 0;
    private const ulong CqOffset = 0x1000;
    private const ulong DataOffset = 0x2000;

    private readonly SimulatedMachine _machine;
    private readonly IMmioRegion _registers;
    private readonly IMmioRegion _dma;
    private readonly ulong _dmaAddress;
    private readonly int[] _state = new int[65536];
    private readonly Queue<ushort> _cancelled = new();
    private int _owner;
    private long _requests;

    // Owned by the CPU holding _owner.
    private int _cqHead;
    private bool _phase;

    // Owned by the submitting thread (and by the control thread while submission is paused).
    private int _sqTail;
    private ushort _nextId;

    private long _submitted;
    private long _resubmitted;
    private long _completed;
    private long _duplicates;
    private long _errors;
    private long _handlerCalls;
    private long _reaped;
    private long _stuckIds;

    public StableDrive(SimulatedMachine machine, PciFunction function)
    {
        _machine = machine;
        Address = function.Address;
        Bar0 = function.GetBarCpuAddress(0);
        if (!machine.Memory.TryMap(Bar0, function.Bars[0].Size, out IMmioRegion? registers))
        {
            throw new InvalidOperationException($"BAR0 of {Address} could not be mapped");
        }

        _registers = registers;
        _dmaAddress = machine.PhysicalMemory.AllocateDma(0x3000);
        if (!machine.Memory.TryMap(_dmaAddress, 0x3000, out IMmioRegion? dma))
        {
            throw new InvalidOperationException("the DMA buffer could not be mapped");
        }

        _dma = dma;
    }

    public PciAddress Address { get; }

    public ulong Bar0 { get; }

    public ChildInterrupt? Route { get; set; }

    public long Submitted => Interlocked.Read(ref _submitted);

    public long Resubmitted => Interlocked.Read(ref _resubmitted);

    public long Completed => Interlocked.Read(ref _completed);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Errors => Interlocked.Read(ref _errors);

    public long HandlerCalls => Interlocked.Read(ref _handlerCalls);

    public long ReapedAfterReset => Interlocked.Read(ref _reaped);

    public long StuckIds => Interlocked.Read(ref _stuckIds);

    public long Outstanding => Submitted - Completed;

    /// <summary>Interrupt context: consume what the drive posted.</summary>
    public void OnInterrupt(uint cookie)
    {
        Interlocked.Increment(ref _handlerCalls);
        Interlocked.Increment(ref _requests);
        while (Interlocked.CompareExchange(ref _owner, 1, 0) == 0)
        {
            long seen = Interlocked.Read(ref _requests);
            Drain(ringDoorbell: true);
            Volatile.Write(ref _owner, 0);
            if (Interlocked.Read(ref _requests) == seen)
            {
                return;
            }
        }
    }

    /// <summary>Brings the controller up with an empty queue pair (also after a domain reset). Not in interrupt context.</summary>
    public void Initialise(TimeProvider time)
    {
        AcquireOwner();
        try
        {
            for (ulong i = 0; i < 0x2000; i += 8)
            {
                _dma.Write64((nuint)i, 0);
            }

            _registers.Write32(NvmeRegisters.Cc, 0);
            WaitReady(false, time);
            _registers.Write32(NvmeRegisters.Aqa, ((Entries - 1U) << NvmeRegisters.AqaAcqsShift) | (Entries - 1U));
            _registers.Write64(NvmeRegisters.Asq, _dmaAddress + SqOffset);
            _registers.Write64(NvmeRegisters.Acq, _dmaAddress + CqOffset);
            _registers.Write32(NvmeRegisters.Cc, NvmeRegisters.CcEn | (6U << NvmeRegisters.CcIosqesShift) | (4U << NvmeRegisters.CcIocqesShift));
            WaitReady(true, time);
            _cqHead = 0;
            _phase = true;
            _sqTail = 0;
        }
        finally
        {
            Volatile.Write(ref _owner, 0);
        }
    }

    /// <summary>
    /// After a domain reset, submission paused: reap what the drive had posted before it was reset, cancel the rest
    /// (queued for resubmission) and rebuild the queue pair. Returns how many commands this reset cancelled.
    /// </summary>
    public int RecoverAfterReset(TimeProvider time)
    {
        int newlyCancelled = 0;
        AcquireOwner();
        try
        {
            // The controller is in reset: its head doorbell would be dropped, so only host memory is read here.
            _reaped += Drain(ringDoorbell: false);
            // A command an earlier reset cancelled may still wait for resubmission (under load the submitters need not
            // run between two resets): it is cancelled once, not queued again, or it would be sent twice.
            var waiting = new HashSet<ushort>(_cancelled);
            for (int id = 0; id < _state.Length; id++)
            {
                if (Volatile.Read(ref _state[id]) == 1 && !waiting.Contains((ushort)id))
                {
                    _cancelled.Enqueue((ushort)id);
                    newlyCancelled++;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _owner, 0);
        }

        Initialise(time);
        return newlyCancelled;
    }

    /// <summary>Submitting thread: resubmits cancelled commands first, then a new one; false when the queue is full.</summary>
    public bool TrySubmit()
    {
        if (Outstanding - _cancelled.Count >= Entries - 1)
        {
            return false;
        }

        ushort id;
        if (_cancelled.Count > 0)
        {
            id = _cancelled.Dequeue();
            Interlocked.Increment(ref _resubmitted);
        }
        else
        {
            id = _nextId++;
            if (Interlocked.CompareExchange(ref _state[id], 1, 0) != 0)
            {
                Interlocked.Increment(ref _stuckIds); // 65,536 commands later and still not completed
                return false;
            }

            Interlocked.Increment(ref _submitted);
        }

        nuint slot = (nuint)(SqOffset + ((ulong)_sqTail * NvmeCommands.SubmissionEntrySize));
        for (nuint i = 0; i < NvmeCommands.SubmissionEntrySize; i += 8)
        {
            _dma.Write64(slot + i, 0);
        }

        _dma.Write32(slot + NvmeCommands.Cdw0, NvmeCommands.OpcodeIdentify | ((uint)id << NvmeCommands.Cdw0CidShift));
        _dma.Write64(slot + NvmeCommands.Prp1, _dmaAddress + DataOffset);
        _dma.Write32(slot + NvmeCommands.Cdw10, NvmeCommands.CnsController);
        _sqTail = (_sqTail + 1) % Entries;
        _registers.Write32(NvmeRegisters.DoorbellBase, (uint)_sqTail); // the completion's interrupt arrives on this CPU
        return true;
    }

    /// <summary>
    /// After every thread stopped: submits the commands the last reset cancelled that no submitter got round to
    /// resubmitting (the threads may stop right after a reset). Returns how many.
    /// </summary>
    public int ResubmitCancelled()
    {
        int resubmitted = 0;
        while (_cancelled.Count > 0 && TrySubmit())
        {
            resubmitted++;
        }

        return resubmitted;
    }

    /// <summary>After every thread stopped: whatever a handler has not consumed yet (should be nothing).</summary>
    public int FinalDrain()
    {
        AcquireOwner();
        try
        {
            return Drain(ringDoorbell: true);
        }
        finally
        {
            Volatile.Write(ref _owner, 0);
        }
    }

    public void Release()
    {
        _machine.Memory.Unmap(_registers);
        _machine.Memory.Unmap(_dma);
    }

    private int Drain(bool ringDoorbell)
    {
        int consumed = 0;
        while (true)
        {
            nuint entry = (nuint)(CqOffset + ((ulong)_cqHead * NvmeCommands.CompletionEntrySize));
            uint dw3 = _dma.Read32(entry + NvmeCommands.CqeDw3);
            if (((dw3 & NvmeCommands.CqePhase) != 0) != _phase)
            {
                break;
            }

            ushort id = (ushort)dw3;
            if ((dw3 >> NvmeCommands.CqeStatusShift) != 0)
            {
                Interlocked.Increment(ref _errors);
            }

            if (Interlocked.CompareExchange(ref _state[id], 0, 1) == 1)
            {
                Interlocked.Increment(ref _completed);
            }
            else
            {
                Interlocked.Increment(ref _duplicates);
            }

            consumed++;
            if (++_cqHead == Entries)
            {
                _cqHead = 0;
                _phase = !_phase;
            }
        }

        if (consumed > 0 && ringDoorbell)
        {
            _registers.Write32(NvmeRegisters.DoorbellBase + 4, (uint)_cqHead);
        }

        return consumed;
    }

    private void AcquireOwner()
    {
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _owner, 1, 0) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void WaitReady(bool ready, TimeProvider time)
    {
        long deadline = time.GetTimestamp() + time.TimestampFrequency;
        while (((_registers.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsRdy) != 0) != ready)
        {
            if (time.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Address}: CSTS.RDY did not become {ready}");
            }
        }
    }
}
