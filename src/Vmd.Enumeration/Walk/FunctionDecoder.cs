using Vmd.Enumeration.Capabilities;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Enumeration.Walk;

/// <summary>
/// Reads a present function's header, capabilities and PCIe capability into a reusable record.
/// Reads only; BARs are sized by the walker (sizing writes).
/// </summary>
internal static class FunctionDecoder
{
    private const uint AllOnes = 0xFFFF_FFFF;

    /// <summary>Fills <paramref name="function"/>; false when the function stopped answering (all-ones) part-way.</summary>
    /// <param name="config">The domain's config space.</param>
    /// <param name="address">The function.</param>
    /// <param name="ids">The dword at 0x00 already read (vendor in the low half).</param>
    /// <param name="function">The record to fill (cleared first).</param>
    /// <param name="readWindows">True to read a bridge's current windows (a re-scan); false when they are about to be reset.</param>
    /// <param name="secondaryLatency">The bridge's Secondary Latency Timer (kept when bus numbers are rewritten).</param>
    public static bool TryDecode(IConfigSpace config, PciAddress address, uint ids, PciFunction function, bool readWindows, out byte secondaryLatency)
    {
        secondaryLatency = 0;
        function.Clear();
        function.Address = address;
        function.VendorId = (ushort)ids;
        function.DeviceId = (ushort)(ids >> 16);

        uint classAndRevision = config.Read32(address, PciHeader.RevisionId);
        uint headerDword = config.Read32(address, PciHeader.CacheLineSize);
        uint commandStatus = config.Read32(address, PciHeader.Command);
        if (classAndRevision == AllOnes || headerDword == AllOnes || commandStatus == AllOnes)
        {
            return false;
        }

        function.Revision = (byte)classAndRevision;
        function.ClassCode = classAndRevision >> 8;
        function.HeaderType = (byte)(headerDword >> 16);
        function.Command = (ushort)commandStatus;

        switch (function.Layout)
        {
            case HeaderType.Endpoint:
                function.BarCount = Type0Header.BarCount;
                uint subsystem = config.Read32(address, Type0Header.SubsystemVendorId);
                function.SubsystemVendorId = (ushort)subsystem;
                function.SubsystemId = (ushort)(subsystem >> 16);
                break;
            case HeaderType.Bridge:
                function.BarCount = Type1Header.BarCount;
                uint busNumbers = config.Read32(address, Type1Header.PrimaryBusNumber);
                secondaryLatency = (byte)(busNumbers >> 24);
                function.Bridge = readWindows
                    ? ReadBridge(config, address, busNumbers)
                    : new BridgeInfo((byte)busNumbers, (byte)(busNumbers >> 8), (byte)(busNumbers >> 16), MemoryWindow.Disabled, MemoryWindow.Disabled, false, false);
                break;
            default:
                function.Issues |= FunctionIssues.UnsupportedHeader;
                break;
        }

        return DecodeCapabilities(config, address, function, (ushort)(commandStatus >> 16));
    }

    /// <summary>Reads a bridge's bus numbers and windows as they are programmed now.</summary>
    public static BridgeInfo ReadBridge(IConfigSpace config, PciAddress address, uint busNumbers)
    {
        uint io = config.Read32(address, Type1Header.IoBase);
        uint memory = config.Read32(address, Type1Header.MemoryBase);
        uint prefetchable = config.Read32(address, Type1Header.PrefetchableMemoryBase);
        bool prefetchable64 = (prefetchable & 0xF) == 1;
        ulong baseUpper = prefetchable64 ? config.Read32(address, Type1Header.PrefetchableBaseUpper32) : 0;
        ulong limitUpper = prefetchable64 ? config.Read32(address, Type1Header.PrefetchableLimitUpper32) : 0;
        var memoryWindow = new MemoryWindow((ulong)(memory & 0xFFF0) << 16, ((ulong)((memory >> 16) & 0xFFF0) << 16) | 0xF_FFFF);
        var prefetchableWindow = new MemoryWindow(
            ((ulong)(prefetchable & 0xFFF0) << 16) | (baseUpper << 32),
            ((ulong)((prefetchable >> 16) & 0xFFF0) << 16) | 0xF_FFFF | (limitUpper << 32));
        bool hasIo = (io & 0xFFFF) != 0;
        return new BridgeInfo((byte)busNumbers, (byte)(busNumbers >> 8), (byte)(busNumbers >> 16), memoryWindow, prefetchableWindow, prefetchable64, hasIo);
    }

    private static bool DecodeCapabilities(IConfigSpace config, PciAddress address, PciFunction function, ushort status)
    {
        // Status came with Command in one dword: the walk need not read it again.
        var standard = new StandardCapabilityEnumerator(config, address, status);
        int count = 0;
        var storage = function.CapabilityStorage;
        while (standard.MoveNext())
        {
            if (count < storage.Length)
            {
                storage[count++] = standard.Current;
            }
        }

        function.CapabilityCount = count;
        if (standard.Error == VmdError.AllOnes && config.Read16(address, PciHeader.VendorId) == 0xFFFF)
        {
            return false;
        }

        if (standard.Error != VmdError.None)
        {
            function.Issues |= FunctionIssues.MalformedCapabilities;
        }

        var extended = new ExtendedCapabilityEnumerator(config, address);
        count = 0;
        var extendedStorage = function.ExtendedStorage;
        while (extended.MoveNext())
        {
            if (count < extendedStorage.Length)
            {
                extendedStorage[count++] = extended.Current;
            }
        }

        function.ExtendedCapabilityCount = count;
        if (extended.Error != VmdError.None)
        {
            function.Issues |= FunctionIssues.MalformedExtendedCapabilities;
        }

        if (function.TryGetCapability(CapabilityId.PciExpress, out ushort express) && express <= 0xFF - 0x28)
        {
            ushort capabilities = (ushort)(config.Read32(address, express) >> 16);
            uint deviceCapabilities = config.Read32(address, (ushort)(express + PciExpressCapability.DeviceCapabilities));
            uint linkCapabilities = config.Read32(address, (ushort)(express + PciExpressCapability.LinkCapabilities));
            ushort linkStatus = (ushort)(config.Read32(address, (ushort)(express + PciExpressCapability.LinkControl)) >> 16);
            bool slot = (capabilities & PciExpressCapability.SlotImplemented) != 0;
            uint slotCapabilities = slot ? config.Read32(address, (ushort)(express + PciExpressCapability.SlotCapabilities)) : 0;
            uint deviceCapabilities2 = (capabilities & 0xF) >= 2 ? config.Read32(address, (ushort)(express + PciExpressCapability.DeviceCapabilities2)) : 0;
            function.Express = new PciExpressInfo(express, capabilities, deviceCapabilities, linkCapabilities, linkStatus, slotCapabilities, deviceCapabilities2);
        }

        return true;
    }
}
