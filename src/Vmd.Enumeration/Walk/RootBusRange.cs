namespace Vmd.Enumeration.Walk;

/// <summary>
/// One root bus of a domain and the bus numbers below it that an enumerator may hand out. A domain usually has one;
/// a VMD with a second root bus (Arrow Lake and later client parts) has two, whose numbers never overlap.
/// </summary>
public readonly struct RootBusRange
{
    /// <summary>Creates a range.</summary>
    /// <param name="firstBus">The root bus's number.</param>
    /// <param name="lastBus">The last bus number below it that may be handed out.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="lastBus"/> is below <paramref name="firstBus"/>.</exception>
    public RootBusRange(byte firstBus, byte lastBus)
    {
        if (lastBus < firstBus)
        {
            throw new System.ArgumentOutOfRangeException(nameof(lastBus), lastBus, "The last bus must not be below the first.");
        }

        FirstBus = firstBus;
        LastBus = lastBus;
    }

    /// <summary>The root bus's number.</summary>
    public byte FirstBus { get; }

    /// <summary>The last bus number of the range.</summary>
    public byte LastBus { get; }

    /// <summary>Number of bus numbers in the range.</summary>
    public int Count => LastBus - FirstBus + 1;

    /// <summary>True when <paramref name="bus"/> lies in the range.</summary>
    public bool Contains(int bus) => bus >= FirstBus && bus <= LastBus;

    /// <summary>True when the two ranges share a bus number.</summary>
    public bool Overlaps(RootBusRange other) => FirstBus <= other.LastBus && other.FirstBus <= LastBus;
}
