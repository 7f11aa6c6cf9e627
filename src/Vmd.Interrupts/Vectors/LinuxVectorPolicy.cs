using Vmd.Registers;

namespace Vmd.Interrupts.Vectors;

/// <summary>
/// Linux's choice (hardware digest §8.2): NVMe interrupts (class 0x010802) spread over the vectors after the
/// first usable one by least use, ties to the lowest index; every other class (root ports, AHCI, …) shares the
/// first usable vector; with a single usable vector everything goes there.
/// </summary>
/// <remarks>
/// Example with 19 vectors on a client VMD (first usable 1): vector 0 unused, vector 1 for all non-NVMe
/// interrupts, vectors 2–18 for NVMe queues. Unlike Linux the table counts the users of the shared vector too
/// (§16.6); the NVMe search never looks at it, so the choices are the same. Stateless and thread-safe.
/// </remarks>
public sealed class LinuxVectorPolicy : IVectorPolicy
{
    private const uint ClassCodeMask = 0xFF_FFFF;

    /// <inheritdoc />
    public int SelectVector(VmdVectorTable table, uint classCode)
    {
        System.ArgumentNullException.ThrowIfNull(table);
        int first = table.FirstUsable;
        int count = table.ActiveCount;
        if (count <= first + 1 || (classCode & ClassCodeMask) != ClassCodes.NvmExpress)
        {
            return first;
        }

        return LeastUsedVector.Find(table, first + 1, count);
    }
}
