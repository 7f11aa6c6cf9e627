using Vmd.Registers;
using Vmd.Simulation.Functions;

namespace Vmd.Simulation.Devices;

/// <summary>
/// The 8086:09ab "RST VMD Managed Controller" companion function of client platforms (class 0x088000, no
/// BARs, no capabilities). It is not a VMD: detection must skip it, and an enumerator that meets it at
/// function 0 must still scan functions 1–7, because the real root port sits at function 4 (hardware digest §2.1).
/// </summary>
public static class RstCompanion
{
    /// <summary>Device ID of the companion.</summary>
    public const ushort DefaultDeviceId = 0x09AB;

    /// <summary>Creates the function; the multi-function bit is set by default, as observed.</summary>
    public static SimulatedFunction Create(ushort deviceId = DefaultDeviceId, bool multiFunction = true, byte revisionId = 0) =>
        new FunctionBuilder(HeaderType.Endpoint)
            .Identity(0x8086, deviceId, ClassCodes.SystemPeripheralOther, revisionId)
            .MultiFunction(multiFunction)
            .Build();
}
