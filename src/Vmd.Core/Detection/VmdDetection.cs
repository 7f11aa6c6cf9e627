using System.Collections.Generic;

namespace Vmd.Core.Detection;

/// <summary>The result of a scan of the host's config space.</summary>
public sealed class VmdDetection
{
    /// <summary>Creates a result.</summary>
    public VmdDetection(IReadOnlyList<VmdEndpoint> endpoints, IReadOnlyList<UnsupportedFunction> unsupported, int functionsScanned, long configReads)
    {
        Endpoints = endpoints;
        Unsupported = unsupported;
        FunctionsScanned = functionsScanned;
        ConfigReads = configReads;
    }

    /// <summary>Known VMDs, in address order, each with its domain.</summary>
    public IReadOnlyList<VmdEndpoint> Endpoints { get; }

    /// <summary>Intel RAID-class functions with an ID the library does not know.</summary>
    public IReadOnlyList<UnsupportedFunction> Unsupported { get; }

    /// <summary>Present functions seen during the scan.</summary>
    public int FunctionsScanned { get; }

    /// <summary>Config reads the scan issued.</summary>
    public long ConfigReads { get; }
}
