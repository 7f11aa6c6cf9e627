namespace Vmd.Enumeration.Walk;

/// <summary>Choices the host can make about an enumeration. Defaults suit a VMD domain.</summary>
public sealed class EnumerationOptions
{
    /// <summary>Spare bus numbers reserved below each hot-plug-capable slot (for a switch plugged in later). Default 1.</summary>
    public int HotPlugBusReserve { get; set; } = 1;

    /// <summary>Most functions listed; more is a hostile domain (the rest are counted, not listed). Default 4096.</summary>
    public int MaxFunctions { get; set; } = 4096;
}
