using Vmd.Registers;
using Vmd.Simulation.Diagnostics;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Memory;

namespace Vmd.Simulation.Domain;

/// <summary>
/// CFGBAR: ECAM of the private domain (PCIe Base §7.2.2). Offset bits 27:20 are the bus relative to the bus
/// start, 19:15 the device, 14:12 the function, 11:0 the register. On a second-root-bus part bits 27:20 are a bus index
/// that BUSRANGE0/BUSRANGE1 give to one root bus or the other (<see cref="SimulatedVmd.TryDecodeIndex"/>). Unclaimed requests
/// read all-ones and drop writes.
/// </summary>
internal sealed class CfgBarTarget : IMemoryTarget
{
    private const int MaxBusNumber = 255;
    private readonly SimulatedVmd _vmd;

    public CfgBarTarget(SimulatedVmd vmd) => _vmd = vmd;

    public ulong Read(ulong offset, int width)
    {
        // ECAM defines accesses up to a dword; a qword is carried out as two dword requests, low first.
        if (width == 8)
        {
            return Access(offset, 4, 0, write: false) | ((ulong)Access(offset + 4, 4, 0, write: false) << 32);
        }

        return Access(offset, width, 0, write: false);
    }

    public void Write(ulong offset, int width, ulong value)
    {
        if (width == 8)
        {
            Access(offset, 4, (uint)value, write: true);
            Access(offset + 4, 4, (uint)(value >> 32), write: true);
            return;
        }

        Access(offset, width, (uint)value, write: true);
    }

    private uint Access(ulong offset, int width, uint value, bool write)
    {
        int relativeBus = (int)(offset >> Ecam.BusShift);
        int device = (int)(offset >> Ecam.DeviceShift) & PciAddress.MaxDevice;
        int functionNumber = (int)(offset >> Ecam.FunctionShift) & PciAddress.MaxFunction;
        ushort register = (ushort)(offset & Ecam.RegisterMask);
        SimulatedFunction? function = null;
        int bus = _vmd.BusStart + relativeBus;
        if (_vmd.TryDecodeIndex(relativeBus, out SimulatedBus? root, out int rootNumber, out int decodedBus))
        {
            bus = decodedBus;
            function = DomainRouter.RouteConfig(root, rootNumber, bus, device, functionNumber);
        }

        // A function in reset or not ready yet does not answer: reads all-ones, writes dropped (no CRS model).
        if (function is not null && !function.AcceptsConfig(_vmd.Fabric.Time))
        {
            function = null;
        }

        uint result = value;
        if (function is null)
        {
            result = write ? value : (uint)AccessWidth.AllOnes(width);
        }
        else if (write)
        {
            WriteFunction(function, register, width, value);
        }
        else
        {
            result = width switch
            {
                1 => function.Read8(register),
                2 => function.Read16(register),
                _ => function.Read32(register),
            };
        }

        _vmd.Fabric.RecordConfig(ConfigAccessSource.VmdDomain, new PciAddress(_vmd.DomainSegment, (byte)bus, device, functionNumber), register, width, result, write, function is not null, _vmd);
        return result;
    }

    private static void WriteFunction(SimulatedFunction function, ushort register, int width, uint value)
    {
        switch (width)
        {
            case 1:
                function.Write8(register, (byte)value);
                break;
            case 2:
                function.Write16(register, (ushort)value);
                break;
            default:
                function.Write32(register, value);
                break;
        }
    }
}
