using System;
using System.Threading;
using Vmd.Core.Devices;
using Vmd.Enumeration.Functions;

namespace Vmd.Core;

/// <summary>The device list for readers on other threads than the one driving the controller.</summary>
public sealed partial class VmdController
{
    private VmdDeviceSnapshot _devices = VmdDeviceSnapshot.Empty;
    private long _deviceGeneration;

    /// <summary>
    /// The device list after the last completed list-changing operation, safe to read from any thread without a lock
    /// while another thread enumerates, resets, inserts or removes (which <see cref="Functions"/> is not: its records are
    /// refilled in place). Never null; empty before enumeration and after <see cref="Unmap"/>.
    /// </summary>
    public VmdDeviceSnapshot Devices => Volatile.Read(ref _devices);

    /// <summary>Copies the current list and publishes it. Called under the controller's lock at the end of every operation that changes the list.</summary>
    private void PublishDevices()
    {
        ReadOnlySpan<PciFunction> functions = Functions;
        VmdDeviceSnapshot current = _devices;
        if (current.State == State && current.Count == functions.Length)
        {
            // A re-enumeration or reset that changed nothing publishes nothing: it must not allocate, and readers
            // keep the generation they have.
            bool same = true;
            ReadOnlySpan<VmdDeviceEntry> published = current.Functions;
            for (int i = 0; same && i < functions.Length; i++)
            {
                same = published[i] == Describe(functions[i]);
            }

            if (same)
            {
                return;
            }
        }

        var entries = new VmdDeviceEntry[functions.Length];
        for (int i = 0; i < functions.Length; i++)
        {
            entries[i] = Describe(functions[i]);
        }

        _deviceGeneration++;
        Volatile.Write(ref _devices, new VmdDeviceSnapshot(_deviceGeneration, State, entries));
    }

    private static VmdDeviceEntry Describe(PciFunction f)
    {
        bool bridge = f.IsBridge;
        return new VmdDeviceEntry(
            f.Address,
            f.VendorId,
            f.DeviceId,
            f.ClassCode,
            bridge,
            f.Parent is not null,
            f.Parent?.Address ?? default,
            bridge ? f.Bridge.Secondary : (byte)0,
            bridge ? f.Bridge.Subordinate : (byte)0,
            f.Assigned,
            f.BarCount > 0 ? f.GetBarCpuAddress(0) : 0);
    }
}
