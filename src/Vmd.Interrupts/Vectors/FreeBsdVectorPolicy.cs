namespace Vmd.Interrupts.Vectors;

/// <summary>
/// FreeBSD's choice (hardware digest §8.3): for every class, the least-used vector from the first usable one to
/// the last, ties to the lowest index.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class FreeBsdVectorPolicy : IVectorPolicy
{
    /// <inheritdoc />
    public int SelectVector(VmdVectorTable table, uint classCode)
    {
        System.ArgumentNullException.ThrowIfNull(table);
        return LeastUsedVector.Find(table, table.FirstUsable, table.ActiveCount);
    }
}
