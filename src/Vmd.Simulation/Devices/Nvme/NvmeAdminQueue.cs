using System;
using System.Buffers.Binary;
using Vmd.Registers;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Devices.Nvme;

/// <summary>
/// The admin submission and completion queue pair of an <see cref="NvmeController"/> (NVM Express Base 1.4 §4.1,
/// §4.6, §7.2): fetch by DMA from the SQ head to the tail software rang, execute, post a completion at the CQ tail
/// with the current phase tag, and signal vector 0 once per batch that posted anything.
/// </summary>
/// <remarks>Callers hold the machine's lock.</remarks>
internal sealed class NvmeAdminQueue
{
    private const int AdminVector = 0;
    private const ushort AdminQueueId = 0;

    private readonly NvmeController _controller;
    private readonly byte[] _identifyController;
    private bool _active;
    private ulong _sqBase;
    private ulong _cqBase;
    private int _sqSize;
    private int _cqSize;
    private int _sqHead;
    private int _sqTail;
    private int _cqHead;
    private int _cqTail;
    private bool _phase;

    public NvmeAdminQueue(NvmeController controller, byte[] identifyController)
    {
        _controller = controller;
        _identifyController = identifyController;
    }

    public long CompletionsPosted { get; private set; }

    public int Waiting => _active ? (_sqTail - _sqHead + _sqSize) % _sqSize : 0;

    private bool CompletionQueueFull => (_cqTail + 1) % _cqSize == _cqHead;

    public void Enable(ulong sqBase, int sqSize, ulong cqBase, int cqSize)
    {
        _sqBase = sqBase & NvmeRegisters.QueueBaseMask;
        _cqBase = cqBase & NvmeRegisters.QueueBaseMask;
        _sqSize = sqSize;
        _cqSize = cqSize;
        _sqHead = _sqTail = _cqHead = _cqTail = 0;
        _phase = true;
        _active = true;
    }

    public void Reset() => _active = false;

    public void RingSubmissionTail(uint tail)
    {
        if (_active && tail < (uint)_sqSize)
        {
            _sqTail = (int)tail;
            Process();
        }
    }

    public void RingCompletionHead(uint head)
    {
        if (_active && head < (uint)_cqSize)
        {
            _cqHead = (int)head;
            if (_cqHead == _cqTail)
            {
                // Every posted completion consumed: the admin vector's condition is serviced.
                _controller.CompletionsServiced(0);
            }

            Process();
        }
    }

    private void Process()
    {
        bool posted = false;
        Span<byte> command = stackalloc byte[NvmeCommands.SubmissionEntrySize];
        while (_active && _sqHead != _sqTail && !CompletionQueueFull)
        {
            if (!BusMaster.TryDmaRead(_controller.Function, _sqBase + ((ulong)_sqHead * NvmeCommands.SubmissionEntrySize), command))
            {
                Fail();
                break;
            }

            _sqHead = (_sqHead + 1) % _sqSize;
            ushort commandId = (ushort)(BinaryPrimitives.ReadUInt32LittleEndian(command) >> NvmeCommands.Cdw0CidShift);
            if (!TryExecute(command, out ushort status) || !TryPostCompletion(commandId, status))
            {
                Fail();
                break;
            }

            posted = true;
        }

        if (posted)
        {
            _controller.SignalCompletion(AdminVector);
        }
    }

    /// <summary>Runs one command; false when its data transfer failed (no completion can be posted then).</summary>
    private bool TryExecute(ReadOnlySpan<byte> command, out ushort status)
    {
        uint cdw0 = BinaryPrimitives.ReadUInt32LittleEndian(command);
        byte opcode = (byte)cdw0;
        if (opcode != NvmeCommands.OpcodeIdentify)
        {
            status = Status(NvmeCommands.StatusInvalidCommandOpcode);
            return true;
        }

        uint cns = BinaryPrimitives.ReadUInt32LittleEndian(command[NvmeCommands.Cdw10..]) & NvmeCommands.IdentifyCnsMask;
        if ((cdw0 & NvmeCommands.Cdw0PsdtMask) != 0 || cns != NvmeCommands.CnsController)
        {
            status = Status(NvmeCommands.StatusInvalidField);
            return true;
        }

        ulong prp1 = BinaryPrimitives.ReadUInt64LittleEndian(command[NvmeCommands.Prp1..]);
        ulong prp2 = BinaryPrimitives.ReadUInt64LittleEndian(command[NvmeCommands.Prp2..]);
        status = Status(NvmeCommands.StatusSuccess);
        return TryWritePrps(prp1, prp2, _identifyController);
    }

    /// <summary>
    /// Writes <paramref name="data"/> through a PRP pair (§4.3): PRP1 may start inside a page and covers the rest of
    /// it; whatever does not fit goes to the page PRP2 names (at most two pages: the data is never larger than one).
    /// </summary>
    private bool TryWritePrps(ulong prp1, ulong prp2, ReadOnlySpan<byte> data)
    {
        ulong pageSize = _controller.PageSize;
        int first = (int)Math.Min((ulong)data.Length, pageSize - (prp1 & (pageSize - 1)));
        if (!BusMaster.TryDmaWrite(_controller.Function, prp1, data[..first]))
        {
            return false;
        }

        return first == data.Length || BusMaster.TryDmaWrite(_controller.Function, prp2 & ~(pageSize - 1), data[first..]);
    }

    private bool TryPostCompletion(ushort commandId, ushort status)
    {
        Span<byte> entry = stackalloc byte[NvmeCommands.CompletionEntrySize];
        entry.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(entry[NvmeCommands.CqeDw2..], (uint)_sqHead | ((uint)AdminQueueId << NvmeCommands.CqeSqidShift));
        uint dw3 = commandId | (_phase ? NvmeCommands.CqePhase : 0u) | ((uint)status << NvmeCommands.CqeStatusShift);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[NvmeCommands.CqeDw3..], dw3);
        if (!BusMaster.TryDmaWrite(_controller.Function, _cqBase + ((ulong)_cqTail * NvmeCommands.CompletionEntrySize), entry))
        {
            return false;
        }

        _cqTail = (_cqTail + 1) % _cqSize;
        if (_cqTail == 0)
        {
            _phase = !_phase;
        }

        CompletionsPosted++;
        return true;
    }

    /// <summary>A generic status (SCT 0); errors carry Do Not Retry, as retrying the same command cannot help.</summary>
    private static ushort Status(byte code) => code == NvmeCommands.StatusSuccess ? (ushort)0 : (ushort)(code | NvmeCommands.StatusDoNotRetry);

    private void Fail()
    {
        _active = false;
        _controller.Fail();
    }
}
