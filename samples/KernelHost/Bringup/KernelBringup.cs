using System;
using System.Threading;
using KernelHost.Memory;
using Microsoft.Extensions.Logging;
using Vmd;
using Vmd.Core;
using Vmd.Core.Diagnostics;
using Vmd.Core.HotPlug;
using Vmd.Core.Interrupts;
using Vmd.Core.Telemetry;
using Vmd.Enumeration.Functions;
using Vmd.Interrupts.Dispatch;
using Vmd.Registers;

namespace KernelHost.Bringup;

/// <summary>
/// The whole bring-up as a kernel runs it at boot over its own ports: detect, map, enable, enumerate, route
/// interrupts, one NVMe Identify per drive (its completion must arrive as an MSI-X message through the VMD and the
/// IDT), hot-plug armed, errors processed, telemetry read, and everything given back.
/// </summary>
public static class KernelBringup
{
    private const ulong IdentifyDmaBytes = 0x3000; // SQ, CQ and the 4 KiB Identify page

    /// <summary>Runs the bring-up. Nothing here is simulator-specific: the ports are the kernel's own.</summary>
    /// <param name="ports">The kernel's ports.</param>
    /// <param name="time">The clock of every wait (a kernel's TSC clock; a test's fake clock).</param>
    /// <param name="log">The kernel log, or null for none.</param>
    public static BringupReport Run(KernelPorts ports, TimeProvider time, ILoggerFactory? log = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(time);
        var report = new BringupReport();

        // Each CPU that takes interrupts gets its dispatch record now, so the first interrupt allocates nothing.
        InterruptDispatcher.PrepareCurrentThread();

        using (VmdHost host = VmdHost.Detect(ports.Config, ports.Mapper, new VmdHostOptions { TimeProvider = time }, log))
        {
            report.Add("detect", $"{host.Detection.FunctionsScanned} host functions scanned through ECAM, {host.Controllers.Count} VMD(s)");
            if (host.Controllers.Count == 0)
            {
                report.Fail("detect", "no VMD on this machine");
            }

            foreach (VmdController vmd in host.Controllers)
            {
                BringUp(vmd, ports, time, report);
            }

            if (host.Controllers.Count > 0 && report.Drives == 0 && report.Failure is null)
            {
                report.Fail("nvme", "no NVMe drive behind any VMD");
            }
        }

        // Dispose returned every mapping and host vector: a kernel that leaks them would see it here.
        report.Add("shutdown", $"{ports.Mapper.ActiveMappings} mapping(s) and {ports.Vectors.InUse} vector(s) still held, {ports.Table.Spurious} spurious IDT dispatch(es)");
        return report;
    }

    private static void BringUp(VmdController vmd, KernelPorts ports, TimeProvider time, BringupReport report)
    {
        string name = $"{vmd.Endpoint.Address} ({vmd.Endpoint.Device.Name})";
        if (!Step(report, "map", vmd, vmd.TryMap(), $"{name}: CFGBAR {vmd.CfgBar?.Address:x}, MEMBAR1 {vmd.MemBar1?.Address:x}, MEMBAR2 {vmd.MemBar2?.Address:x}")
            || !Step(report, "enable", vmd, vmd.TryEnable(), $"{name}: domain {vmd.Endpoint.Domain:x} reachable through CFGBAR")
            || !Step(report, "enumerate", vmd, vmd.TryEnumerate(), $"{name}: {vmd.Functions.Length} functions, fingerprint {vmd.Fingerprint:x16}")
            || !Step(report, "interrupts", vmd, vmd.TryRouteInterrupts(ports.Interrupts), $"{name}: {vmd.RoutingMode}, {vmd.Vectors?.ActiveCount ?? 0} VMD vector(s) on host vectors{(vmd.InterruptDegradedReason is { } why ? " (degraded: " + why + ")" : string.Empty)}"))
        {
            return;
        }

        // Interrupt-time cues: the handler only raises a flag; the work runs below, on a thread that may block.
        int workRequested = 0;
        Action requestWork = () => Volatile.Write(ref workRequested, 1);
        bool armed = vmd.TryEnableHotPlug(new HotPlugOptions { WorkRequested = requestWork });
        int slots = 0;
        foreach (VmdSlot slot in vmd.Slots)
        {
            slots++;
        }

        Step(report, "hotplug", vmd, armed, $"{name}: {slots} hot-plug slot(s) armed");
        int reporting = vmd.EnableErrorReporting(requestWork);

        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                report.Drives++;
                Identify(vmd, function, ports, time, report);
            }
        }

        int events = vmd.ProcessHotPlugEvents();
        int errors = vmd.ProcessErrors();
        report.Add("errors", $"{name}: reporting enabled on {reporting} function(s); {errors} error record(s), {events} hot-plug event(s), work requested {Volatile.Read(ref workRequested) != 0}");
        VmdTelemetrySnapshot t = vmd.GetTelemetry();
        report.Add("telemetry", $"{name}: {t.ConfigReads} config reads, {t.ConfigWrites} writes, {t.ConfigRejected} refused; {t.Interrupts} interrupts ({t.SpuriousInterrupts} spurious); {t.Enumerations} enumeration(s) in {t.TotalEnumerationTime.TotalMilliseconds:0.###} ms");
    }

    private static void Identify(VmdController vmd, PciFunction drive, KernelPorts ports, TimeProvider time, BringupReport report)
    {
        if (!ports.Pages.TryAllocatePages(IdentifyDmaBytes, out ulong dma) || !ports.Mapper.TryMap(dma, IdentifyDmaBytes, out IMmioRegion? buffer))
        {
            report.Fail("identify", $"{drive.Address}: no DMA memory");
            return;
        }

        try
        {
            // Which IDT entry the drive's VMD vector lands on is known only after the probe attached it; count them all.
            long before = TotalHandled(vmd, ports);
            IdentifyResult result = NvmeIdentifyProbe.Run(vmd, ports.Mapper, drive, new DmaBuffer(dma, buffer), time);
            long viaIdt = TotalHandled(vmd, ports) - before;
            string host = vmd.Vectors is { } table && result.VmdVector >= 0 && table.TryGetHostVector(result.VmdVector, out HostVector v)
                ? $"host vector {v.Value:x2}"
                : "no host vector";
            string text = $"{drive.Address} [{drive.VendorId:x4}:{drive.DeviceId:x4}] BAR0 {drive.GetBarCpuAddress(0):x}: Identify status {result.Status}, vendor {result.VendorId:x4}, handler ran {result.Deliveries}x via VMD vector {result.VmdVector} -> {host}, {viaIdt} IDT dispatch(es)";
            if (!result.Passed)
            {
                report.Fail("identify", text + (result.Error is null ? string.Empty : ": " + result.Error));
            }
            else if (vmd.RoutingMode != InterruptRoutingMode.Remapped || viaIdt < 1)
            {
                report.Fail("identify", text + ": the completion did not arrive as an MSI-X message through the VMD");
            }
            else
            {
                report.IdentifyPassed++;
                report.Add("identify", text);
            }
        }
        finally
        {
            ports.Mapper.Unmap(buffer);
        }
    }

    private static long TotalHandled(VmdController vmd, KernelPorts ports)
    {
        long total = 0;
        if (vmd.Vectors is { } table)
        {
            for (int i = 0; i < table.ActiveCount; i++)
            {
                total += table.TryGetHostVector(i, out HostVector v) ? ports.Table.HandledOn(v.Value) : 0;
            }
        }

        return total;
    }

    private static bool Step(BringupReport report, string step, VmdController vmd, bool ok, string text)
    {
        if (ok)
        {
            report.Add(step, text);
        }
        else
        {
            report.Fail(step, $"{vmd.Endpoint.Address}: {vmd.LastFailure}");
        }

        return ok;
    }
}
