namespace Vmd.Core.Mapping;

/// <summary>The bus numbers of a VMD's private domain (hardware digest §4.1).</summary>
public sealed class VmdBusRange
{
    /// <summary>Creates a range.</summary>
    public VmdBusRange(byte start, byte end, bool restricted, int selector, int busesInCfgBar)
    {
        Start = start;
        End = end;
        Restricted = restricted;
        Selector = selector;
        BusesInCfgBar = busesInCfgBar;
    }

    /// <summary>First bus: the root bus, at relative bus 0 (ECAM offset 0) of CFGBAR.</summary>
    public byte Start { get; }

    /// <summary>Last bus: Start + buses in CFGBAR − 1, clamped to 255.</summary>
    public byte End { get; }

    /// <summary>True when VMCONFIG[9:8] chose the start (bus-restriction feature and VMCAP bit 0).</summary>
    public bool Restricted { get; }

    /// <summary>VMCONFIG[9:8] as read, or −1 when not consulted.</summary>
    public int Selector { get; }

    /// <summary>CFGBAR size / 1 MiB, before clamping to the 8-bit bus space.</summary>
    public int BusesInCfgBar { get; }

    /// <summary>Number of buses in the range.</summary>
    public int Count => End - Start + 1;

    /// <summary>True when <paramref name="bus"/> is inside the range.</summary>
    public bool Contains(int bus) => bus >= Start && bus <= End;
}
