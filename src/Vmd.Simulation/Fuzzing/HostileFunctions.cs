using Vmd.Registers;
using Vmd.Simulation.Devices;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Fuzzing;

/// <summary>
/// The functions a generated domain is made of: the simulator's own models (root and switch ports, NVMe drives)
/// with firmware state at random, and raw functions whose every register and write mask is drawn at random.
/// </summary>
internal static class HostileFunctions
{
    public static PciePort Port(FuzzContext c, int depth, bool upstream)
    {
        bool hostile = c.Hostile();
        var options = new PciePortOptions
        {
            DeviceId = (ushort)c.Random.Next(0x1000, 0xFFFF),
            PrimaryBus = hostile ? c.NextByte() : (byte)0,
            SecondaryBus = hostile ? c.NextByte() : (byte)0,
            SubordinateBus = hostile ? c.NextByte() : (byte)0,
            HardWiredPrimaryBus = depth == 0 && c.OneIn(2) ? (byte)0 : null,
            HotPlugCapable = c.OneIn(3),
            MemoryBase = hostile ? c.NextUInt16() : (ushort)0,
            MemoryLimit = hostile ? c.NextUInt16() : (ushort)0,
            PrefetchableBase = hostile ? c.NextUInt16() : (ushort)0,
            PrefetchableLimit = hostile ? c.NextUInt16() : (ushort)0,
            PrefetchableWindowImplemented = !c.OneIn(4),
            Prefetchable64Bit = !c.OneIn(4),
            IoWindowImplemented = c.OneIn(2),
            AdvancedErrorReporting = !c.OneIn(3),
        };
        if (hostile)
        {
            c.Mark(FuzzFeatures.RandomWindows);
            MarkBusNumbers(c, options.PrimaryBus, options.SecondaryBus, options.SubordinateBus);
        }

        PciePort port = upstream ? PciePort.CreateSwitchUpstreamPort(options)
            : depth == 0 ? PciePort.CreateRootPort(options)
            : PciePort.CreateSwitchDownstreamPort(options);
        Mutate(c, port.Function);
        return port;
    }

    public static NvmeEndpoint Drive(FuzzContext c)
    {
        ulong size = c.Hostile() ? c.PowerOfTwo(14, 40) : c.PowerOfTwo(14, 22);
        var drive = new NvmeEndpoint(new NvmeOptions { Bar0Size = size, DeviceId = (ushort)c.Random.Next(0x1000, 0xFFFF) });
        Mutate(c, drive.Function);
        return drive;
    }

    public static SimulatedFunction RawEndpoint(FuzzContext c)
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(VendorId(c), c.NextUInt16(), c.NextUInt32() & 0xFF_FFFF, c.NextByte())
            .Subsystem(c.NextUInt16(), c.NextUInt16());
        HostileBars.Define(c, builder, Type0Header.BarCount);
        Common(c, builder);
        if (c.Hostile() && c.OneIn(4))
        {
            // CardBus (2) or a layout no specification defines: only the common header can be trusted.
            builder.Function.Set8(PciHeader.HeaderType, c.OneIn(2) ? (byte)2 : (byte)(c.Random.Next(2, 0x80)));
            c.Mark(FuzzFeatures.UnknownHeaderLayout);
        }

        return builder.Build();
    }

    public static SimulatedFunction RawBridge(FuzzContext c)
    {
        bool hostile = c.Hostile();
        var builder = new FunctionBuilder(HeaderType.Bridge)
            .Identity(VendorId(c), c.NextUInt16(), hostile && c.OneIn(4) ? c.NextUInt32() & 0xFF_FFFF : ClassCodes.PciBridge, c.NextByte());
        HostileBars.Define(c, builder, Type1Header.BarCount);
        byte primary = hostile ? c.NextByte() : (byte)0;
        byte secondary = hostile ? c.NextByte() : (byte)0;
        byte subordinate = hostile ? c.NextByte() : (byte)0;
        builder.BusNumbers(primary, secondary, subordinate)
            .MemoryWindowRegisters(c.NextUInt16(), c.NextUInt16())
            .PrefetchableWindow(c.OneIn(2), c.OneIn(2), c.NextUInt16(), c.NextUInt16(), c.OneIn(2) ? 0 : c.NextUInt32(), c.OneIn(2) ? 0 : c.NextUInt32())
            .IoWindow(c.OneIn(2), c.OneIn(2), c.NextByte(), c.NextByte());
        c.Mark(FuzzFeatures.RandomWindows);
        if (hostile)
        {
            MarkBusNumbers(c, primary, secondary, subordinate);
        }

        Common(c, builder);
        SimulatedFunction function = builder.Build();
        StickBusNumbers(c, function);
        return function;
    }

    /// <summary>A function that is there but reads all-ones everywhere, or whose Vendor ID reads 0000 or 0001 (not ready).</summary>
    public static SimulatedFunction AllOnes(FuzzContext c)
    {
        var builder = new FunctionBuilder(HeaderType.Endpoint).CommandWritable(0);
        SimulatedFunction function = builder.Function;
        bool allOnes = c.OneIn(2);
        for (ushort at = 0; at < SimulatedFunction.ConfigSpaceSize; at += 4)
        {
            function.Set32(at, allOnes ? 0xFFFF_FFFF : (c.OneIn(4) ? c.NextUInt32() : 0));
            function.SetWritable(at, 4, 0);
            function.SetWriteOneToClear(at, 4, 0);
        }

        if (!allOnes)
        {
            function.Set16(PciHeader.VendorId, (ushort)c.Random.Next(2));
        }

        c.Mark(FuzzFeatures.AllOnesFunction);
        return builder.Build();
    }

    /// <summary>Now and then makes the function vanish: at once, after its first request, or after a few hundred.</summary>
    public static void MaybeVanish(FuzzContext c, SimulatedFunction function)
    {
        if (!c.Hostile() || !c.OneIn(4))
        {
            return;
        }

        function.VanishAfter(c.Random.Next(4) switch { 0 => 1, 1 => c.Random.Next(2, 16), _ => c.Random.Next(16, 400) });
        c.Mark(FuzzFeatures.VanishingFunction);
    }

    private static void Common(FuzzContext c, FunctionBuilder builder)
    {
        if (c.OneIn(4))
        {
            builder.ExpansionRom((uint)c.PowerOfTwo(11, 24), 0, c.OneIn(2));
        }

        builder.Command(c.OneIn(2) ? (ushort)0 : c.NextUInt16()).Status(c.NextUInt16());
        HostileCapabilities.DefineStandard(c, builder.Function);
        HostileCapabilities.DefineExtended(c, builder.Function);
    }

    // Breaks a model's capability lists or bus-number registers after it was built, as the earlier generator did.
    private static void Mutate(FuzzContext c, SimulatedFunction function)
    {
        if (!c.Hostile())
        {
            return;
        }

        switch (c.Random.Next(5))
        {
            case 0:
                byte first = function.Read8(PciHeader.CapabilitiesPointer);
                if (first >= 0x40)
                {
                    function.Set8((ushort)(first + 1), first);
                    c.Mark(FuzzFeatures.CapabilityCycle);
                }

                break;
            case 1:
                function.Set8(PciHeader.CapabilitiesPointer, (byte)c.Random.Next(0x40));
                c.Mark(FuzzFeatures.CapabilityIntoHeader);
                break;
            case 2:
                uint header = function.Read32(CapabilityHeader.FirstExtended);
                if (header != 0)
                {
                    function.Set32(CapabilityHeader.FirstExtended, (header & 0xF_FFFF) | ((uint)c.Random.Next(0x1000) << CapabilityHeader.ExtendedNextShift));
                    c.Mark(FuzzFeatures.ExtendedCapabilityBroken);
                }

                break;
            case 3:
                StickBusNumbers(c, function);
                break;
            default:
                function.Set8(PciHeader.CapabilitiesPointer, (byte)(function.Read8(PciHeader.CapabilitiesPointer) | 1));
                c.Mark(FuzzFeatures.CapabilityUnaligned);
                break;
        }
    }

    private static void StickBusNumbers(FuzzContext c, SimulatedFunction function)
    {
        if (!function.IsBridge || !c.Hostile() || !c.OneIn(3))
        {
            return;
        }

        // Some bits (or all) of the secondary or subordinate bus number do not hold what software writes.
        ushort register = c.OneIn(2) ? Type1Header.SecondaryBusNumber : Type1Header.SubordinateBusNumber;
        function.SetWritable(register, 1, c.OneIn(2) ? 0u : c.NextByte());
        c.Mark(FuzzFeatures.StuckBusNumbers);
    }

    private static void MarkBusNumbers(FuzzContext c, byte primary, byte secondary, byte subordinate)
    {
        if (secondary <= primary || subordinate < secondary)
        {
            c.Mark(FuzzFeatures.InconsistentBusNumbers);
        }
    }

    private static ushort VendorId(FuzzContext c) => c.OneIn(16) ? c.NextUInt16() : (ushort)(c.OneIn(2) ? 0x8086 : 0x144D);
}
