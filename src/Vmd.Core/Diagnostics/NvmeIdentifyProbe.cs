using System;
using System.Threading;
using Vmd.Core.Interrupts;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Core.Diagnostics;

/// <summary>
/// Proves interrupt delivery end to end with the smallest real workload: resets an NVMe controller behind the
/// VMD, gives it an admin queue pair in host memory, routes its admin interrupt (MSI-X entry 0) through the
/// controller's current mode, submits Identify Controller and counts how often the drive's handler runs.
/// Not an NVMe driver: it leaves the controller disabled afterwards.
/// </summary>
public sealed class NvmeIdentifyProbe : IInterruptSink
{
    private const int QueueEntries = 2;
    private const ushort CommandId = 0x5A;
    private int _deliveries;

    /// <summary>Bounds every wait on CSTS.RDY; the NVMe specification's CAP.TO can be up to 127.5 s, a probe gives up sooner.</summary>
    public static TimeSpan ReadyTimeout => TimeSpan.FromSeconds(2);

    /// <summary>Counts deliveries; runs in interrupt context.</summary>
    public void OnInterrupt(uint cookie) => Interlocked.Increment(ref _deliveries);

    /// <summary>Runs the round trip on <paramref name="nvme"/>. <paramref name="dma"/> needs 12 KiB: SQ, CQ and the Identify page.</summary>
    public static IdentifyResult Run(VmdController vmd, IMmioMapper mapper, PciFunction nvme, DmaBuffer dma, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(vmd);
        ArgumentNullException.ThrowIfNull(mapper);
        ArgumentNullException.ThrowIfNull(nvme);
        time ??= TimeProvider.System;
        var probe = new NvmeIdentifyProbe();
        ulong bar0 = nvme.GetBarCpuAddress(0);
        if (nvme.ClassCode != ClassCodes.NvmExpress || bar0 == 0 || !nvme.Assigned)
        {
            return new IdentifyResult(nvme.Address, false, 0, 0, 0, -1, $"{nvme.Address} is not an assigned NVMe controller");
        }

        if (!mapper.TryMap(bar0, nvme.Bars[0].Size, out IMmioRegion? registers))
        {
            return new IdentifyResult(nvme.Address, false, 0, 0, 0, -1, $"the host could not map BAR0 of {nvme.Address}");
        }

        ChildInterrupt? route = null;
        try
        {
            if (!Disable(registers, time))
            {
                return new IdentifyResult(nvme.Address, false, 0, 0, 0, -1, $"{nvme.Address} did not clear CSTS.RDY");
            }

            ulong sq = dma.PhysicalAddress;
            ulong cq = sq + 0x1000;
            ulong data = sq + 0x2000;
            for (nuint i = 0; i < 0x3000; i += 8)
            {
                dma.Region.Write64(i, 0);
            }

            registers.Write32(NvmeRegisters.Aqa, ((QueueEntries - 1) << NvmeRegisters.AqaAcqsShift) | (QueueEntries - 1));
            registers.Write64(NvmeRegisters.Asq, sq);
            registers.Write64(NvmeRegisters.Acq, cq);
            if (!vmd.TryAttachInterrupt(nvme.Address, 0, probe, 0, out route))
            {
                return new IdentifyResult(nvme.Address, false, 0, 0, 0, -1, vmd.LastFailure?.Message);
            }

            registers.Write32(NvmeRegisters.Cc, NvmeRegisters.CcEn | (6U << NvmeRegisters.CcIosqesShift) | (4U << NvmeRegisters.CcIocqesShift));
            if (!WaitReady(registers, ready: true, time))
            {
                return new IdentifyResult(nvme.Address, false, 0, 0, 0, route.VmdVector, $"{nvme.Address} did not set CSTS.RDY");
            }

            dma.Region.Write32(NvmeCommands.Cdw0, NvmeCommands.OpcodeIdentify | ((uint)CommandId << NvmeCommands.Cdw0CidShift));
            dma.Region.Write64(NvmeCommands.Prp1, data);
            dma.Region.Write32(NvmeCommands.Cdw10, NvmeCommands.CnsController);
            registers.Write32(NvmeRegisters.DoorbellBase, 1); // SQ 0 tail

            // The completion and its interrupt have arrived once the posted entry carries phase 1.
            uint dw3 = 0;
            long deadline = time.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * time.TimestampFrequency);
            for (int polls = 0; polls < 100_000 && time.GetTimestamp() < deadline; polls++)
            {
                dw3 = dma.Region.Read32(0x1000 + NvmeCommands.CqeDw3);
                if ((dw3 & NvmeCommands.CqePhase) != 0)
                {
                    break;
                }

                vmd.Poll();
            }

            bool completed = (dw3 & NvmeCommands.CqePhase) != 0 && (ushort)dw3 == CommandId;

            // A polled source runs its handler from Poll; a delivered one already ran. Then the entry is consumed,
            // which services the interrupt condition, and a further poll must find nothing: exactly once.
            if (Volatile.Read(ref probe._deliveries) == 0)
            {
                vmd.Poll();
            }

            registers.Write32(NvmeRegisters.DoorbellBase + 4, 1); // CQ 0 head: entry consumed
            vmd.Poll();
            ushort status = (ushort)((dw3 >> NvmeCommands.CqeStatusShift) & 0x7FFF);
            ushort vendor = (ushort)dma.Region.Read32(0x2000 + NvmeIdentifyController.Vid);
            return new IdentifyResult(nvme.Address, completed, status, vendor, Volatile.Read(ref probe._deliveries), route.VmdVector, null);
        }
        finally
        {
            if (route is not null)
            {
                vmd.DetachInterrupt(route);
            }

            Disable(registers, time);
            mapper.Unmap(registers);
        }
    }

    private static bool Disable(IMmioRegion registers, TimeProvider time)
    {
        registers.Write32(NvmeRegisters.Cc, 0);
        return WaitReady(registers, ready: false, time);
    }

    private static bool WaitReady(IMmioRegion registers, bool ready, TimeProvider time)
    {
        long deadline = time.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * time.TimestampFrequency);
        for (int polls = 0; polls < 1_000_000; polls++)
        {
            uint status = registers.Read32(NvmeRegisters.Csts);
            if (status == uint.MaxValue)
            {
                return false; // gone: all-ones
            }

            if (((status & NvmeRegisters.CstsRdy) != 0) == ready)
            {
                return true;
            }

            if (time.GetTimestamp() >= deadline)
            {
                return false;
            }
        }

        return false;
    }
}
