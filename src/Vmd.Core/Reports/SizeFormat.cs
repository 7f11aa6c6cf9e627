using System.Globalization;

namespace Vmd.Core.Reports;

/// <summary>Formats byte counts for reports and messages: the largest binary unit that divides exactly.</summary>
public static class SizeFormat
{
    /// <summary>"32 MiB", "16 KiB", "4 GiB" or "100 bytes".</summary>
    public static string Format(ulong size)
    {
        if (size >= 1UL << 30 && size % (1UL << 30) == 0)
        {
            return (size >> 30).ToString(CultureInfo.InvariantCulture) + " GiB";
        }

        if (size >= 1UL << 20 && size % (1UL << 20) == 0)
        {
            return (size >> 20).ToString(CultureInfo.InvariantCulture) + " MiB";
        }

        if (size >= 1UL << 10 && size % (1UL << 10) == 0)
        {
            return (size >> 10).ToString(CultureInfo.InvariantCulture) + " KiB";
        }

        return size.ToString(CultureInfo.InvariantCulture) + " bytes";
    }
}
