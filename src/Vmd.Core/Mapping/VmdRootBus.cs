using Vmd.Core.Domain;
using Vmd.Enumeration.Resources;
using Vmd.Enumeration.Walk;

namespace Vmd.Core.Mapping;

/// <summary>
/// One root bus of a VMD's domain with the resources that belong to it: its buses and where they sit in CFGBAR, and its
/// parts of MEMBAR1 and MEMBAR2. A VMD has one; a VMD with a second root bus (VMCONFIG[9:8] = 3 on an ID with
/// <see cref="Identification.VmdFeatures.SecondRootBus"/>) has two, whose buses and aperture parts never overlap.
/// </summary>
public sealed class VmdRootBus
{
    /// <summary>Creates a root bus description.</summary>
    /// <param name="index">0 for the first root bus ("BUS0"), 1 for the second ("BUS1").</param>
    /// <param name="firstBus">The root bus's number.</param>
    /// <param name="lastBus">The last bus number below it.</param>
    /// <param name="cfgBarIndex">The CFGBAR bus index (ECAM offset bits 27:20) of <paramref name="firstBus"/>.</param>
    /// <param name="memBar1Offset">Offset of its MEMBAR1 part from the start of MEMBAR1.</param>
    /// <param name="memBar1Length">Length of its MEMBAR1 part.</param>
    /// <param name="memBar2Offset">Offset of its MEMBAR2 part from the start of MEMBAR2 (after the VMD's own registers for root bus 0).</param>
    /// <param name="memBar2Length">Length of its MEMBAR2 part.</param>
    /// <param name="busRangeRegister">BUSRANGE0 or BUSRANGE1 as read, or null on a VMD with one root bus (no such register).</param>
    public VmdRootBus(int index, byte firstBus, byte lastBus, int cfgBarIndex, ulong memBar1Offset, ulong memBar1Length, ulong memBar2Offset, ulong memBar2Length, ushort? busRangeRegister = null)
    {
        BusRangeRegister = busRangeRegister;
        Index = index;
        Window = new ConfigWindow(firstBus, lastBus, cfgBarIndex);
        MemBar1Offset = memBar1Offset;
        MemBar1Length = memBar1Length;
        MemBar2Offset = memBar2Offset;
        MemBar2Length = memBar2Length;
    }

    /// <summary>BUSRANGE0 (0xC8) or BUSRANGE1 (0xCC) as read: bits 7:0 first, 15:8 last CFGBAR bus; null with one root bus.</summary>
    public ushort? BusRangeRegister { get; }

    /// <summary>0 for the first root bus, 1 for the second.</summary>
    public int Index { get; }

    /// <summary>The root bus's number (the second root bus's ports hard-wire their primary bus number to it: 0x80).</summary>
    public byte FirstBus => Window.FirstBus;

    /// <summary>The last bus number below this root bus.</summary>
    public byte LastBus => Window.LastBus;

    /// <summary>The CFGBAR bus index of <see cref="FirstBus"/>.</summary>
    public int CfgBarIndex => Window.CfgBarIndex;

    /// <summary>Number of buses.</summary>
    public int Count => Window.Count;

    /// <summary>The buses and their place in CFGBAR.</summary>
    public ConfigWindow Window { get; }

    /// <summary>The buses as an enumerator range.</summary>
    public RootBusRange Buses => new(FirstBus, LastBus);

    /// <summary>Offset of this root bus's MEMBAR1 part from the start of MEMBAR1.</summary>
    public ulong MemBar1Offset { get; }

    /// <summary>Length of this root bus's MEMBAR1 part.</summary>
    public ulong MemBar1Length { get; }

    /// <summary>Offset of this root bus's MEMBAR2 part from the start of MEMBAR2.</summary>
    public ulong MemBar2Offset { get; }

    /// <summary>Length of this root bus's MEMBAR2 part.</summary>
    public ulong MemBar2Length { get; }

    /// <summary>This root bus's MEMBAR1 part as handed to its devices; valid once the controller is enabled.</summary>
    public Aperture MemBar1Aperture { get; internal set; }

    /// <summary>This root bus's MEMBAR2 part as handed to its devices; valid once the controller is enabled.</summary>
    public Aperture MemBar2Aperture { get; internal set; }

    /// <summary>True when <paramref name="bus"/> is one of this root bus's buses.</summary>
    public bool Contains(int bus) => bus >= FirstBus && bus <= LastBus;
}
