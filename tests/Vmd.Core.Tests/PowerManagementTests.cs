using Vmd.Enumeration.Functions;
using Vmd.Registers;
using Vmd.Simulation;
using Vmd.Simulation.Machines;

namespace Vmd.Core.Tests;

/// <summary>The BIOS PM quirk of client IDs (digest §10.1), applied after resources are assigned.</summary>
public sealed class PowerManagementTests
{
    private static uint LtrLatencies(VmdController vmd, PciFunction function)
    {
        Assert.True(function.TryGetExtendedCapability(ExtendedCapabilityId.LatencyToleranceReporting, out ushort ltr));
        return vmd.Domain!.Read32(function.Address, (ushort)(ltr + 4));
    }

    private static PciFunction Drive(VmdController vmd)
    {
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                return function;
            }
        }

        throw new Xunit.Sdk.XunitException("no drive");
    }

    [Fact]
    public void Client_vmd_programs_ltr_to_the_platform_maximum_and_enables_aspm()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("tigerlake"), VmdState.Enumerated);
        PciFunction drive = Drive(vmd);

        Assert.Equal(0x1003_1003u, LtrLatencies(vmd, drive));
        ushort express = drive.Express.CapabilityOffset;
        uint supported = (vmd.Domain!.Read32(drive.Address, (ushort)(express + PciExpressCapability.LinkCapabilities)) >> 10) & 0x3;
        ushort control = vmd.Domain.Read16(drive.Address, (ushort)(express + PciExpressCapability.LinkControl));
        Assert.NotEqual(0u, supported);
        Assert.Equal(supported, control & 0x3u);
        Assert.True(drive.TryGetCapability(CapabilityId.PowerManagement, out ushort pm));
        Assert.Equal(0, vmd.Domain.Read16(drive.Address, (ushort)(pm + PowerManagementCapability.ControlStatus)) & PowerManagementCapability.PowerStateMask); // D0
    }

    [Fact]
    public void Server_vmd_leaves_ltr_alone()
    {
        VmdController vmd = Bringup.To(MachineCatalog.Create("skylake-sp"), VmdState.Enumerated);

        Assert.Equal(0u, LtrLatencies(vmd, Drive(vmd)));
    }
}
