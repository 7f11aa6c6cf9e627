using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmd.Core.Identification;
using Vmd.Core.Logging;
using Vmd.Registers;

namespace Vmd.Core.Detection;

/// <summary>
/// Step 0: finds VMD endpoints in the host's config space by vendor 0x8086 and the device-ID table
/// (never by class code), and numbers their domains from 0x10000 up, above every host segment.
/// </summary>
public static class VmdDetector
{
    /// <summary>First domain number given to a VMD: above every 16-bit ACPI segment.</summary>
    public const uint FirstDomain = 0x10000;

    /// <summary>
    /// Scans every bus, device and function of each host segment in <paramref name="options"/>.
    /// Cost: one 16-bit read per absent device slot; present functions add a few reads each.
    /// </summary>
    public static VmdDetection Detect(IConfigSpace hostConfig, VmdHostOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        options ??= new VmdHostOptions();
        logger ??= NullLogger.Instance;

        uint nextDomain = FirstDomain;
        foreach (uint segment in options.HostSegments)
        {
            if (segment >= nextDomain)
            {
                nextDomain = segment + 1;
            }
        }

        var endpoints = new List<VmdEndpoint>();
        var unsupported = new List<UnsupportedFunction>();
        int functions = 0;
        long reads = 0;
        foreach (uint segment in options.HostSegments)
        {
            for (int bus = 0; bus <= 0xFF; bus++)
            {
                for (int device = 0; device <= PciAddress.MaxDevice; device++)
                {
                    var function0 = new PciAddress(segment, (byte)bus, device, 0);
                    reads++;
                    ushort vendor = hostConfig.Read16(function0, PciHeader.VendorId);
                    if (vendor is 0xFFFF or 0x0000)
                    {
                        continue;
                    }

                    reads++;
                    byte headerType = hostConfig.Read8(function0, PciHeader.HeaderType);
                    int lastFunction = (headerType & HeaderType.MultiFunction) != 0 ? PciAddress.MaxFunction : 0;
                    for (int function = 0; function <= lastFunction; function++)
                    {
                        PciAddress address = function0.WithFunction(function);
                        if (function != 0)
                        {
                            reads++;
                            vendor = hostConfig.Read16(address, PciHeader.VendorId);
                            if (vendor is 0xFFFF or 0x0000)
                            {
                                continue;
                            }
                        }

                        functions++;
                        if (vendor != VmdDeviceTable.IntelVendorId)
                        {
                            continue;
                        }

                        reads += 2;
                        ushort deviceId = hostConfig.Read16(address, PciHeader.DeviceId);
                        uint classAndRevision = hostConfig.Read32(address, PciHeader.RevisionId);
                        uint classCode = classAndRevision >> 8;
                        if (options.TryResolve(deviceId, out VmdDeviceInfo? info))
                        {
                            var endpoint = new VmdEndpoint(address, info, (byte)classAndRevision, classCode, nextDomain++);
                            endpoints.Add(endpoint);
                            Log.VmdDetected(logger, address, deviceId, info.Platform, endpoint.Domain);
                        }
                        else if (classCode == ClassCodes.RaidController && deviceId != VmdDeviceTable.RstCompanionDeviceId)
                        {
                            string reason = $"8086:{deviceId:x4} is a RAID-class Intel function whose ID is not in the VMD table; "
                                + "declare it with VmdHostOptions.AddDevice(0x" + deviceId.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)
                                + ", features) to use it as a VMD";
                            unsupported.Add(new UnsupportedFunction(address, deviceId, classCode, reason));
                            Log.UnsupportedVmd(logger, address, deviceId);
                        }
                    }
                }
            }
        }

        Log.DetectionDone(logger, endpoints.Count, functions, reads);
        return new VmdDetection(endpoints, unsupported, functions, reads);
    }
}
