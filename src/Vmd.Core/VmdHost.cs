using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vmd.Core.Detection;
using Vmd.Core.Telemetry;

namespace Vmd.Core;

/// <summary>
/// The entry point a kernel calls: detects every VMD behind the host's ports and gives one
/// <see cref="VmdController"/> per VMD. Steps are then run per controller (or for all, with the *All helpers).
/// </summary>
public sealed class VmdHost : IDisposable
{
    private readonly List<VmdController> _controllers = [];

    private VmdHost(IConfigSpace hostConfig, IMmioMapper mapper, VmdDetection detection, VmdHostOptions options, ILoggerFactory loggerFactory)
    {
        HostConfig = hostConfig;
        Mapper = mapper;
        Options = options;
        Detection = detection;
        ILogger logger = loggerFactory.CreateLogger("Vmd.Core.VmdController");
        foreach (VmdEndpoint endpoint in detection.Endpoints)
        {
            _controllers.Add(new VmdController(hostConfig, mapper, endpoint, logger, options));
        }

        Metrics = new VmdMetrics(this, options.MeterFactory);
    }

    /// <summary>The <c>Vmd</c> meter over every controller (created through <see cref="VmdHostOptions.MeterFactory"/> when set).</summary>
    public VmdMetrics Metrics { get; }

    /// <summary>The host's config space port.</summary>
    public IConfigSpace HostConfig { get; }

    /// <summary>The options the host gave.</summary>
    public VmdHostOptions Options { get; }

    /// <summary>The host's mapping port.</summary>
    public IMmioMapper Mapper { get; }

    /// <summary>What step 0 found.</summary>
    public VmdDetection Detection { get; }

    /// <summary>One controller per detected VMD, in address order.</summary>
    public IReadOnlyList<VmdController> Controllers => _controllers;

    /// <summary>Step 0: scans the host and creates a controller per VMD found (possibly none).</summary>
    public static VmdHost Detect(IConfigSpace hostConfig, IMmioMapper mapper, VmdHostOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(hostConfig);
        ArgumentNullException.ThrowIfNull(mapper);
        loggerFactory ??= NullLoggerFactory.Instance;
        options ??= new VmdHostOptions();
        VmdDetection detection = VmdDetector.Detect(hostConfig, options, loggerFactory.CreateLogger("Vmd.Core.VmdDetector"));
        return new VmdHost(hostConfig, mapper, detection, options, loggerFactory);
    }

    /// <summary>
    /// One fingerprint for every VMD domain of the host: XxHash64 over each controller's domain
    /// fingerprint in address order (0 when no VMD is enumerated).
    /// </summary>
    public ulong Fingerprint
    {
        get
        {
            Span<byte> values = stackalloc byte[8 * Math.Min(_controllers.Count, 64)];
            int count = 0;
            foreach (VmdController controller in _controllers)
            {
                if (count < values.Length / 8 && controller.State >= VmdState.Enumerated)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(values[(count++ * 8)..], controller.Fingerprint);
                }
            }

            return count == 0 ? 0 : System.IO.Hashing.XxHash64.HashToUInt64(values[..(count * 8)]);
        }
    }

    /// <summary>Step 1 for every controller still in state Detected; returns how many are mapped afterwards.</summary>
    public int MapAll()
    {
        int mapped = 0;
        foreach (VmdController controller in _controllers)
        {
            if (controller.State == VmdState.Detected)
            {
                controller.TryMap();
            }

            if (controller.State >= VmdState.Mapped)
            {
                mapped++;
            }
        }

        return mapped;
    }

    /// <summary>Releases every controller's mappings and the meter.</summary>
    public void Dispose()
    {
        Metrics.Dispose();
        foreach (VmdController controller in _controllers)
        {
            controller.Dispose();
        }
    }
}
