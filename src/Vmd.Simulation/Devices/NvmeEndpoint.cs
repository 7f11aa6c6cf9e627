using System;
using System.Diagnostics.CodeAnalysis;
using Vmd.Registers;
using Vmd.Simulation.Functions;
using Vmd.Simulation.Functions.Capabilities;
using Vmd.Simulation.Interrupts;
using Vmd.Simulation.Machines;
using Vmd.Simulation.Memory;
using Vmd.Simulation.Upstream;

namespace Vmd.Simulation.Devices;

/// <summary>
/// An NVMe controller function (class 0x010802): BAR0 64-bit non-prefetchable holding the controller
/// registers and the MSI-X table and PBA; capabilities PM (0x40), MSI (0x50), PCIe endpoint with FLR
/// (0x70), MSI-X (0xB0); extended AER (0x100), Device Serial Number (0x148), LTR (0x158).
/// </summary>
/// <remarks>
/// BAR0 holds the <see cref="NvmeController"/> (registers, doorbells, admin queue pair; see there for what is
/// modelled) with the MSI-X table and PBA laid over it at the offsets in <see cref="NvmeOptions"/> (entries start
/// masked, the PBA is read-only). A conventional reset, FLR or D3hot → D0 without No_Soft_Reset returns the controller
/// registers, queues and MSI-X table to their power-on state. The drive masters the bus for queue and data DMA and for its MSI/MSI-X messages.
/// The capability offsets follow a common client SSD layout and are illustrative.
/// </remarks>
public sealed class NvmeEndpoint : IFunctionResetListener
{
    private const ushort PowerManagementOffset = 0x40;
    private const ushort MsiOffset = 0x50;
    private const ushort PciExpressOffset = 0x70;
    private const ushort MsixOffset = 0xB0;
    private const ushort SerialNumberOffset = 0x148;
    private const ushort LatencyToleranceOffset = 0x158;

    /// <summary>Creates the function.</summary>
    public NvmeEndpoint(NvmeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MsixTable = new MsixTable(options.MsixEntries);
        if (options.MsixTableOffset + MsixTable.TableLength > options.Bar0Size || options.MsixPbaOffset + MsixTable.PbaLength > options.Bar0Size)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The MSI-X table and PBA must lie inside BAR0.");
        }

        Controller = new NvmeController(options);
        var bar0 = new MsixBarTarget(Controller, MsixTable, options.MsixTableOffset, options.MsixPbaOffset);
        var builder = new FunctionBuilder(HeaderType.Endpoint)
            .Identity(options.VendorId, options.DeviceId, ClassCodes.NvmExpress, options.RevisionId)
            .Subsystem(options.SubsystemVendorId, options.SubsystemId)
            .Command(options.Command)
            .Interrupt(pin: 1)
            .MemoryBar(0, options.Bar0Size, is64Bit: true, prefetchable: false, options.Bar0Address, bar0);
        builder.AddPowerManagement(PowerManagementOffset, noSoftReset: options.NoSoftReset);
        builder.AddMsi(is64Bit: true, multipleMessageCapableLog2: 5, MsiOffset, options.MsiPerVectorMasking);
        builder.AddPciExpress(
            new PciExpressCapabilityOptions
            {
                PortType = PciExpressPortType.Endpoint,
                FunctionLevelReset = true,
                MaxLinkSpeed = options.MaxLinkSpeed,
                MaxLinkWidth = options.MaxLinkWidth,
                LtrSupported = true,
            },
            PciExpressOffset);
        builder.AddMsix(options.MsixEntries, 0, options.MsixTableOffset, 0, options.MsixPbaOffset, MsixOffset);
        builder.AddAdvancedErrorReporting(rootPort: false);
        builder.AddDeviceSerialNumber(options.SerialNumber, SerialNumberOffset);
        builder.AddLatencyToleranceReporting(offset: LatencyToleranceOffset);
        Function = builder.Build();
        Function.Owner = this;
        Function.ResetListener = this;
        Function.AttachMsixTable(MsixTable);
        Controller.Function = Function;
    }

    /// <summary>The drive model behind <paramref name="function"/>, when an <see cref="NvmeEndpoint"/> built it.</summary>
    public static bool TryGet(SimulatedFunction function, [NotNullWhen(true)] out NvmeEndpoint? endpoint)
    {
        ArgumentNullException.ThrowIfNull(function);
        endpoint = function.Owner as NvmeEndpoint;
        return endpoint is not null;
    }

    /// <summary>The configuration function.</summary>
    public SimulatedFunction Function { get; }

    /// <summary>The NVMe controller behind BAR0 (outside the MSI-X table and PBA).</summary>
    public NvmeController Controller { get; }

    /// <summary>
    /// Runs the admin commands a doorbell recorded while <see cref="NvmeController.DeferCommands"/> is on, under the
    /// machine's lock, then delivers the interrupts their completions raised before returning (on this thread). Any
    /// thread: a test calls it where the controller would get round to its queue.
    /// </summary>
    /// <returns>True when commands ran.</returns>
    public bool RunDeferredCommands()
    {
        MachineFabric? fabric = UpstreamPath.FindFabric(Function);
        if (fabric is null)
        {
            return Controller.RunDeferred();
        }

        bool ran;
        lock (fabric.Sync)
        {
            ran = Controller.RunDeferred();
        }

        fabric.RootComplex.DeliverQueued();
        return ran;
    }

    /// <summary>The function's MSI-X table and PBA, as BAR0 exposes them.</summary>
    public MsixTable MsixTable { get; }

    void IFunctionResetListener.OnFunctionReset(SimulatedFunction function)
    {
        MsixTable.Reset();
        Controller.Reset();
    }

    void IFunctionResetListener.OnLinkStateChanged(SimulatedFunction function)
    {
    }

    /// <summary>Signals interrupt vector <paramref name="vector"/> as the drive would (see <see cref="SimulatedFunction.SignalVector"/>).</summary>
    public InterruptOutcome SignalVector(int vector) => Function.SignalVector(vector);
}
