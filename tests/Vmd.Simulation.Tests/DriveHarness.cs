using System;
using Vmd.Registers;
using Vmd.Simulation.Domain;

namespace Vmd.Simulation.Tests;

/// <summary>
/// Brings up one NVMe drive behind a VMD by hand, only through the ports (host config, CFGBAR and BAR mappings,
/// the interrupt controller), as a kernel author would without the library: VMD decode, MSI-X of the VMD and the
/// drive, the admin queue pair in host RAM, Identify.
/// </summary>
internal sealed class DriveHarness
{
    public const int VmdEntry = 2;
    private const ulong DriveBar0Size = 16 * 1024;
    private const ulong QueueBytes = 4096;

    private readonly int _busStart;
    private readonly IMmioRegion _sq;
    private readonly IMmioRegion _cq;
    private readonly ushort _vmdMsix;

    public DriveHarness(string machineName, int vmdIndex, int busStart, int portBus, int portDevice, int driveBus)
    {
        Machine = TestHelpers.Machine(machineName);
        Vmd = Machine.Vmds[vmdIndex];
        _busStart = busStart;
        PortBus = portBus;
        PortDevice = portDevice;
        DriveBus = driveBus;
        IConfigSpace host = Machine.HostConfig;
        host.Write16(Vmd.Address, PciHeader.Command, (ushort)(PciCommand.MemorySpaceEnable | PciCommand.BusMasterEnable));
        CfgBar = Map(TestHelpers.ReadBar(host, Vmd.Address, VmdRegisters.CfgBarIndex), 32UL << 20);
        MemBar2 = Map(TestHelpers.ReadBar(host, Vmd.Address, VmdRegisters.MemBar2Index), 0x2000);
        _vmdMsix = FindCapability(offset => host.Read8(Vmd.Address, offset), CapabilityId.MsiX);

        DriveMsix = FindCapability(offset => CfgBar.Read8(Drive(offset)), CapabilityId.MsiX);
        DriveMsi = FindCapability(offset => CfgBar.Read8(Drive(offset)), CapabilityId.Msi);
        ulong bar0 = (CfgBar.Read32(Drive(PciHeader.BaseAddress0)) & BaseAddressBits.MemoryAddressMask) | ((ulong)CfgBar.Read32(Drive((ushort)(PciHeader.BaseAddress0 + 4))) << 32);
        Bar0 = Map(bar0, DriveBar0Size);
        DriveTable = CfgBar.Read32(Drive((ushort)(DriveMsix + MsixCapability.TableOffset))) & MsixCapability.OffsetMask;
        DrivePba = CfgBar.Read32(Drive((ushort)(DriveMsix + MsixCapability.PbaOffset))) & MsixCapability.OffsetMask;

        Asq = Machine.PhysicalMemory.AllocateDma(QueueBytes);
        Acq = Machine.PhysicalMemory.AllocateDma(QueueBytes);
        Buffer = Machine.PhysicalMemory.AllocateDma(2 * QueueBytes);
        _sq = Map(Asq, QueueBytes);
        _cq = Map(Acq, QueueBytes);
        Data = Map(Buffer, 2 * QueueBytes);

        Assert.True(Machine.Interrupts.TryAllocate(out HostVector vector));
        Vector = vector;
        Machine.Interrupts.Attach(vector, Sink, cookie: 7);
    }

    public SimulatedMachine Machine { get; }

    public SimulatedVmd Vmd { get; }

    public IMmioRegion CfgBar { get; }

    public IMmioRegion MemBar2 { get; }

    public IMmioRegion Bar0 { get; }

    public IMmioRegion Data { get; }

    public ushort DriveMsix { get; }

    public ushort DriveMsi { get; }

    public uint DriveTable { get; }

    public uint DrivePba { get; }

    public int PortBus { get; }

    public int PortDevice { get; }

    public int DriveBus { get; }

    public ulong Asq { get; }

    public ulong Acq { get; }

    public ulong Buffer { get; }

    public HostVector Vector { get; }

    public CountingSink Sink { get; } = new();

    public MsiMessage HostMessage => Machine.Interrupts.ComposeMessage(Vector);

    public static DriveHarness TigerLake() => new("tigerlake", 0, busStart: 0xE0, portBus: 0xE0, portDevice: 6, driveBus: 0xE1);

    public static DriveHarness IceLake() => new("icelake-sp", 0, busStart: 0, portBus: 0, portDevice: 0, driveBus: 1);

    /// <summary>ECAM offset of a drive register.</summary>
    public nuint Drive(ushort register) => TestHelpers.Ecam(_busStart, DriveBus, 0, 0, register);

    /// <summary>ECAM offset of a root port register.</summary>
    public nuint Port(ushort register) => TestHelpers.Ecam(_busStart, PortBus, PortDevice, 0, register);

    /// <summary>VMCONFIG bit 1 by 16-bit read-modify-write: clear = remap, set = bypass.</summary>
    public void SetRemap(bool remap)
    {
        ushort value = Machine.HostConfig.Read16(Vmd.Address, VmdRegisters.VmConfig);
        value = remap ? (ushort)(value & ~VmdRegisters.VmConfigMsiRemapDisable) : (ushort)(value | VmdRegisters.VmConfigMsiRemapDisable);
        Machine.HostConfig.Write16(Vmd.Address, VmdRegisters.VmConfig, value);
    }

    public void ProgramVmdEntry(int entry, MsiMessage message, bool masked) =>
        ProgramEntry(MemBar2, (nuint)VmdRegisters.MsixTableOffset, entry, message, masked);

    public void SetVmdEntryMask(int entry, bool masked) =>
        MemBar2.Write32((nuint)(VmdRegisters.MsixTableOffset + (ulong)(entry * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl), masked ? MsixCapability.EntryMasked : 0);

    public void SetVmdMsix(bool enabled, bool functionMask = false) =>
        Machine.HostConfig.Write16(Vmd.Address, (ushort)(_vmdMsix + MsixCapability.MessageControl), Control(enabled, functionMask));

    public ulong VmdPba => MemBar2.Read64((nuint)VmdRegisters.MsixPbaOffset);

    public void ProgramDriveEntry(int entry, MsiMessage message, bool masked) => ProgramEntry(Bar0, DriveTable, entry, message, masked);

    public void SetDriveEntryMask(int entry, bool masked) =>
        Bar0.Write32(DriveTable + (nuint)(entry * MsixCapability.EntrySize) + MsixCapability.EntryVectorControl, masked ? MsixCapability.EntryMasked : 0);

    public void SetDriveMsix(bool enabled, bool functionMask = false) =>
        CfgBar.Write16(Drive((ushort)(DriveMsix + MsixCapability.MessageControl)), Control(enabled, functionMask));

    public ulong DrivePbaBits => Bar0.Read64(DrivePba);

    /// <summary>The usual remap setup: VMD entry 2 → host vector, unmasked, VMD MSI-X on; drive entry 0 → 0xFEE02000 / 0, drive MSI-X on.</summary>
    public void RemapThroughEntry2(bool vmdEntryMasked = false, bool driveEntryMasked = false)
    {
        SetRemap(remap: true);
        ProgramVmdEntry(VmdEntry, HostMessage, vmdEntryMasked);
        SetVmdMsix(enabled: true);
        ProgramDriveEntry(0, new MsiMessage(X86MsiAddress.Base | ((uint)VmdEntry << X86MsiAddress.DestinationIdShift), 0), driveEntryMasked);
        SetDriveMsix(enabled: true);
    }

    /// <summary>Admin queues in RAM, CC.EN = 1, then polls CSTS.RDY (the model is ready at once).</summary>
    public void EnableController(int sqEntries = 16, int cqEntries = 16)
    {
        Bar0.Write32(NvmeRegisters.Aqa, (uint)(sqEntries - 1) | ((uint)(cqEntries - 1) << NvmeRegisters.AqaAcqsShift));
        Bar0.Write64(NvmeRegisters.Asq, Asq);
        Bar0.Write64(NvmeRegisters.Acq, Acq);
        Bar0.Write32(NvmeRegisters.Cc, NvmeRegisters.CcEn | (6U << NvmeRegisters.CcIosqesShift) | (4U << NvmeRegisters.CcIocqesShift));
        for (int poll = 0; poll < 10 && (Bar0.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsRdy) == 0; poll++)
        {
        }

        Assert.Equal(NvmeRegisters.CstsRdy, Bar0.Read32(NvmeRegisters.Csts) & NvmeRegisters.CstsRdy);
    }

    /// <summary>Writes a command into SQ slot <paramref name="slot"/>: opcode, command ID, PRP1/PRP2, CDW10.</summary>
    public void Submit(int slot, byte opcode, ushort commandId, uint cdw10, ulong prp1, ulong prp2 = 0)
    {
        nuint at = (nuint)(slot * NvmeCommands.SubmissionEntrySize);
        for (nuint i = 0; i < NvmeCommands.SubmissionEntrySize; i += 8)
        {
            _sq.Write64(at + i, 0);
        }

        _sq.Write32(at + NvmeCommands.Cdw0, opcode | ((uint)commandId << NvmeCommands.Cdw0CidShift));
        _sq.Write64(at + NvmeCommands.Prp1, prp1);
        _sq.Write64(at + NvmeCommands.Prp2, prp2);
        _sq.Write32(at + NvmeCommands.Cdw10, cdw10);
    }

    public void SubmitIdentify(int slot, ushort commandId) => Submit(slot, NvmeCommands.OpcodeIdentify, commandId, NvmeCommands.CnsController, Buffer);

    public void RingSubmissionTail(uint tail) => Bar0.Write32(NvmeRegisters.DoorbellBase, tail);

    public void RingCompletionHead(uint head) => Bar0.Write32(NvmeRegisters.DoorbellBase + 4, head);

    public uint CompletionDw2(int slot) => _cq.Read32((nuint)((slot * NvmeCommands.CompletionEntrySize) + NvmeCommands.CqeDw2));

    public uint CompletionDw3(int slot) => _cq.Read32((nuint)((slot * NvmeCommands.CompletionEntrySize) + NvmeCommands.CqeDw3));

    public static ushort StatusOf(uint dw3) => (ushort)(dw3 >> NvmeCommands.CqeStatusShift);

    private static ushort Control(bool enabled, bool functionMask) =>
        (ushort)((enabled ? MsixCapability.Enable : 0) | (functionMask ? MsixCapability.FunctionMask : 0));

    private static void ProgramEntry(IMmioRegion region, nuint table, int entry, MsiMessage message, bool masked)
    {
        nuint at = table + (nuint)(entry * MsixCapability.EntrySize);
        region.Write32(at + MsixCapability.EntryVectorControl, MsixCapability.EntryMasked);
        region.Write32(at + MsixCapability.EntryAddressLow, (uint)message.Address);
        region.Write32(at + MsixCapability.EntryAddressHigh, (uint)(message.Address >> 32));
        region.Write32(at + MsixCapability.EntryData, message.Data);
        region.Write32(at + MsixCapability.EntryVectorControl, masked ? MsixCapability.EntryMasked : 0);
    }

    private static ushort FindCapability(Func<ushort, byte> read8, CapabilityId id)
    {
        int at = read8(PciHeader.CapabilitiesPointer) & CapabilityHeader.PointerMask;
        for (int hops = 0; at >= PciHeader.Length && hops < CapabilityHeader.MaxStandardEntries; hops++)
        {
            if (read8((ushort)at) == (byte)id)
            {
                return (ushort)at;
            }

            at = read8((ushort)(at + CapabilityHeader.Next)) & CapabilityHeader.PointerMask;
        }

        throw new InvalidOperationException($"Capability {id} not found.");
    }

    private IMmioRegion Map(ulong address, ulong length)
    {
        Assert.True(Machine.Memory.TryMap(address, length, out IMmioRegion? region));
        return region!;
    }
}
