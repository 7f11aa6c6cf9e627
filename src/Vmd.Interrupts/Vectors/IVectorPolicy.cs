namespace Vmd.Interrupts.Vectors;

/// <summary>
/// Chooses which VMD vector a new child interrupt is remapped onto. The library ships
/// <see cref="LinuxVectorPolicy"/> and <see cref="FreeBsdVectorPolicy"/>; a host may supply its own.
/// </summary>
/// <remarks>
/// Called by <see cref="VmdVectorTable.Allocate"/> under the table's lock, at bring-up or hot-plug time (never in
/// interrupt context), only when at least one vector is usable. It must only read the table
/// (<see cref="VmdVectorTable.FirstUsable"/>, <see cref="VmdVectorTable.ActiveCount"/>,
/// <see cref="VmdVectorTable.GetUserCount"/>); the table counts the user itself.
/// </remarks>
public interface IVectorPolicy
{
    /// <summary>Returns the VMD vector index for one more interrupt of a child with class <paramref name="classCode"/>.</summary>
    /// <param name="table">The VMD's vectors and their current user counts.</param>
    /// <param name="classCode">24-bit class code of the child (0x010802 for NVMe).</param>
    /// <returns>An index from <see cref="VmdVectorTable.FirstUsable"/> to <see cref="VmdVectorTable.ActiveCount"/> − 1.</returns>
    int SelectVector(VmdVectorTable table, uint classCode);
}
