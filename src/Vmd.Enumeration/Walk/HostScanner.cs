using System;
using System.Collections.Generic;
using Vmd.Enumeration.Bars;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Walk;

/// <summary>
/// Lists the host's own functions read-only, so they can stand beside a VMD domain's functions in one
/// device list. Never writes: host BARs are reported with the address they hold and no size (sizing
/// would write to live host devices that belong to the kernel's own drivers).
/// </summary>
public sealed class HostScanner
{
    private readonly Comparison<PciFunction> _byAddress = AddressOrder.Compare; // one delegate, made once: sorting then allocates nothing
    private PciFunction[] _functions = new PciFunction[16];
    private int _count;

    /// <summary>The host functions found by the last <see cref="Scan"/>, in address order.</summary>
    public ReadOnlySpan<PciFunction> Functions => _functions.AsSpan(0, _count);

    /// <summary>Scans every bus, device and function of <paramref name="segment"/>; one read per absent device slot.</summary>
    public void Scan(IConfigSpace config, uint segment)
    {
        ArgumentNullException.ThrowIfNull(config);
        _count = 0;
        AddSegment(config, segment);
    }

    /// <summary>Adds the functions of another segment to the list (after <see cref="Scan"/>).</summary>
    public void AddSegment(IConfigSpace config, uint segment)
    {
        ArgumentNullException.ThrowIfNull(config);
        for (int bus = 0; bus <= 0xFF; bus++)
        {
            for (int device = 0; device <= PciAddress.MaxDevice; device++)
            {
                var function0 = new PciAddress(segment, (byte)bus, device, 0);
                uint ids = config.Read32(function0, PciHeader.VendorId);
                if ((ushort)ids is 0xFFFF or 0x0000)
                {
                    continue;
                }

                PciFunction? head = Add(config, function0, ids);
                if (head is null || !head.IsMultiFunction)
                {
                    continue;
                }

                for (int function = 1; function <= PciAddress.MaxFunction; function++)
                {
                    PciAddress address = function0.WithFunction(function);
                    uint more = config.Read32(address, PciHeader.VendorId);
                    if ((ushort)more is not (0xFFFF or 0x0000))
                    {
                        Add(config, address, more);
                    }
                }
            }
        }

        _functions.AsSpan(0, _count).Sort(_byAddress);
        LinkParents();
    }

    // Firmware numbered the host's bridges; a function's parent is the bridge whose secondary bus it is on.
    private void LinkParents()
    {
        for (int i = 0; i < _count; i++)
        {
            PciFunction function = _functions[i];
            function.Parent = null;
            function.Depth = 0;
            for (int j = 0; j < _count; j++)
            {
                PciFunction bridge = _functions[j];
                if (bridge.IsBridge && bridge != function && bridge.Address.Segment == function.Address.Segment
                    && bridge.Bridge.Secondary == function.Address.Bus && bridge.Bridge.Secondary > bridge.Address.Bus)
                {
                    function.Parent = bridge;
                    break;
                }
            }
        }

        // Depth from the parent chain; bounded because each parent's bus is below its child's.
        for (int i = 0; i < _count; i++)
        {
            int depth = 0;
            for (PciFunction? up = _functions[i].Parent; up is not null && depth < 256; up = up.Parent)
            {
                depth++;
            }

            _functions[i].Depth = depth;
        }
    }

    private PciFunction? Add(IConfigSpace config, PciAddress address, uint ids)
    {
        if (_count == _functions.Length)
        {
            Array.Resize(ref _functions, _functions.Length * 2);
        }

        PciFunction record = _functions[_count] ??= new PciFunction();
        if (!FunctionDecoder.TryDecode(config, address, ids, record, readWindows: true, out _))
        {
            return null;
        }

        Span<PciBar> bars = record.BarStorage;
        for (int i = 0; i < record.BarCount; i++)
        {
            uint low = config.Read32(address, PciHeader.BaseAddress(i));
            if (!PciBarDecoder.TryDecodeKind(low, out PciBarKind kind, out bool prefetchable) || low == 0)
            {
                bars[i] = PciBar.NotImplemented(i);
                continue;
            }

            uint high = 0;
            if (kind == PciBarKind.Memory64 && i + 1 < record.BarCount)
            {
                high = config.Read32(address, PciHeader.BaseAddress(i + 1));
            }

            ulong busAddress = PciBarDecoder.DecodeAddress(kind, low, high);
            record.SetBarSize(i, new PciBar(i, kind, busAddress, 0, prefetchable), busAddress, busAddress);
            if (kind == PciBarKind.Memory64)
            {
                i++;
                bars[i] = PciBar.NotImplemented(i);
            }
        }

        record.Assigned = true; // placed by firmware and the host; not the library's to judge
        _count++;
        return record;
    }
}
