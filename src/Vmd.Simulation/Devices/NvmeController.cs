using System;
using Vmd.Registers;
using Vmd.Simulation.Devices.Nvme;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Devices;

/// <summary>
/// The NVMe controller registers in BAR0 of an <see cref="NvmeEndpoint"/> (NVM Express Base 1.4 §3.1) and its admin
/// queue pair. CAP: MQES from the options, CQR = 1, TO from the options, DSTRD = 0, CSS = NVM, MPSMIN = MPSMAX = 0
/// (4 KiB pages). VS from the options. INTMS/INTMC mask MSI vectors (with MSI-X the table's masks apply instead).
/// CC is writable (EN, CSS, MPS, AMS, SHN, IOSQES, IOCQES); CSTS.RDY follows CC.EN at once (no ready latency is
/// modelled, so no clock is needed; a driver still has to poll RDY); a shutdown notification completes at once.
/// AQA, ASQ, ACQ (bits 11:0 reserved) are writable. Doorbells start at 0x1000 with a 4-byte stride and read 0.
/// </summary>
/// <remarks>
/// Writing the admin SQ tail doorbell fetches the new 64-byte commands from ASQ by DMA, runs them and posts 16-byte
/// completions to ACQ with the current phase tag (toggled on every wrap), then signals vector 0 once for the batch.
/// Identify (opcode 06h) with CNS 01h writes the 4096-byte Identify Controller structure through PRP1/PRP2; another
/// CNS completes with Invalid Field in Command, any other opcode with Invalid Command Opcode (DNR set). A full
/// completion queue stops fetching until the CQ head doorbell frees an entry. A DMA the path refuses (Bus Master
/// Enable clear on the way, no RAM behind the address) sets CSTS.CFS and stops the queue until the next reset —
/// the model's choice of how a controller reports a failed fetch or post. Doorbell writes beyond the queue size, to
/// I/O queues (none can be created yet) or while not ready are ignored. Callers hold the machine's lock.
/// </remarks>
public sealed class NvmeController : IMemoryTarget
{
    private const uint CcWritable = NvmeRegisters.CcEn | NvmeRegisters.CcCssMask | (NvmeRegisters.CcMpsMask << NvmeRegisters.CcMpsShift)
        | NvmeRegisters.CcAmsMask | NvmeRegisters.CcShnMask | (0xFU << NvmeRegisters.CcIosqesShift) | (0xFU << NvmeRegisters.CcIocqesShift);

    private const uint AqaWritable = NvmeRegisters.AqaAsqsMask | (NvmeRegisters.AqaAsqsMask << NvmeRegisters.AqaAcqsShift);
    private const int DoorbellStride = 4;
    private const int PageShift = 12;

    private readonly byte[] _properties = new byte[NvmeRegisters.DoorbellBase];
    private readonly NvmeAdminQueue _admin;
    private uint _interruptMask;
    private uint _maskedPending;
    private int _deferredTail = -1;
    private SimulatedFunction? _function;

    internal NvmeController(NvmeOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueueEntries, 2, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxQueueEntries, 65536, nameof(options));
        ulong cap = ((ulong)(options.MaxQueueEntries - 1) & NvmeRegisters.CapMqesMask) | NvmeRegisters.CapCqr
            | ((ulong)options.ReadyTimeout << NvmeRegisters.CapToShift) | NvmeRegisters.CapCssNvm;
        Set64(NvmeRegisters.Cap, cap);
        Set32(NvmeRegisters.Vs, options.Version);
        _admin = new NvmeAdminQueue(this, IdentifyControllerData.Build(options));
    }

    /// <summary>CAP as the controller reports it.</summary>
    public ulong Capabilities => Get64(NvmeRegisters.Cap);

    /// <summary>CC as software last wrote it.</summary>
    public uint Configuration => Get32(NvmeRegisters.Cc);

    /// <summary>CSTS now.</summary>
    public uint Status => Get32(NvmeRegisters.Csts);

    /// <summary>True while CSTS.RDY is set.</summary>
    public bool IsReady => (Status & NvmeRegisters.CstsRdy) != 0;

    /// <summary>True once CSTS.CFS is set (a DMA failed); cleared by disabling the controller.</summary>
    public bool IsFatal => (Status & NvmeRegisters.CstsCfs) != 0;

    /// <summary>Completions posted to the admin completion queue since construction.</summary>
    public long AdminCompletionsPosted => _admin.CompletionsPosted;

    /// <summary>Admin commands software submitted (between SQ head and the tail it rang) that the controller has not fetched yet, e.g. while the completion queue is full.</summary>
    public int AdminCommandsWaiting => _admin.Waiting;

    /// <summary>
    /// When true, a write of the admin submission queue tail doorbell only records the new tail, and the commands run
    /// when <see cref="NvmeEndpoint.RunDeferredCommands"/> is called — as a real controller fetches and executes them
    /// some time after the doorbell, so a test can have commands in flight when the controller is reset. Commands not
    /// run yet are lost on a controller or function reset, as on hardware. False (the default): commands run at the
    /// doorbell write.
    /// </summary>
    public bool DeferCommands { get; set; }

    /// <summary>True when a doorbell recorded commands that have not run yet (<see cref="DeferCommands"/>).</summary>
    public bool HasDeferredCommands => _deferredTail >= 0;

    /// <summary>Memory page size CC.MPS selects (4 KiB × 2^MPS).</summary>
    internal ulong PageSize => 1UL << (PageShift + (int)((Configuration >> NvmeRegisters.CcMpsShift) & NvmeRegisters.CcMpsMask));

    /// <summary>The PCI function that masters the bus for this controller (set once the endpoint is built).</summary>
    internal SimulatedFunction Function
    {
        get => _function ?? throw new InvalidOperationException("The controller is not attached to a function yet.");
        set => _function = value;
    }

    /// <inheritdoc />
    public ulong Read(ulong offset, int width) =>
        offset + (ulong)width <= (ulong)_properties.Length ? AccessWidth.Read(_properties.AsSpan((int)offset, width), width) : 0;

    /// <inheritdoc />
    public void Write(ulong offset, int width, ulong value)
    {
        if (offset >= (ulong)_properties.Length)
        {
            WriteDoorbells(offset, width, value);
            return;
        }

        uint ccBefore = Configuration;
        uint cleared = 0;
        bool ccTouched = false;
        for (int i = 0; i < width && offset + (ulong)i < (ulong)_properties.Length; i++)
        {
            int at = (int)offset + i;
            uint data = (byte)(value >> (8 * i));
            if (at - NvmeRegisters.Intms is >= 0 and < 4)
            {
                _interruptMask |= data << (8 * (at - NvmeRegisters.Intms));
            }
            else if (at - NvmeRegisters.Intmc is >= 0 and < 4)
            {
                cleared |= data << (8 * (at - NvmeRegisters.Intmc));
            }
            else
            {
                byte writable = WritableByte(at);
                _properties[at] = (byte)((_properties[at] & ~writable) | ((byte)data & writable));
                ccTouched |= at - NvmeRegisters.Cc is >= 0 and < 4;
            }
        }

        _interruptMask &= ~cleared;
        Set32(NvmeRegisters.Intms, _interruptMask);
        Set32(NvmeRegisters.Intmc, _interruptMask);
        if (ccTouched)
        {
            OnConfigurationWritten(ccBefore);
        }

        SignalUnmasked(cleared);
    }

    /// <summary>Signals the completion queue's vector: MSI-X as the table says, MSI subject to INTMS, nothing without either.</summary>
    internal void SignalCompletion(int vector)
    {
        if (!Function.Interrupts.MsixEnabled && Function.Interrupts.MsiEnabled && (_interruptMask & (1U << vector)) != 0)
        {
            _maskedPending |= 1U << vector;
            return;
        }

        Function.Interrupts.Signal(vector);
    }

    /// <summary>The host consumed every completion of the queue on <paramref name="vector"/>: a latched interrupt for it is no longer owed.</summary>
    internal void CompletionsServiced(int vector)
    {
        _maskedPending &= ~(1U << vector);
        Function.Interrupts.ClearPending(vector);
    }

    /// <summary>A reset of the function: every property but CAP and VS returns to 0, the admin queues and interrupt masks are gone.</summary>
    internal void Reset()
    {
        ulong cap = Capabilities;
        uint version = Get32(NvmeRegisters.Vs);
        Array.Clear(_properties);
        Set64(NvmeRegisters.Cap, cap);
        Set32(NvmeRegisters.Vs, version);
        _admin.Reset();
        _interruptMask = 0;
        _maskedPending = 0;
        _deferredTail = -1;
    }

    /// <summary>Runs the commands a deferred doorbell recorded; the caller holds the machine's lock. False when none.</summary>
    internal bool RunDeferred()
    {
        int tail = _deferredTail;
        _deferredTail = -1;
        if (tail < 0 || !IsReady || IsFatal)
        {
            return false;
        }

        _admin.RingSubmissionTail((uint)tail);
        return true;
    }

    /// <summary>Records a fatal controller error (CSTS.CFS).</summary>
    internal void Fail() => Set32(NvmeRegisters.Csts, Status | NvmeRegisters.CstsCfs);

    private static byte WritableByte(int at)
    {
        if (at - NvmeRegisters.Cc is >= 0 and < 4)
        {
            return (byte)(CcWritable >> (8 * (at - NvmeRegisters.Cc)));
        }

        if (at - NvmeRegisters.Aqa is >= 0 and < 4)
        {
            return (byte)(AqaWritable >> (8 * (at - NvmeRegisters.Aqa)));
        }

        if (at - NvmeRegisters.Asq is >= 0 and < 16)
        {
            return (byte)(NvmeRegisters.QueueBaseMask >> (8 * ((at - NvmeRegisters.Asq) & 7)));
        }

        return 0;
    }

    private void OnConfigurationWritten(uint before)
    {
        uint now = Configuration;
        bool wasEnabled = (before & NvmeRegisters.CcEn) != 0;
        bool enabled = (now & NvmeRegisters.CcEn) != 0;
        if (!wasEnabled && enabled)
        {
            uint aqa = Get32(NvmeRegisters.Aqa);
            int sqSize = (int)(aqa & NvmeRegisters.AqaAsqsMask) + 1;
            int cqSize = (int)((aqa >> NvmeRegisters.AqaAcqsShift) & NvmeRegisters.AqaAsqsMask) + 1;
            _admin.Enable(Get64(NvmeRegisters.Asq), sqSize, Get64(NvmeRegisters.Acq), cqSize);
            Set32(NvmeRegisters.Csts, NvmeRegisters.CstsRdy);
        }
        else if (wasEnabled && !enabled)
        {
            // Controller reset: queues are gone, status and the interrupt mask return to their reset values.
            _admin.Reset();
            _interruptMask = 0;
            _maskedPending = 0;
            _deferredTail = -1;
            Set32(NvmeRegisters.Intms, 0);
            Set32(NvmeRegisters.Intmc, 0);
            Set32(NvmeRegisters.Csts, 0);
        }

        if (enabled && (now & NvmeRegisters.CcShnMask) != 0 && (before & NvmeRegisters.CcShnMask) == 0)
        {
            Set32(NvmeRegisters.Csts, (Status & ~NvmeRegisters.CstsShstMask) | NvmeRegisters.CstsShstComplete);
        }
    }

    private void WriteDoorbells(ulong offset, int width, ulong value)
    {
        if (width == 8)
        {
            WriteDoorbells(offset, 4, (uint)value);
            WriteDoorbells(offset + 4, 4, value >> 32);
            return;
        }

        ulong index = (offset - NvmeRegisters.DoorbellBase) / DoorbellStride;
        if (width != 4 || !IsReady || IsFatal || index > 1)
        {
            return;
        }

        if (index == 0)
        {
            if (DeferCommands)
            {
                _deferredTail = (int)(uint)value; // fetched later, from the tail software rang last
            }
            else
            {
                _admin.RingSubmissionTail((uint)value);
            }
        }
        else
        {
            _admin.RingCompletionHead((uint)value);
        }
    }

    private void SignalUnmasked(uint cleared)
    {
        uint release = _maskedPending & cleared;
        _maskedPending &= ~cleared;
        for (int vector = 0; release != 0; vector++)
        {
            if ((release & (1U << vector)) != 0)
            {
                release &= ~(1U << vector);
                Function.Interrupts.Signal(vector);
            }
        }
    }

    private uint Get32(int offset) => (uint)AccessWidth.Read(_properties.AsSpan(offset, 4), 4);

    private ulong Get64(int offset) => AccessWidth.Read(_properties.AsSpan(offset, 8), 8);

    private void Set32(int offset, uint value) => AccessWidth.Write(_properties.AsSpan(offset, 4), 4, value);

    private void Set64(int offset, ulong value) => AccessWidth.Write(_properties.AsSpan(offset, 8), 8, value);
}
