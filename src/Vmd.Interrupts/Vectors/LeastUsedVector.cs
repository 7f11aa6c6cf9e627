namespace Vmd.Interrupts.Vectors;

/// <summary>The least-used search both shipped policies share.</summary>
internal static class LeastUsedVector
{
    /// <summary>
    /// The index in [<paramref name="from"/>, <paramref name="to"/>) with the fewest users; the search starts at
    /// <paramref name="from"/> and only a strictly smaller count replaces the best, so ties go to the lowest index.
    /// </summary>
    public static int Find(VmdVectorTable table, int from, int to)
    {
        int best = from;
        int bestUsers = table.GetUserCount(from);
        for (int i = from + 1; i < to; i++)
        {
            int users = table.GetUserCount(i);
            if (users < bestUsers)
            {
                best = i;
                bestUsers = users;
            }
        }

        return best;
    }
}
