using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Fuzzing;

/// <summary>
/// The VMD endpoint as firmware (or a hostile hypervisor) may present it: known or unknown IDs, VMCAP/VMCONFIG/VMLOCK
/// and the root-bus split with any value, BAR sizes from 16 bytes up, shadow registers and SHDW pointing anywhere.
/// BAR addresses stay apart from each other and from host RAM so every access still has one meaning.
/// </summary>
internal static class HostileVmdOptions
{
    // 64 GiB, 2 GiB and 1 TiB: aligned for the largest size each BAR may get.
    private const ulong CfgBarAddress = 0x40_0000_0000;
    private const ulong MemBar1Address = 0x8000_0000;
    private const ulong MemBar2Address = 0x100_0000_0000;
    private const int MaxMsixEntries = 2048;

    // The IDs a driver knows (hardware digest §2.1); the simulator does not borrow the driver's table.
    private static readonly ushort[] KnownIds = [0x201D, 0x28C0, 0x467F, 0x4C3D, 0x9A0B, 0xA77F, 0x7D0B, 0xAD0B, 0xB60B, 0xB06F, 0xB07F];

    public static VmdOptions Create(FuzzContext c)
    {
        ushort id = KnownIds[c.Random.Next(KnownIds.Length)];
        if (c.OneIn(64))
        {
            id = c.NextUInt16();
            c.Mark(FuzzFeatures.UnknownVmdId);
        }

        bool secondRootPart = id is 0xAD0B or 0xB60B or 0xB06F or 0xB07F;
        bool hostileRegisters = c.Hostile();
        bool hostileSizes = c.Hostile();
        bool hostileSplit = c.Hostile();
        bool hostileShadow = c.Hostile();

        ulong cfgBarSize = hostileSizes ? c.PowerOfTwo(4, 31) : c.PowerOfTwo(20, 28);
        ulong memBar1Size = hostileSizes ? c.PowerOfTwo(4, 31) : c.PowerOfTwo(22, 28);
        ulong memBar2Size = hostileSizes ? c.PowerOfTwo(4, 40) : c.PowerOfTwo(20, 28);
        if (hostileSizes)
        {
            c.Mark(FuzzFeatures.HostileVmdBarSizes);
        }

        uint vmCap = (uint)c.Random.Next(2);
        uint vmConfig = (uint)c.Random.Next(secondRootPart ? 4 : 3) << 8;
        uint vmConfigWritable = 0x2;
        uint vmLock = (uint)c.Random.Next(4);
        int msixEntries = 19;
        ushort command = 0;
        if (hostileRegisters)
        {
            c.Mark(FuzzFeatures.HostileVmdRegisters);
            vmCap = c.OneIn(2) ? c.NextUInt32() : vmCap;
            vmConfig = c.OneIn(2) ? c.NextUInt32() : vmConfig | 0x300;
            vmConfigWritable = c.OneIn(2) ? c.NextUInt32() : vmConfigWritable;
            vmLock = c.NextUInt32();
            msixEntries = c.Random.Next(1, MaxMsixEntries + 1);
            command = c.NextUInt16();
        }

        bool hasSecondRoot = secondRootPart ? !c.OneIn(8) : c.OneIn(32);
        int buses = (int)(cfgBarSize >> 20);
        ushort busRange0 = (ushort)((Clamp((buses / 2) - 1) << 8) | 0);
        ushort busRange1 = (ushort)((Clamp(buses - 1) << 8) | Clamp(buses / 2));
        uint memBar1Split = (uint)(memBar1Size / 2);
        ulong memBar2Split = memBar2Size / 2;
        if (hostileSplit)
        {
            c.Mark(FuzzFeatures.HostileRootBusSplit);
            busRange0 = c.OneIn(2) ? c.NextUInt16() : busRange0;
            busRange1 = c.OneIn(2) ? c.NextUInt16() : busRange1;
            memBar1Split = c.OneIn(2) ? c.NextUInt32() : memBar1Split;
            memBar2Split = c.OneIn(2) ? c.NextUInt64() : memBar2Split;
        }

        bool? shadow = null;
        ulong? memBar1Host = null;
        ulong? memBar2Host = null;
        ShdwCapabilityOptions? shdw = id == 0x201D && c.OneIn(2)
            ? new ShdwCapabilityOptions { MemBar1HostPhysical = MemBar1Address, MemBar2HostPhysical = MemBar2Address }
            : null;
        if (hostileShadow)
        {
            c.Mark(FuzzFeatures.HostileShadow);
            shadow = c.OneIn(2);
            memBar1Host = c.OneIn(2) ? c.NextUInt64() : c.NextUInt32();
            memBar2Host = c.OneIn(2) ? c.NextUInt64() : MemBar2Address + (c.NextUInt32() & ~0xFUL);
            shdw = c.OneIn(2)
                ? null
                : new ShdwCapabilityOptions
                {
                    MemBar1HostPhysical = c.NextUInt64(),
                    MemBar2HostPhysical = c.NextUInt64(),
                    Signature = c.OneIn(2) ? new ShdwCapabilityOptions().Signature : c.NextUInt32(),
                };
        }

        return new VmdOptions
        {
            DeviceId = id,
            Command = command,
            MultiFunction = c.OneIn(8),
            CfgBarAddress = CfgBarAddress,
            CfgBarSize = cfgBarSize,
            CfgBarPrefetchable = c.OneIn(4) ? c.OneIn(2) : null,
            MemBar1Address = MemBar1Address,
            MemBar1Size = memBar1Size,
            MemBar2Address = MemBar2Address,
            MemBar2Size = memBar2Size,
            VmCap = vmCap,
            VmConfig = vmConfig,
            VmConfigWritable = vmConfigWritable,
            VmLock = vmLock,
            MsixEntries = msixEntries,
            HasMemBar2Shadow = shadow,
            MemBar1HostPhysical = memBar1Host,
            MemBar2HostPhysical = memBar2Host,
            Shdw = shdw,
            HasSecondRootBus = hasSecondRoot,
            BusRange0 = busRange0,
            BusRange1 = busRange1,
            MemBar1Bus1Offset = memBar1Split,
            MemBar2Bus1Offset = memBar2Split,
        };
    }

    private static int Clamp(int index) => index < 0 ? 0 : index > 255 ? 255 : index;
}
