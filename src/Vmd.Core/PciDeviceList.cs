using System;
using System.Collections;
using System.Collections.Generic;
using Vmd.Enumeration.Functions;
using Vmd.Enumeration.Walk;

namespace Vmd.Core;

/// <summary>
/// Every PCI function a kernel should know about, in lspci order: the host's own functions (read-only)
/// followed by each VMD domain's enumerated functions. This is the one list a kernel's PCI code consumes.
/// </summary>
/// <remarks>The records belong to their scanners and change on the next enumeration, re-scan or <see cref="Refresh"/>.</remarks>
public sealed class PciDeviceList : IReadOnlyList<PciFunction>
{
    private readonly VmdHost _host;
    private readonly HostScanner _hostScanner = new();
    private readonly List<PciFunction> _all = [];

    /// <summary>Creates the list for <paramref name="host"/> and fills it.</summary>
    public PciDeviceList(VmdHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        Refresh();
    }

    /// <summary>Number of functions.</summary>
    public int Count => _all.Count;

    /// <summary>Functions in the host's segments.</summary>
    public ReadOnlySpan<PciFunction> HostFunctions => _hostScanner.Functions;

    /// <summary>The function at <paramref name="index"/>.</summary>
    public PciFunction this[int index] => _all[index];

    /// <summary>Scans the host again and gathers every enumerated VMD domain.</summary>
    public void Refresh()
    {
        _all.Clear();
        bool first = true;
        foreach (uint segment in _host.Options.HostSegments)
        {
            if (first)
            {
                _hostScanner.Scan(_host.HostConfig, segment);
                first = false;
            }
            else
            {
                _hostScanner.AddSegment(_host.HostConfig, segment);
            }
        }

        foreach (PciFunction function in _hostScanner.Functions)
        {
            _all.Add(function);
        }

        foreach (VmdController vmd in _host.Controllers)
        {
            foreach (PciFunction function in vmd.Functions)
            {
                _all.Add(function);
            }
        }
    }

    /// <summary>Finds a function by address.</summary>
    public bool TryFind(PciAddress address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PciFunction? function)
    {
        foreach (PciFunction candidate in _all)
        {
            if (candidate.Address == address)
            {
                function = candidate;
                return true;
            }
        }

        function = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<PciFunction> GetEnumerator() => _all.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
