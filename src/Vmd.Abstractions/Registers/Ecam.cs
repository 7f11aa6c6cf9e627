namespace Vmd.Registers;

/// <summary>
/// Enhanced Configuration Access Mechanism layout (PCIe Base §7.2.2): 4 KiB per function, 32 KiB per
/// device, 1 MiB per bus. A VMD's CFGBAR is an ECAM window indexed by bus relative to the bus start.
/// </summary>
public static class Ecam
{
    /// <summary>Offset bits 27:20 hold the (relative) bus number.</summary>
    public const int BusShift = 20;

    /// <summary>Offset bits 19:15 hold the device number.</summary>
    public const int DeviceShift = 15;

    /// <summary>Offset bits 14:12 hold the function number.</summary>
    public const int FunctionShift = 12;

    /// <summary>Offset bits 11:0 hold the register.</summary>
    public const uint RegisterMask = 0xFFF;

    /// <summary>Bytes of ECAM per bus (1 MiB).</summary>
    public const ulong BytesPerBus = 1UL << BusShift;

    /// <summary>Bytes of configuration space per function (4 KiB).</summary>
    public const int BytesPerFunction = 1 << FunctionShift;

    /// <summary>Byte offset inside an ECAM window of (relative bus, device, function, register).</summary>
    public static ulong Offset(int relativeBus, int device, int function, ushort register) =>
        ((ulong)(uint)relativeBus << BusShift) | ((ulong)(uint)device << DeviceShift) | ((ulong)(uint)function << FunctionShift) | (register & RegisterMask);
}
