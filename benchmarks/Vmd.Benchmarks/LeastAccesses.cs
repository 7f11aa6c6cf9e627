using System;
using System.Buffers.Binary;
using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Benchmarks;

/// <summary>
/// The least number of config reads (and writes) a walk of a domain can issue and still learn what the library's
/// records hold, counted from the simulated functions' own bytes (not from the library). The definition, item by item
/// (every access is one aligned dword unless said otherwise; a register two items need is counted once):
/// <list type="number">
/// <item><b>Discovery</b>: one read of dword 0x00 per probed slot: 32 device slots (function 0) on an internal bus, 1
/// (device 0) on a link below a root or downstream port; plus 7 reads (functions 1–7) per device whose function 0 is
/// multi-function. The present functions' vendor/device IDs come from these reads.</item>
/// <item><b>Header</b>, per present function: 0x04 (Command, Status — the capability-list bit and the Command saved
/// for BAR sizing), 0x08 (class, revision), 0x0C (header type), and 0x2C (subsystem IDs, type 0) or 0x18 (bus numbers,
/// type 1): 4 reads.</item>
/// <item><b>Capabilities</b>: 0x34 (pointer) when the capability-list bit is set, then 1 read per standard capability
/// (its first dword: ID, next pointer and, for the PCI Express capability, its Capabilities register); for a PCI Express
/// function 1 read per extended capability, at least 1 (0x100) when there are none.</item>
/// <item><b>PCI Express registers</b> the records keep: Device, Link Capabilities, Link Status (3), Slot Capabilities when
/// a slot is implemented, Device Capabilities 2 when the capability version is 2.</item>
/// <item><b>Full enumeration only</b>: BAR sizing, 2 reads (saved value, size mask) per BAR register — 6 on a type 0
/// header, 2 on a type 1, the upper half of a 64-bit BAR being a register of its own, and an unimplemented one can only
/// be told by sizing it — plus 2 for the expansion ROM BAR; per bridge 2 reads for what its windows can do (I/O base at
/// 0x1C, prefetchable base at 0x24). Writes: 2 per BAR register and ROM (sizing pattern, restore), 2 for Command when
/// memory or I/O decode was on (off, back on), 2 per bridge (bus numbers with the subordinate open, then closed).</item>
/// <item><b>Re-scan only</b> (read-only): 1 read per implemented memory BAR dword (a 64-bit BAR is 2) for its current
/// address; per bridge 3 reads of its windows (0x1C, 0x20, 0x24) plus 2 (0x28, 0x2C) when the prefetchable window is
/// 64-bit. No writes.</item>
/// </list>
/// Not counted as necessary: window resets before numbering, a read-back check of written bus numbers, and the
/// VMD's read-after-write that completes each posted write (the library issues one per write; it is reported apart).
/// ARI is not modelled here (none of the benchmark domains has an ARI device).
/// </summary>
internal sealed class LeastAccesses
{
    public int Functions { get; private set; }

    public int BusesScanned { get; private set; }

    public long DiscoveryReads { get; private set; }

    public long HeaderReads { get; private set; }

    public long CapabilityReads { get; private set; }

    public long ExpressReads { get; private set; }

    public long SizingReads { get; private set; }

    public long BridgeProbeReads { get; private set; }

    public long SizingWrites { get; private set; }

    public long NumberingWrites { get; private set; }

    public long RescanBarReads { get; private set; }

    public long RescanWindowReads { get; private set; }

    /// <summary>Least reads for a full enumeration.</summary>
    public long EnumerateReads => DiscoveryReads + HeaderReads + CapabilityReads + ExpressReads + SizingReads + BridgeProbeReads;

    /// <summary>Least writes for a full enumeration.</summary>
    public long EnumerateWrites => SizingWrites + NumberingWrites;

    /// <summary>Least reads for a read-only re-scan.</summary>
    public long RescanReads => DiscoveryReads + HeaderReads + CapabilityReads + ExpressReads + RescanBarReads + RescanWindowReads;

    /// <summary>Counts from the root bus down, following the bus numbers as programmed.</summary>
    public static LeastAccesses Count(FunctionTable table, int rootBus)
    {
        ArgumentNullException.ThrowIfNull(table);
        var least = new LeastAccesses();
        least.Visit(table, rootBus, isLink: false, depth: 0);
        return least;
    }

    private void Visit(FunctionTable table, int bus, bool isLink, int depth)
    {
        if (depth > 255)
        {
            throw new InvalidOperationException("Bus loop in the simulated topology.");
        }

        BusesScanned++;
        int devices = isLink ? 1 : PciAddress.MaxDevice + 1;
        DiscoveryReads += devices;
        Span<int> secondaries = stackalloc int[PciAddress.MaxDevice * 8 + 8];
        Span<bool> links = stackalloc bool[secondaries.Length];
        int bridges = 0;
        for (int device = 0; device < devices; device++)
        {
            SimulatedFunction? head = table.Get(bus, device, 0);
            if (head is null)
            {
                continue;
            }

            bool multi = (head.HeaderTypeByte & HeaderType.MultiFunction) != 0;
            if (multi)
            {
                DiscoveryReads += PciAddress.MaxFunction;
            }

            for (int function = 0; function <= (multi ? PciAddress.MaxFunction : 0); function++)
            {
                SimulatedFunction? present = table.Get(bus, device, function);
                if (present is not null && CountFunction(present, out bool downstreamPort))
                {
                    secondaries[bridges] = present.ConfigBytes[Type1Header.SecondaryBusNumber];
                    links[bridges++] = downstreamPort;
                }
            }
        }

        for (int i = 0; i < bridges; i++)
        {
            if (secondaries[i] > bus && secondaries[i] <= table.LastBus)
            {
                Visit(table, secondaries[i], links[i], depth + 1);
            }
        }
    }

    /// <summary>Counts one present function; true when it is a bridge.</summary>
    private bool CountFunction(SimulatedFunction function, out bool downstreamPort)
    {
        Functions++;
        ReadOnlySpan<byte> bytes = function.ConfigBytes;
        bool bridge = function.IsBridge;
        HeaderReads += 4;

        int capabilityCount = 0;
        int express = 0;
        if ((BinaryPrimitives.ReadUInt16LittleEndian(bytes[PciHeader.Status..]) & (ushort)PciStatus.CapabilitiesList) != 0)
        {
            CapabilityReads++; // 0x34
            int next = bytes[PciHeader.CapabilitiesPointer] & 0xFC;
            while (next >= 0x40 && capabilityCount < 48)
            {
                capabilityCount++;
                if (bytes[next] == (byte)CapabilityId.PciExpress)
                {
                    express = next;
                }

                next = bytes[next + 1] & 0xFC;
            }
        }

        CapabilityReads += capabilityCount;
        downstreamPort = false;
        if (express != 0)
        {
            int extended = 0;
            int at = 0x100;
            while (at >= 0x100 && extended < 960)
            {
                uint header = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
                if (header is 0 or uint.MaxValue)
                {
                    break;
                }

                extended++;
                at = (int)(header >> 20) & 0xFFC;
            }

            CapabilityReads += Math.Max(1, extended);
            ushort capabilities = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(express + 2)..]);
            ExpressReads += 3;
            if ((capabilities & PciExpressCapability.SlotImplemented) != 0)
            {
                ExpressReads++;
            }

            if ((capabilities & 0xF) >= 2)
            {
                ExpressReads++;
            }

            var portType = (PciExpressPortType)((capabilities >> PciExpressCapability.PortTypeShift) & 0xF);
            downstreamPort = portType is PciExpressPortType.RootPort or PciExpressPortType.SwitchDownstreamPort;
        }

        int barRegisters = bridge ? Type1Header.BarCount : Type0Header.BarCount;
        SizingReads += (2 * barRegisters) + 2;
        SizingWrites += (2 * barRegisters) + 2;
        ushort command = BinaryPrimitives.ReadUInt16LittleEndian(bytes[PciHeader.Command..]);
        if ((command & (ushort)(PciCommand.MemorySpaceEnable | PciCommand.IoSpaceEnable)) != 0)
        {
            SizingWrites += 2;
        }

        for (int i = 0; i < barRegisters; i++)
        {
            if (function.GetBarKind(i) is BarKind.Memory32 or BarKind.Memory64 or BarKind.Memory64Upper)
            {
                RescanBarReads++;
            }
        }

        if (bridge)
        {
            BridgeProbeReads += 2;
            NumberingWrites += 2;
            RescanWindowReads += (bytes[Type1Header.PrefetchableMemoryBase] & 0xF) == 1 ? 5 : 3;
        }

        return bridge;
    }
}
