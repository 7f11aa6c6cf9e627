namespace Vmd.Enumeration.Functions;

/// <summary>Orders function records as lspci lists them: segment, bus, device, function.</summary>
internal static class AddressOrder
{
    public static int Compare(PciFunction? x, PciFunction? y) => x!.Address.CompareTo(y!.Address);
}
