namespace Vmd.Enumeration.Resources;

/// <summary>Overflow-checked address arithmetic and the bridge window register encoding.</summary>
internal static class ResourceMath
{
    /// <summary>Highest bus address a 32-bit decoder (NP window, 32-bit BAR or window) reaches.</summary>
    public const ulong Highest32BitAddress = 0xFFFF_FFFF;

    /// <summary>Memory Base/Limit dword of a closed window: base 0xFFF0 &gt; limit 0x0000 (hardware digest §6.1).</summary>
    public const uint DisabledWindowRegister = 0x0000_FFF0;

    /// <summary>Rounds <paramref name="value"/> up to a multiple of <paramref name="alignment"/> (a power of two); false on overflow.</summary>
    public static bool TryAlignUp(ulong value, ulong alignment, out ulong aligned)
    {
        ulong mask = alignment - 1;
        if (value > ulong.MaxValue - mask)
        {
            aligned = 0;
            return false;
        }

        aligned = (value + mask) & ~mask;
        return true;
    }

    /// <summary>The smallest power of two ≥ <paramref name="value"/> (≥ 1); false when that exceeds 2^63.</summary>
    public static bool TryRoundUpToPowerOfTwo(ulong value, out ulong result)
    {
        if (value > (1UL << 63))
        {
            result = 0;
            return false;
        }

        result = 1;
        while (result < value)
        {
            result <<= 1;
        }

        return true;
    }

    /// <summary>
    /// Memory Base/Limit (or Prefetchable Base/Limit) dword for the window [<paramref name="first"/>, <paramref name="last"/>]:
    /// each 16-bit half holds address bits 31:20 in bits 15:4 (<c>(addr &gt;&gt; 16) &amp; 0xFFF0</c>), limit in the upper half.
    /// </summary>
    public static uint EncodeWindow(ulong first, ulong last) =>
        (uint)((((last >> 16) & 0xFFF0) << 16) | ((first >> 16) & 0xFFF0));

    /// <summary>True when a window decoded from its registers forwards anything (base ≤ limit).</summary>
    public static bool IsWindowOpen(uint baseLimit, uint baseUpper, uint limitUpper)
    {
        ulong first = ((ulong)baseUpper << 32) | ((ulong)(baseLimit & 0xFFF0) << 16);
        ulong last = ((ulong)limitUpper << 32) | ((ulong)((baseLimit >> 16) & 0xFFF0) << 16) | 0xF_FFFF;
        return first <= last;
    }
}
