using System.Globalization;
using System.Text;
using Vmd.Core.Identification;
using Vmd.Core.Mapping;

namespace Vmd.Core.Reports;

/// <summary>Formatting shared by the reports: lower-case hex without 0x, sizes as lspci prints them.</summary>
internal static class ReportFormat
{
    /// <summary>The line both step reports print when detection found nothing.</summary>
    internal static void WriteNoVmd(System.IO.TextWriter writer, VmdHost host)
    {
        if (host.Controllers.Count == 0)
        {
            writer.WriteLine($"No VMD found ({host.Detection.FunctionsScanned} host functions scanned).");
        }
    }

    internal static string Hex(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);

    internal static string Hex4(ushort value) => value.ToString("x4", CultureInfo.InvariantCulture);

    internal static string Hex2(byte value) => value.ToString("x2", CultureInfo.InvariantCulture);

    internal static string Size(ulong size) => SizeFormat.Format(size);

    internal static string Features(VmdFeatures features)
    {
        if (features == VmdFeatures.None)
        {
            return "none";
        }

        var text = new StringBuilder();
        for (int bit = 0; bit < 32; bit++)
        {
            var flag = (VmdFeatures)(1u << bit);
            if ((features & flag) != 0)
            {
                if (text.Length > 0)
                {
                    text.Append(", ");
                }

                text.Append(VmdDeviceTable.FeatureName(flag));
            }
        }

        return text.ToString();
    }

    internal static string Range(ulong start, ulong length) =>
        length == 0 ? Hex(start) : Hex(start) + "-" + Hex(start + length - 1);

    internal static string BarKind(VmdBar bar) =>
        (bar.Is64Bit ? "64-bit" : "32-bit") + (bar.Prefetchable ? " prefetchable" : " non-prefetchable");
}
