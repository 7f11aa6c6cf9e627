using System.Collections.Generic;
using Vmd.Core;
using Vmd.Enumeration.Functions;
using Vmd.Registers;

namespace Vmd.Shell.Commands;

/// <summary>Stands in for a kernel's drivers: a counting handler on the first vector of every function that has MSI-X or MSI.</summary>
internal static class Handlers
{
    /// <summary>Attaches to every assigned function except NVMe drives; returns the drives.</summary>
    public static List<PciFunction> AttachToAllButDrives(VmdController vmd)
    {
        var drives = new List<PciFunction>();
        foreach (PciFunction function in vmd.Functions)
        {
            if (function.ClassCode == ClassCodes.NvmExpress)
            {
                drives.Add(function);
            }
            else if (function.Assigned && (function.TryGetCapability(CapabilityId.MsiX, out _) || function.TryGetCapability(CapabilityId.Msi, out _)))
            {
                vmd.TryAttachInterrupt(function.Address, 0, new CountingSink(), 0, out _);
            }
        }

        return drives;
    }

    /// <summary>Attaches to the drives' admin vector.</summary>
    public static void AttachToDrives(VmdController vmd, List<PciFunction> drives)
    {
        foreach (PciFunction drive in drives)
        {
            vmd.TryAttachInterrupt(drive.Address, 0, new CountingSink(), 0, out _);
        }
    }
}
